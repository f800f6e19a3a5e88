//! Q1: the identity client.

use tokio::io::{AsyncBufRead, AsyncWrite};

/// Q1 client: for each line of `input` (an empty line too; a last line without a newline counts
/// too):
///
/// - connects to `addr` (a new connection per line);
/// - sends the line + `\r\n`;
/// - reads the reply line (with a cap on its length, far above 16 KiB) and writes its text without
///   `\r\n`, plus `\n`, to `output`, then flushes `output`.
///
/// Returns 0 at the end of the input. If connecting fails, writes `connection failed: <reason>` +
/// `\n` to `errors` and returns 1; if the server closes without a reply, writes
/// `connection lost: <reason>` + `\n` to `errors` (nothing to `output`) and returns 1. `<reason>`
/// says what happened: the I/O error's text, or, when the server just closed, a sentence of your
/// own (the reference says `the server closed the connection without a reply`). After a failure
/// it stops: the rest of the input is not sent. A reply that the server ends by closing, without
/// `\n`, is still a reply: its text is printed + `\n`. Input that cannot be read (not UTF-8, say)
/// writes `could not read the input: <reason>` + `\n` to `errors` and returns 1.
pub async fn run<I, O, E>(addr: &str, input: I, output: O, errors: E) -> i32
where
    I: AsyncBufRead + Unpin,
    O: AsyncWrite + Unpin,
    E: AsyncWrite + Unpin,
{
    // TODO(Q1): `input.lines()` and `next_line()`; `TcpStream::connect(addr)`, `write_all`,
    // `read_until(b'\n')`; `output.write_all(...)` then `output.flush()`.
    let _ = (input, output, errors);
    todo!("send each line to the server at {addr}")
}
