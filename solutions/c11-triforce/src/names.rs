//! Q3: a factory with shared state — every connection gets a name, and `who` lists the live ones.

use crate::twisted::{Factory, Protocol, Reason, Transport};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// The longest line a connection keeps: the rest of a longer line is dropped, so that a peer that
/// never sends `\n` cannot make us hold more.
const MAX_LINE: usize = 64 * 1024;

/// Q3: builds protocols that share this factory's state.
///
/// - The connections it serves are named A, B, C … in the order they are made (`connection_made`,
///   not `build_protocol`: a protocol built but never made takes no name), wrapping after Z (the
///   27th is A again). A connection learns its name at once: `You are <name>\r\n`.
/// - The factory keeps the live connections: one is added in `connection_made` and removed in
///   `connection_lost`.
/// - The line `who` (surrounding ASCII whitespace ignored, as `trim_ascii` does; lines as in Q2)
///   is answered with the names of the live connections in the order they were made, joined by
///   commas: `A,C\r\n`. Other lines get no answer. At most 64 KiB of a line is kept: a line of
///   64 KiB or more (65,536 bytes, its `\n` included) is no `who`, whatever it holds.
///
/// Each factory has its own names and its own live set: a new factory starts at A.
#[derive(Default)]
pub struct NamesFactory {
    names: Arc<Mutex<Names>>,
}

impl NamesFactory {
    pub fn new() -> NamesFactory {
        NamesFactory::default()
    }
}

/// What the connections of one factory share.
#[derive(Default)]
struct Names {
    /// How many connections have been made: the next one's number.
    made: u64,
    /// The live connections' names, by number: the order they were made in.
    live: BTreeMap<u64, char>,
}

/// Locks the shared names. A panic in another connection's callback while it held the lock leaves
/// the data usable (each change is one map operation), so a poisoned lock is taken as it is.
fn lock(names: &Mutex<Names>) -> MutexGuard<'_, Names> {
    names.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Factory for NamesFactory {
    fn build_protocol(&self, _peer: SocketAddr) -> Box<dyn Protocol> {
        Box::new(NamedProtocol {
            names: self.names.clone(),
            me: None,
            transport: None,
            line: Vec::new(),
        })
    }
}

/// One connection of a [`NamesFactory`].
struct NamedProtocol {
    names: Arc<Mutex<Names>>,
    /// This connection's number, once made.
    me: Option<u64>,
    transport: Option<Transport>,
    /// The line read so far (at most [`MAX_LINE`] bytes of it).
    line: Vec<u8>,
}

impl NamedProtocol {
    fn line_received(&mut self) {
        if self.line.trim_ascii() != b"who" {
            return;
        }
        // The lock is held for the copy only, never while anything else happens.
        let who: Vec<String> = lock(&self.names).live.values().map(char::to_string).collect();
        if let Some(transport) = &self.transport {
            transport.write(format!("{}\r\n", who.join(",")).as_bytes());
        }
    }
}

impl Protocol for NamedProtocol {
    fn connection_made(&mut self, transport: Transport) {
        let name = {
            let mut names = lock(&self.names);
            let me = names.made;
            names.made += 1;
            let name = char::from(b'A' + (me % 26) as u8);
            names.live.insert(me, name);
            self.me = Some(me);
            name
        };
        transport.write(format!("You are {name}\r\n").as_bytes());
        self.transport = Some(transport);
    }

    fn data_received(&mut self, data: &[u8]) {
        for piece in data.split_inclusive(|&byte| byte == b'\n') {
            let room = MAX_LINE.saturating_sub(self.line.len());
            self.line.extend_from_slice(&piece[..piece.len().min(room)]);
            if piece.ends_with(b"\n") {
                // A line cut at MAX_LINE is not `who`, whatever its start: answer only whole lines.
                if self.line.len() < MAX_LINE {
                    self.line_received();
                }
                self.line.clear();
            }
        }
    }

    fn connection_lost(&mut self, _reason: Reason) {
        if let Some(me) = self.me.take() {
            lock(&self.names).live.remove(&me);
        }
    }
}
