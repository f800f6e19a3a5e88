//! Q3: a factory with shared state — every connection gets a name, and `who` lists the live ones.

use crate::twisted::{Factory, Protocol};
use std::net::SocketAddr;

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
    // TODO(Q3): the state all connections share, behind an `Arc<Mutex<…>>` that each protocol
    // keeps a clone of (Twisted's `p.factory = self`).
}

impl NamesFactory {
    pub fn new() -> NamesFactory {
        NamesFactory::default()
    }
}

impl Factory for NamesFactory {
    fn build_protocol(&self, peer: SocketAddr) -> Box<dyn Protocol> {
        // TODO(Q3): a protocol struct of your own (its name, its transport, the line read so far:
        // keep at most 64 KiB of it) that implements `Protocol`.
        let _ = peer;
        todo!("build a protocol that shares this factory's state")
    }
}
