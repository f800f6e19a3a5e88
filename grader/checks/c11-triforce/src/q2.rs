//! Q2, `ObstinateProtocol`: its callbacks called directly, as a glue would, and its transport's
//! outbox read after each one. No socket, and no need for Q1's glue.

use challenge::obstinate::ObstinateProtocol;
use challenge::twisted::{Outbox, Protocol, Reason, Transport};
use harness::{Outcome, fail, show_bytes};

struct Driven {
    protocol: ObstinateProtocol,
    outbox: Outbox,
    /// What was fed so far, to say it in messages.
    fed: Vec<String>,
}

impl Driven {
    /// A protocol that got `connection_made`; fails if that wrote anything.
    fn new() -> Outcome<Driven> {
        let (transport, outbox) = Transport::new(([127, 0, 0, 1], 40000).into());
        let mut protocol = ObstinateProtocol::default();
        protocol.connection_made(transport);
        let mut driven = Driven {
            protocol,
            outbox,
            fed: Vec::new(),
        };
        let greeting = driven.written();
        if !greeting.is_empty() {
            return fail(format!(
                "expected nothing written on `connection_made`, got {}",
                show_bytes(&greeting)
            ));
        }
        Ok(driven)
    }

    fn written(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while let Some(data) = self.outbox.writes.try_next() {
            all.extend(data);
        }
        all
    }

    /// Feeds one chunk and expects exactly `answer` written in return.
    fn feed(&mut self, chunk: &[u8], answer: &[u8]) -> Outcome {
        self.fed.push(show_bytes(chunk));
        self.protocol.data_received(chunk);
        let got = self.written();
        if got == answer {
            return Ok(());
        }
        fail(format!(
            "fed `data_received` the chunks {}; after the last one expected {}, got {}",
            self.fed.join(", "),
            show_bytes(answer),
            show_bytes(&got)
        ))
    }
}

pub(crate) async fn no_per_line() -> Outcome {
    for line in [
        &b"Are you there?\r\n"[..],
        b"Are you lying?\n",
        b"\r\n",
        b"\n",
        b"\xff\xfe\r\n",
    ] {
        Driven::new()?.feed(line, b"no\r\n")?;
    }
    let mut driven = Driven::new()?;
    for _ in 0..3 {
        driven.feed(b"Are you sure?\r\n", b"no\r\n")?;
    }
    Ok(())
}

pub(crate) async fn line_in_pieces() -> Outcome {
    let mut driven = Driven::new()?;
    for piece in [&b"Are y"[..], b"ou the", b"re?", b"\r"] {
        driven.feed(piece, b"")?;
    }
    driven.feed(b"\n", b"no\r\n")?;
    let mut long = Driven::new()?;
    let piece = vec![b'x'; 64 * 1024];
    for _ in 0..16 {
        long.feed(&piece, b"")?;
    }
    long.feed(b"\r\n", b"no\r\n")?;
    let mut endless = Driven::new()?;
    crate::memory::endless_line(&mut endless.protocol).or_else(fail)?;
    endless.feed(b"\n", b"no\r\n")
}

pub(crate) async fn several_per_chunk() -> Outcome {
    Driven::new()?.feed(b"yes\r\nno\r\nmaybe\r\n", b"no\r\nno\r\nno\r\n")?;
    let mut driven = Driven::new()?;
    driven.feed(b"one\ntwo\nthr", b"no\r\nno\r\n")?;
    driven.feed(b"ee\nfour", b"no\r\n")?;
    driven.feed(b"\n\n", b"no\r\nno\r\n")
}

pub(crate) async fn tail_unanswered() -> Outcome {
    let mut driven = Driven::new()?;
    driven.feed(b"first\r\nlast words", b"no\r\n")?;
    driven.protocol.connection_lost(Reason::Done);
    let got = driven.written();
    if !got.is_empty() {
        return fail(format!(
            "fed b\"first\\r\\nlast words\", then `connection_lost`; expected one `no\\r\\n` (the \
             bytes after the last `\\n` are no line), got {} more",
            show_bytes(&got)
        ));
    }
    Driven::new()?.feed(b"no newline yet", b"")
}
