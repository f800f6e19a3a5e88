//! Q2: the seed's `ObstinateProtocol`, which says no to everything.

use crate::twisted::{Protocol, Transport};

/// Q2: answers `no\r\n` to every line the peer sends.
///
/// A line ends with `\n` (a `\r` before it belongs to the line: `yes\r\n` and `yes\n` are both one
/// line, and so is an empty one). `data_received` gets chunks, not lines: a line may come in
/// pieces (answered once, when its `\n` arrives), or several lines in one chunk (one `no\r\n`
/// each). Bytes after the last `\n` when the connection ends are no line: they get no answer.
/// At most 64 KiB of a line is kept (none is needed): a peer that never sends `\n` cannot make the
/// protocol hold more.
#[derive(Default)]
pub struct ObstinateProtocol {
    transport: Option<Transport>,
}

impl Protocol for ObstinateProtocol {
    fn connection_made(&mut self, transport: Transport) {
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        // What a line says does not matter, only where lines end: count the `\n`s. Nothing is
        // kept between chunks, so a line of any length costs no memory.
        let lines = data.iter().filter(|&&byte| byte == b'\n').count();
        if let Some(transport) = &self.transport {
            // One write for the whole chunk, not one per line: a chunk of 16,384 `\n`s is one
            // 64 KiB write instead of 16,384 tiny ones.
            transport.write(&b"no\r\n".repeat(lines));
        }
    }
}
