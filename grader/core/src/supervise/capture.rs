//! Reading a runner's pipes on threads of their own, keeping a bounded amount of what arrives:
//! learner code may print gigabytes, and the grader's memory must not follow.

use super::decide::Received;
use crate::event::{Envelope, Event};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

/// How much of a runner's output (stdout and stderr together) is kept: the last 64 KiB.
pub const OUTPUT_KEPT: usize = 64 << 10;
/// The most an events channel may carry in one run: far more than any honest runner writes.
const EVENTS_MAX: u64 = 16 << 20;
/// The longest event line (a check's message is a few hundred bytes; a failing one may quote
/// a few KiB of what the learner's code sent).
const LINE_MAX: usize = 1 << 20;

/// A thread reading a pipe until its end into a shared value. The value is taken with a time limit
/// on the end of the pipe: a process that escaped the grader's kill might still hold it open, and
/// then what was read so far stands.
pub struct Reader<T> {
    value: Arc<Mutex<T>>,
    done: mpsc::Receiver<()>,
}

impl<T: Default + Send + 'static> Reader<T> {
    fn spawn(name: &str, read: impl FnOnce(&Mutex<T>) + Send + 'static) -> std::io::Result<Reader<T>> {
        let value = Arc::new(Mutex::new(T::default()));
        let shared = value.clone();
        let (tx, rx) = mpsc::channel();
        thread::Builder::new().name(name.into()).spawn(move || {
            read(&shared);
            let _ = tx.send(());
        })?;
        Ok(Reader { value, done: rx })
    }

    /// What was read, once the pipe has ended or `limit` has passed.
    pub fn finish(self, limit: Duration) -> T {
        let _ = self.done.recv_timeout(limit);
        std::mem::take(&mut *self.value.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Reads the events channel: one [`Received`] per line, up to [`EVENTS_MAX`] bytes.
pub fn events(pipe: impl Read + Send + 'static) -> std::io::Result<Reader<Vec<Received>>> {
    Reader::spawn("runner events", move |received: &Mutex<Vec<Received>>| {
        let push = |r: Received| received.lock().unwrap_or_else(|e| e.into_inner()).push(r);
        let mut reader = BufReader::new(pipe.take(EVENTS_MAX));
        let mut line = Vec::new();
        loop {
            line.clear();
            match (&mut reader)
                .take(LINE_MAX as u64 + 1)
                .read_until(b'\n', &mut line)
            {
                Ok(0) | Err(_) => break,
                Ok(_) if line.last() != Some(&b'\n') => {
                    // The line is over the longest an event may be, the channel went over its
                    // budget, or the runner died mid-line.
                    let overflow = line.len() > LINE_MAX || reader.get_ref().limit() == 0;
                    push(if overflow {
                        Received::Overflow
                    } else {
                        Received::Torn
                    });
                    break;
                }
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line[..line.len() - 1]);
                    push(match Envelope::from_line(&text) {
                        Some(envelope) => Received::Event(envelope),
                        // An event with no secret at all: a forgery that guessed the format.
                        None => match serde_json::from_str::<Event>(&text) {
                            Ok(event) => Received::Event(Envelope {
                                secret: String::new(),
                                event,
                            }),
                            Err(_) => Received::Unreadable(text.chars().take(80).collect()),
                        },
                    });
                }
            }
        }
        // Drain what is left, so that a runner writing more never blocks on a full pipe.
        let _ = std::io::copy(&mut reader.into_inner().into_inner(), &mut std::io::sink());
    })
}

/// Reads a runner's output, keeping the last [`OUTPUT_KEPT`] bytes.
pub fn output(mut pipe: impl Read + Send + 'static) -> std::io::Result<Reader<VecDeque<u8>>> {
    Reader::spawn("runner output", move |kept: &Mutex<VecDeque<u8>>| {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                    let len = kept.len();
                    let overflow = (len + n).saturating_sub(OUTPUT_KEPT);
                    kept.drain(..overflow.min(len));
                    kept.extend(&buf[n.saturating_sub(OUTPUT_KEPT)..n]);
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_keeps_only_the_tail() {
        let big: Vec<u8> = (0..1_000_000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let kept = output(std::io::Cursor::new(big))
            .unwrap()
            .finish(Duration::from_secs(5));
        assert_eq!(kept.len(), OUTPUT_KEPT);
        let text: Vec<u8> = kept.into();
        assert!(String::from_utf8_lossy(&text).ends_with("line 999999\n"));
    }

    #[test]
    fn events_are_parsed_and_a_torn_line_is_marked() {
        let line = Envelope {
            secret: "s".into(),
            event: Event::Started { index: 0 },
        }
        .to_line();
        let text = format!("{line}\nnot json\n{{\"half");
        let got = events(std::io::Cursor::new(text))
            .unwrap()
            .finish(Duration::from_secs(5));
        assert!(matches!(got[0], Received::Event(_)));
        assert_eq!(got[1], Received::Unreadable("not json".into()));
        assert_eq!(got[2], Received::Torn);
    }

    #[test]
    fn an_endless_line_is_an_overflow_not_a_memory_leak() {
        let flood = std::io::repeat(b'x').take(40 << 20);
        let got = events(flood).unwrap().finish(Duration::from_secs(20));
        assert_eq!(got, [Received::Overflow]);
    }
}
