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
    &[IAC, WILL, ECHO, IAC, WILL, SGA]
}

/// Q3: the bytes that redraw a player's screen with `board` (what [`crate::game::Game::render`]
/// gives): the cursor home and the screen cleared (`ESC [ H`, `ESC [ 2 J`), then the board.
pub fn screen(board: &str) -> Vec<u8> {
    let mut bytes = b"\x1b[H\x1b[2J".to_vec();
    bytes.extend_from_slice(board.as_bytes());
    bytes
}

/// What [`TelnetFilter::feed`] found in some input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filtered {
    /// The data bytes (the keys), telnet commands taken out, `IAC IAC` as one 0xFF.
    pub data: Vec<u8>,
    /// What to send back to the client: answers to its option requests.
    pub replies: Vec<u8>,
}

/// Where the filter is in a telnet command. A command may be split across reads at any byte, so
/// this survives from one `feed` to the next.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum State {
    /// Plain data.
    #[default]
    Data,
    /// After `IAC`: a command byte comes next.
    Iac,
    /// After `IAC WILL`/`WONT`/`DO`/`DONT`: the option byte comes next.
    Option(u8),
    /// Inside `IAC SB … IAC SE`: skipped.
    Sub,
    /// After `IAC` inside a sub-negotiation: `SE` ends it, anything else is skipped.
    SubIac,
}

/// Q3: the telnet input filter, one per connection: a small state machine fed whatever each read
/// gave.
#[derive(Debug, Clone)]
pub struct TelnetFilter {
    state: State,
    /// Whether we still do ECHO and SGA: both offered by [`negotiation`].
    echo: bool,
    sga: bool,
}

impl Default for TelnetFilter {
    fn default() -> TelnetFilter {
        TelnetFilter {
            state: State::Data,
            echo: true,
            sga: true,
        }
    }
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
        let mut out = Filtered::default();
        for &byte in input {
            self.state = match (self.state, byte) {
                (State::Data, IAC) => State::Iac,
                (State::Data, _) => {
                    out.data.push(byte);
                    State::Data
                }
                (State::Iac, IAC) => {
                    out.data.push(IAC);
                    State::Data
                }
                (State::Iac, WILL | WONT | DO | DONT) => State::Option(byte),
                (State::Iac, SB) => State::Sub,
                // NOP, GA, AYT …: two-byte commands, dropped.
                (State::Iac, _) => State::Data,
                (State::Option(command), option) => {
                    self.answer(command, option, &mut out.replies);
                    State::Data
                }
                (State::Sub, IAC) => State::SubIac,
                (State::Sub, _) => State::Sub,
                (State::SubIac, SE) => State::Data,
                (State::SubIac, _) => State::Sub,
            };
        }
        out
    }

    /// Answers `IAC command option`, appending to `replies`.
    fn answer(&mut self, command: u8, option: u8, replies: &mut Vec<u8>) {
        let ours = match option {
            ECHO => Some(&mut self.echo),
            SGA => Some(&mut self.sga),
            _ => None,
        };
        match (command, ours) {
            // The client offers something: we want nothing from it.
            (WILL, _) => replies.extend_from_slice(&[IAC, DONT, option]),
            // It asks us to do what we do not support.
            (DO, None) => replies.extend_from_slice(&[IAC, WONT, option]),
            // It asks for ECHO/SGA again after stopping them: agree (once).
            (DO, Some(on)) if !*on => {
                *on = true;
                replies.extend_from_slice(&[IAC, WILL, option]);
            }
            // It asks us to stop ECHO/SGA: acknowledge, once.
            (DONT, Some(on)) if *on => {
                *on = false;
                replies.extend_from_slice(&[IAC, WONT, option]);
            }
            // `DO ECHO` while we echo (the answer to our offer), `WONT x`, `DONT` for what we do
            // not do: answers, never answered.
            _ => {}
        }
    }
}
