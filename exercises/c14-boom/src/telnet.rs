//! Q3: the telnet layer: the negotiation that puts a telnet client in character mode, a filter
//! that takes telnet commands out of the input, and the screen a player's terminal shows.

/// "Interpret As Command": every telnet command starts with it.
pub const IAC: u8 = 255;
/// `IAC DONT x`: please stop doing x (or: do not start).
pub const DONT: u8 = 254;
/// `IAC DO x`: please do x (or: yes, do it).
pub const DO: u8 = 253;
/// `IAC WONT x`: I will not do x (or: I stop).
pub const WONT: u8 = 252;
/// `IAC WILL x`: I will do x (or: yes, I do).
pub const WILL: u8 = 251;
/// `IAC SB x … IAC SE`: a sub-negotiation about option x.
pub const SB: u8 = 250;
/// The end of a sub-negotiation.
pub const SE: u8 = 240;
/// Option 1: the server echoes what the user types (the client stops echoing it).
pub const ECHO: u8 = 1;
/// Option 3: suppress go-ahead; with ECHO, a client sends every key as it is pressed.
pub const SGA: u8 = 3;

/// Sent to the player for an illegal move: the terminal's bell.
pub const BELL: &[u8] = b"\x07";
/// Sent to a dead player for each of its game keys.
pub const DEAD: &[u8] = b"You're dead.\r\n";

/// Q3: what the server sends first on every connection: `IAC WILL ECHO`, `IAC WILL SGA`
/// (`FF FB 01 FF FB 03`): the client goes to character mode, keys arrive without Enter.
pub fn negotiation() -> &'static [u8] {
    todo!("the negotiation bytes")
}

/// Q3: the bytes that redraw a player's screen with `board` (what [`crate::game::Game::render`]
/// gives): the cursor home and the screen cleared (`ESC [ H`, `ESC [ 2 J`), then the board.
pub fn screen(board: &str) -> Vec<u8> {
    let _ = board;
    todo!("a screen's bytes")
}

/// What [`TelnetFilter::feed`] found in some input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtered {
    /// The data bytes (the keys), telnet commands taken out, `IAC IAC` as one 0xFF.
    pub data: Vec<u8>,
    /// What to send back to the client: answers to its option requests.
    pub replies: Vec<u8>,
}

/// Q3: the telnet input filter, one per connection: a small state machine fed whatever each read
/// gave.
#[derive(Debug, Clone, Default)]
pub struct TelnetFilter {
    // TODO(Q3): your fields: where the filter is in a command (an `enum`), and whether we still
    // do ECHO and SGA.
}

impl TelnetFilter {
    /// A filter at the start of a connection (after [`negotiation`] was sent).
    pub fn new() -> TelnetFilter {
        TelnetFilter::default()
    }

    /// Q3: filters `input`, the next bytes read from the client (a command may have begun in an
    /// earlier read, or end in a later one).
    ///
    /// - Data bytes pass, CR and NUL too (telnet sends Enter as CR NUL or CR LF: data, which the
    ///   game ignores); `IAC IAC` is the data byte 0xFF; every other command is taken out:
    ///   two-byte ones (`IAC NOP` …), option ones (`IAC DO x` …), sub-negotiations
    ///   (`IAC SB … IAC SE`: only `IAC SE` ends one; an `IAC IAC` inside is part of it).
    /// - Answers, never to an answer (no negotiation loops): `IAC WILL x` → `IAC DONT x`, every
    ///   time, ECHO and SGA too (we want nothing from the client); `IAC DO x` for x other than
    ///   ECHO and SGA → `IAC WONT x`;
    ///   `IAC DO ECHO`/`DO SGA` agree with us: no answer; `IAC DONT ECHO`/`DONT SGA` → `IAC WONT`
    ///   it, once (the RFC's acknowledgement; we stop), and a later `DO` of it → `IAC WILL` it,
    ///   once (we start again), each of the two on its own; `WONT x` and other `DONT x`: no
    ///   answer.
    pub fn feed(&mut self, input: &[u8]) -> Filtered {
        // TODO(Q3): one `match (state, byte)` per byte; keep the state in `self` between calls.
        let _ = input;
        todo!("filter telnet commands out")
    }
}
