//! Q1: the identity client. Each input line goes to the server on a connection of its own; each
//! reply is printed as text.

use std::io;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The longest reply line read, in bytes. A Q2 log grows by about 32 bytes per connection, so this
/// holds some 30,000 entries; a longer reply is cut here instead of filling memory.
const MAX_REPLY: u64 = 1024 * 1024;

/// Why one exchange with the server went wrong.
enum Trouble {
    /// Could not connect: `connection failed: <reason>`.
    Failed(io::Error),
    /// Connected, but got no reply: `connection lost: <reason>`.
    Lost(io::Error),
}

/// Q1 client: for each line of `input` (an empty one too; a last line without a newline counts
/// too), connects to `addr`, sends the line + `\r\n`, reads the reply line and writes its text
/// (without `\r\n`) + `\n` to `output`, flushed. Returns 0 at the end of the input.
///
/// If connecting fails, writes `connection failed: <reason>` + `\n` to `errors` and returns 1; if
/// the server closes without replying, writes `connection lost: <reason>` + `\n` and returns 1.
/// `<reason>` is the I/O error's text, or, when the server just closed,
/// `the server closed the connection without a reply`. Either way it stops there: the rest of the
/// input is not sent. A reply that the server ends by closing, without `\n`, is still a reply:
/// its text is printed + `\n`. Input that cannot be read (not UTF-8, say) writes
/// `could not read the input: <reason>` + `\n` to `errors` and returns 1.
pub async fn run<I, O, E>(addr: &str, input: I, mut output: O, mut errors: E) -> i32
where
    I: AsyncBufRead + Unpin,
    O: AsyncWrite + Unpin,
    E: AsyncWrite + Unpin,
{
    let mut lines = input.lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => return 0,
            Err(e) => return report(&mut errors, &format!("could not read the input: {e}")).await,
        };
        match exchange(addr, &line).await {
            Ok(reply) => {
                let printed = output.write_all(format!("{reply}\n").as_bytes()).await;
                if printed.and(output.flush().await).is_err() {
                    // Nowhere left to print to (a closed pipe): stop, with nothing more to say.
                    return 1;
                }
            }
            Err(Trouble::Failed(e)) => return report(&mut errors, &format!("connection failed: {e}")).await,
            Err(Trouble::Lost(e)) => return report(&mut errors, &format!("connection lost: {e}")).await,
        }
    }
}

/// One connection: send `line`, return the reply line without its line ending.
async fn exchange(addr: &str, line: &str) -> Result<String, Trouble> {
    let mut stream = TcpStream::connect(addr).await.map_err(Trouble::Failed)?;
    stream
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .map_err(Trouble::Lost)?;
    let mut reply = Vec::new();
    BufReader::new(stream.take(MAX_REPLY))
        .read_until(b'\n', &mut reply)
        .await
        .map_err(Trouble::Lost)?;
    if reply.is_empty() {
        let closed = io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection without a reply",
        );
        return Err(Trouble::Lost(closed));
    }
    let text = String::from_utf8_lossy(&reply);
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// Writes `message` + `\n` to `errors` and returns the exit code 1.
async fn report<E: AsyncWrite + Unpin>(errors: &mut E, message: &str) -> i32 {
    // If even the error output is gone, there is nobody left to tell.
    let _ = errors.write_all(format!("{message}\n").as_bytes()).await;
    let _ = errors.flush().await;
    1
}
