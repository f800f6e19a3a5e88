//! A recording protocol and factory: every callback the glue makes, with the task that made it.

use challenge::twisted::{Factory, Protocol, Reason, Transport};
use harness::show_bytes;
use harness::tokio::task::{self, Id};
use harness::tokio::time::Duration;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// How long a check waits for the glue to do something it must do (real time).
pub(crate) const LIMIT: Duration = Duration::from_secs(2);

/// One thing that happened to a recorded protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Call {
    Made {
        peer: SocketAddr,
    },
    Data(Vec<u8>),
    /// Not a callback: the protocol called `lose_connection` (inside `data_received`).
    Lose,
    /// `Ok` for `Reason::Done`, the error's text for `Reason::Lost`.
    Lost(Result<(), String>),
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub call: Call,
    pub task: Option<Id>,
}

/// One protocol the factory built.
#[derive(Debug, Clone)]
pub(crate) struct Conn {
    pub built_for: SocketAddr,
    pub calls: Vec<Entry>,
}

impl Conn {
    pub fn data(&self) -> Vec<u8> {
        self.calls
            .iter()
            .filter_map(|e| match &e.call {
                Call::Data(d) => Some(d.as_slice()),
                _ => None,
            })
            .flatten()
            .copied()
            .collect()
    }

    pub fn count(&self, pred: impl Fn(&Call) -> bool) -> usize {
        self.calls.iter().filter(|e| pred(&e.call)).count()
    }

    pub fn lost(&self) -> usize {
        self.count(|c| matches!(c, Call::Lost(_)))
    }

    /// The callbacks in order, as a learner reads them: `connection_made, data_received(b"hi"), …`.
    pub fn summary(&self) -> String {
        let shown: Vec<String> = self
            .calls
            .iter()
            .filter(|e| e.call != Call::Lose)
            .map(|e| match &e.call {
                Call::Made { .. } => "connection_made".to_string(),
                Call::Data(d) if d.len() > 24 => format!("data_received({} bytes)", d.len()),
                Call::Data(d) => format!("data_received({})", show_bytes(d)),
                Call::Lose => unreachable!(),
                Call::Lost(Ok(())) => "connection_lost(Done)".to_string(),
                Call::Lost(Err(e)) => format!("connection_lost(Lost({e}))"),
            })
            .collect();
        if shown.len() > 12 {
            let tail = shown[shown.len() - 4..].join(", ");
            format!(
                "{}, … ({} calls in all) …, {tail}",
                shown[..6].join(", "),
                shown.len()
            )
        } else if shown.is_empty() {
            "no callback at all".to_string()
        } else {
            shown.join(", ")
        }
    }
}

/// What a recorded protocol does besides recording.
#[derive(Debug, Clone, Default)]
pub(crate) struct Script {
    /// Written in `connection_made`.
    pub greet: Vec<u8>,
    /// Calls `lose_connection` in `connection_made`, right after the greeting.
    pub greet_and_go: bool,
    /// Written 30 ms after `connection_made` from a thread of its own, through a clone of the
    /// transport: a write that no callback makes.
    pub later: Option<Vec<u8>>,
    /// Counts the bytes of `data_received` without keeping them (for floods).
    pub sink: bool,
    /// Writes every chunk back.
    pub echo: bool,
    /// On the data `quit\n` (anywhere in what came so far): writes `payload` (in
    /// [`QUIT_PIECE`]-byte writes, so that a glue that picks between writing and closing at random
    /// closes early with near certainty, not half the time), calls
    /// `lose_connection`, then writes `after` (which must never arrive), then sleeps `nap` inside
    /// the callback (so that what the client sends next is waiting when it returns).
    pub quit: Option<Quit>,
}

/// The size of the writes a quitting protocol makes.
pub(crate) const QUIT_PIECE: usize = 4096;

#[derive(Debug, Clone, Default)]
pub(crate) struct Quit {
    pub payload: Vec<u8>,
    pub after: Vec<u8>,
    pub nap: Duration,
}

/// A factory of recording protocols; clones share the record.
#[derive(Clone)]
pub(crate) struct Recorder {
    conns: Arc<Mutex<Vec<Conn>>>,
    script: Arc<Script>,
    /// Bytes given to `data_received`, every connection together.
    received: Arc<AtomicUsize>,
}

impl Recorder {
    pub fn new(script: Script) -> Recorder {
        Recorder {
            conns: Arc::new(Mutex::new(Vec::new())),
            script: Arc::new(script),
            received: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Bytes given to `data_received` so far, every connection together.
    pub fn received(&self) -> usize {
        self.received.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Conn>> {
        self.conns.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn conns(&self) -> Vec<Conn> {
        self.lock().clone()
    }

    /// The protocol built for the client at `peer`, if any.
    pub fn conn_for(&self, peer: SocketAddr) -> Option<Conn> {
        self.lock().iter().find(|c| c.built_for == peer).cloned()
    }

    fn push(&self, index: usize, call: Call) {
        let task = task::try_id();
        if let Some(conn) = self.lock().get_mut(index) {
            conn.calls.push(Entry { call, task });
        }
    }
}

impl Factory for Recorder {
    fn build_protocol(&self, peer: SocketAddr) -> Box<dyn Protocol> {
        let index = {
            let mut conns = self.lock();
            conns.push(Conn {
                built_for: peer,
                calls: Vec::new(),
            });
            conns.len() - 1
        };
        Box::new(Recording {
            index,
            recorder: self.clone(),
            transport: None,
            seen: Vec::new(),
        })
    }
}

struct Recording {
    index: usize,
    recorder: Recorder,
    transport: Option<Transport>,
    /// The last bytes received (to spot `quit\n` across chunks).
    seen: Vec<u8>,
}

impl Protocol for Recording {
    fn connection_made(&mut self, transport: Transport) {
        self.recorder.push(
            self.index,
            Call::Made {
                peer: transport.peer(),
            },
        );
        let script = self.recorder.script.clone();
        transport.write(&script.greet);
        if script.greet_and_go {
            transport.lose_connection();
            self.recorder.push(self.index, Call::Lose);
        }
        if let Some(later) = script.later.clone() {
            let writer = transport.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(30));
                writer.write(&later);
            });
        }
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        self.recorder.received.fetch_add(data.len(), Ordering::Relaxed);
        let script = self.recorder.script.clone();
        if !script.sink {
            self.recorder.push(self.index, Call::Data(data.to_vec()));
        }
        let Some(transport) = &self.transport else {
            return;
        };
        if script.echo {
            transport.write(data);
        }
        if let Some(quit) = &script.quit {
            self.seen.extend_from_slice(data);
            let quitting = self.seen.windows(5).any(|w| w == b"quit\n");
            // Keep 4 bytes: a `quit\n` split across two chunks is still seen.
            let keep = self.seen.len().saturating_sub(4);
            self.seen.drain(..keep);
            if quitting {
                self.seen.clear();
                for piece in quit.payload.chunks(QUIT_PIECE) {
                    transport.write(piece);
                }
                transport.lose_connection();
                self.recorder.push(self.index, Call::Lose);
                transport.write(&quit.after);
                if !quit.nap.is_zero() {
                    std::thread::sleep(quit.nap);
                }
            }
        }
    }

    fn connection_lost(&mut self, reason: Reason) {
        let reason = match reason {
            Reason::Done => Ok(()),
            Reason::Lost(e) => Err(e.to_string()),
        };
        self.recorder.push(self.index, Call::Lost(reason));
    }
}
