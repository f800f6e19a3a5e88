//! What Q2's checks share: a player on an in-memory stream (`tokio::io::duplex`), reading what the
//! server sends and finding boards in it; the expected boards come from a shadow game, the
//! learner's own `Game` given the same calls in the same order as the server's (joins, keys,
//! leaves), so that a Q1 mistake costs Q1's points only. The server's end of each stream is
//! chopped ([`harness::io`]): reads of a few bytes, partial writes.

use crate::boards::shown;
use challenge::game::{Game, PlayerId};
use challenge::server::Server;
use harness::io::chopped_duplex;
use harness::tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use harness::tokio::task::JoinHandle;
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Failure, Outcome, fail, show_bytes};

/// How long a player waits for what it expects (virtual time on a paused clock: it costs
/// nothing, and covers a fuse).
pub(crate) const LIMIT: Duration = Duration::from_secs(10);

/// Added to failures about boards, which the learner's `render` and `screen` draw.
pub(crate) const BOARD_NOTE: &str = "the boards expected are your own `Game`'s, played with the same keys";

/// One player: the check's end of a duplex stream whose other end is in `Server::play`.
pub(crate) struct Player {
    pub(crate) name: String,
    pub(crate) stream: DuplexStream,
    /// Everything received so far.
    pub(crate) seen: Vec<u8>,
    /// Where the next search starts: just past the last board found.
    pos: usize,
    pub(crate) task: JoinHandle<()>,
    /// When the check started (the server's game started then too).
    start: Instant,
}

