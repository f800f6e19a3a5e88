//! Whether a protocol keeps a line it is fed without `\n` to 64 KiB: the heap bytes live after 4 MiB
//! of one endless line, against after the first 128 KiB of it.

use challenge::twisted::Protocol;
use harness::memory::live_bytes;

/// How much more than after the warm-up a protocol may hold after 4 MiB of one line: the 64 KiB it
/// keeps (a `Vec` may double once more), with room.
const GROWTH: usize = 1024 * 1024;

/// Feeds `protocol` 4 MiB without `\n`, in 64 KiB chunks; `Err` with a sentence when the heap grew
/// by more than [`GROWTH`] after the first 128 KiB.
pub(crate) fn endless_line(protocol: &mut dyn Protocol) -> Result<(), String> {
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..2 {
        protocol.data_received(&chunk);
    }
    let Some(before) = live_bytes() else {
        return Err("the checks could not count memory (no counting allocator)".into());
    };
    for _ in 0..62 {
        protocol.data_received(&chunk);
    }
    let after = live_bytes().unwrap_or(before);
    let grew = after.saturating_sub(before);
    if grew > GROWTH {
        return Err(format!(
            "fed one line of 4 MiB without `\\n` (in 64 KiB chunks), the protocol's memory grew by \
             {} KiB after the first 128 KiB: expected it to keep at most 64 KiB of a line, or a \
             peer that never sends `\\n` makes it hold everything",
            grew / 1024
        ));
    }
    Ok(())
}