impl Player {
    /// Joins `server` through a duplex stream of `capacity` bytes each way.
    pub(crate) fn join(server: &Server, name: &str, capacity: usize, start: Instant) -> Player {
        // The server's end reads 1–7 bytes at a time and writes 1–5, with spurious wake-ups:
        // commands split across reads, partial writes (seeded by the player's name).
        let seed = name
            .bytes()
            .fold(14u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let (ours, theirs) = chopped_duplex(capacity, seed);
        let server = server.clone();
        let task = harness::tokio::spawn(async move { server.play(theirs).await });
        Player {
            name: name.to_string(),
            stream: ours,
            seen: Vec::new(),
            pos: 0,
            task,
            start,
        }
    }

    pub(crate) async fn send(&mut self, bytes: &[u8]) -> Outcome {
        match timeout(LIMIT, self.stream.write_all(bytes)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => fail(format!(
                "{} could not send {}: {e} (did `play` end?)",
                self.name,
                show_bytes(bytes)
            )),
            Err(_) => Err(Failure::Timeout(format!(
                "{} could not send {} within 10 s (is `play` reading?)",
                self.name,
                show_bytes(bytes)
            ))),
        }
    }

    /// Reads once more (at most until `deadline`); `false` at the end of the stream.
    async fn read_more(&mut self, deadline: Instant) -> Outcome<Option<bool>> {
        let mut buf = [0u8; 4096];
        match harness::tokio::time::timeout_at(deadline, self.stream.read(&mut buf)).await {
            Err(_) => Ok(None),
            Ok(Ok(0)) => Ok(Some(false)),
            Ok(Ok(n)) => {
                self.seen.extend_from_slice(&buf[..n]);
                Ok(Some(true))
            }
            Ok(Err(e)) => fail(format!("{} could not read: {e}", self.name)),
        }
    }

    /// Reads until one of `boards` appears after the last board found; returns which, and when it
    /// arrived (time since the check started).
    pub(crate) async fn expect_any(&mut self, boards: &[&str], when: &str) -> Outcome<(usize, Duration)> {
        let deadline = Instant::now() + LIMIT;
        loop {
            let found = boards
                .iter()
                .enumerate()
                .filter_map(|(i, b)| find(&self.seen[self.pos..], b.as_bytes()).map(|at| (at, i, b.len())))
                .min();
            if let Some((at, which, len)) = found {
                self.pos += at + len;
                return Ok((which, self.start.elapsed()));
            }
            match self.read_more(deadline).await? {
                Some(true) => {}
                ended => {
                    let how = if ended.is_none() {
                        "within 10 s"
                    } else {
                        "before the connection closed"
                    };
                    let last = last_board(&self.seen[self.pos..]);
                    return fail(format!(
                        "{when}: expected {} to receive the board{}{how}; got {} ({BOARD_NOTE})",
                        self.name,
                        shown(boards[0]),
                        match last {
                            Some(board) => format!("last the board{}", shown(&board)),
                            None => format!("{} after the last board", show_bytes(&self.seen[self.pos..])),
                        }
                    ));
                }
            }
        }
    }

    /// Reads until `board` appears after the last board found; returns when it arrived.
    pub(crate) async fn expect(&mut self, board: &str, when: &str) -> Outcome<Duration> {
        Ok(self.expect_any(&[board], when).await?.1)
    }

    /// Reads until `needle` appears after the last board found (without moving past it).
    pub(crate) async fn expect_bytes(&mut self, needle: &[u8], when: &str) -> Outcome {
        let deadline = Instant::now() + LIMIT;
        loop {
            if find(&self.seen[self.pos..], needle).is_some() {
                return Ok(());
            }
            if self.read_more(deadline).await? != Some(true) {
                return fail(format!(
                    "{when}: expected {} to receive {}, got {}",
                    self.name,
                    show_bytes(needle),
                    show_bytes(&self.seen[self.pos..])
                ));
            }
        }
    }

    /// How many times `needle` came after `from` in what this player received: read until it came
    /// `at_least` times (at most [`LIMIT`]), then once the server has settled (10 ms of virtual time,
    /// nothing else happening), whatever else came. Counts replies that no board follows.
    pub(crate) async fn count(&mut self, from: usize, needle: &[u8], at_least: usize) -> Outcome<usize> {
        let deadline = Instant::now() + LIMIT;
        while count(&self.seen[from..], needle) < at_least {
            if self.read_more(deadline).await? != Some(true) {
                break;
            }
        }
        harness::tokio::time::sleep(Duration::from_millis(10)).await;
        while self.read_more(Instant::now()).await? == Some(true) {}
        Ok(count(&self.seen[from..], needle))
    }

    /// Reads until the server closes the stream (at most [`LIMIT`]).
    pub(crate) async fn expect_closed(&mut self, when: &str) -> Outcome {
        let deadline = Instant::now() + LIMIT;
        loop {
            match self.read_more(deadline).await? {
                Some(true) => {}
                Some(false) => return Ok(()),
                None => {
                    return Err(Failure::Timeout(format!(
                        "{when}: expected the server to close {}'s stream within 10 s",
                        self.name
                    )));
                }
            }
        }
    }
}

/// Where `needle` starts in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many times `needle` (not empty) comes in `hay`, not overlapping.
pub(crate) fn count(hay: &[u8], needle: &[u8]) -> usize {
    let mut n = 0;
    let mut rest = hay;
    while let Some(at) = find(rest, needle) {
        n += 1;
        rest = &rest[at + needle.len()..];
    }
    n
}

/// The last thing in `bytes` that looks like a board: lines of `.#*+` and letters.
fn last_board(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes)
        .replace("\x1b[H", "\r\n")
        .replace("\x1b[2J", "");
    let mut boards = Vec::new();
    let mut current = String::new();
    for line in text.split("\r\n") {
        let line = line.trim_start_matches(|c: char| {
            !(c == '.' || c == '#' || c.is_ascii_alphabetic() || c == '*' || c == '+')
        });
        let is_row = !line.is_empty()
            && line
                .chars()
                .all(|c| ".#*+".contains(c) || c.is_ascii_alphabetic())
            && line.contains(['.', '#']);
        if is_row {
            current.push_str(line);
            current.push_str("\r\n");
        } else if !current.is_empty() {
            boards.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        boards.push(current);
    }
    boards.pop()
}

/// The learner's game, played by the check with the same keys as the server's players.
pub(crate) struct Shadow {
    pub(crate) game: Game,
}

impl Shadow {
    pub(crate) fn new() -> Shadow {
        Shadow::sized(11, 9)
    }
    pub(crate) fn sized(width: usize, height: usize) -> Shadow {
        Shadow {
            game: Game::new(width, height),
        }
    }
    pub(crate) fn join(&mut self) -> (PlayerId, String) {
        let id = self.game.join();
        (id, self.game.render())
    }
    pub(crate) fn key(&mut self, id: PlayerId, key: u8, now: Duration) -> String {
        self.game.advance(now);
        self.game.key(id, key, now);
        self.game.render()
    }
    /// Runs the game to its next deadline: when, and the board then. `None` when the learner's
    /// model does not change at its own deadline (Q1's checks say why): nothing to judge here.
    pub(crate) fn next_event(&mut self) -> Option<(Duration, String)> {
        let due = self.game.next_deadline()?;
        if !self.game.advance(due) {
            return None;
        }
        Some((due, self.game.render()))
    }
}
