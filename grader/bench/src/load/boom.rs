//! c14: each client is a player of the one shared game (default board, 11 × 9). An op is a key
//! that moves the player's pawn along the top row, `d` from (0, 0) to (1, 0) and `a` back: legal
//! whoever stands there (pawns share tiles), so every op changes the board and the server
//! broadcasts it to every player. Its latency runs from the key sent to the mover's own resulting
//! board seen: the first board, after the key, with the player's letter on the tile it moved to
//! (the pawn that moved last is drawn on top). The boards of the other players' moves arrive
//! meanwhile, and are read, checked and skipped.
//!
//! The clients of a run keep pace with one another (none starts an op more than one ahead of the
//! slowest): the server rightly drops a player whose queue of screens is full, and a closed loop
//! of fast players would otherwise run ahead of one the scheduler left behind for a moment.
//!
//! Every byte is checked: the negotiation `FF FB 01 FF FB 03` first, then nothing but screens
//! (`ESC [ H ESC [ 2 J` and the 9 rows, each `\r\n`-ended, walls where x and y are both odd, `.` or
//! a capital letter elsewhere): no bell (no move of the load is illegal), no bomb, no flame. A
//! player's letter is read from its first screen, its join's, where it stands on (0, 0), on top.
//! An idle connection is a player whose negotiation and first screen have arrived.

use super::{Client, Workload, unexpected};
use futures::future::BoxFuture;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;

pub struct Boom;

/// The board's size (the server's default `Config`).
const WIDTH: usize = 11;
const HEIGHT: usize = 9;
/// What the server sends first: `IAC WILL ECHO`, `IAC WILL SGA`.
const NEGOTIATION: &[u8] = &[0xFF, 0xFB, 0x01, 0xFF, 0xFB, 0x03];
/// Every screen starts with the cursor home and the screen cleared.
const HOME_CLEAR: &[u8] = b"\x1b[H\x1b[2J";
/// A screen's length: every board has the same size.
const SCREEN: usize = HOME_CLEAR.len() + (WIDTH + 2) * HEIGHT;
/// How many screens a player may see after its key without its own: more is a server that did
/// not move the pawn (8 players who each wait for their own board see far fewer).
const MAX_SKIPPED: usize = 10_000;
/// How long a player waits for its own board after its key.
const OP_LIMIT: Duration = Duration::from_secs(3);

impl Workload for Boom {
    fn op(&self) -> &'static str {
        "key"
    }

    /// Modest: every op broadcasts a screen to every player.
    fn clients(&self) -> usize {
        8
    }

    /// One player alone (its own pace); a measurement's players come from [`Workload::run`].
    fn client(&self, addr: SocketAddr, until: Instant) -> Client {
        Box::pin(play(addr, until, Pace::new().seat()))
    }

    /// The players of one measurement, each seated in one shared [`Pace`] before any plays: none
    /// can get ahead of the others.
    fn run(&self, addr: SocketAddr, until: Instant) -> Vec<Client> {
        let pace = Pace::new();
        (0..self.clients())
            .map(|_| Box::pin(play(addr, until, pace.seat())) as Client)
            .collect()
    }

    fn idle(&self, addr: SocketAddr) -> Option<BoxFuture<'static, io::Result<TcpStream>>> {
        Some(Box::pin(async move {
            // A few joins at a time: each one queues a screen to every player, and a burst of
            // them (the grader opens idle connections 64 at once) fills the queue of a player
            // whose task the server did not get to meanwhile, which is then rightly dropped.
            let _turn = IDLE_JOINS.acquire().await.map_err(io::Error::other)?;
            Ok(Player::join(addr, Some(IDLE_RECEIVE_BUFFER)).await?.stream)
        }))
    }
}

/// One player: joins, then presses its keys until `until`, taking its turns from `seat`.
async fn play(addr: SocketAddr, until: Instant, seat: Seat) -> io::Result<Vec<Duration>> {
    let mut player = Player::join(addr, None).await?;
    let me = player.letter;
    let mut latencies = Vec::new();
    // The pawn's column on the top row: 0 or 1.
    let mut x = 0;
    while Instant::now() < until {
        let (key, to) = if x == 0 { (b'd', 1) } else { (b'a', 0) };
        seat.wait_turn(latencies.len()).await;
        let start = Instant::now();
        player.stream.write_all(&[key]).await?;
        let mut skipped = 0;
        let own = async {
            loop {
                let tiles = player.screen().await?;
                if tiles[to] == me {
                    return io::Result::Ok(true);
                }
                skipped += 1;
                if skipped > MAX_SKIPPED {
                    return Ok(false);
                }
            }
        };
        match tokio::time::timeout(OP_LIMIT, own).await {
            Ok(Ok(true)) => {}
            Ok(Err(e)) => return Err(e),
            Ok(Ok(false)) | Err(_) => {
                return Err(unexpected(format!(
                    "player {} pressed {:?}: no board with {} on ({to}, 0) came ({skipped} other boards \
                     did, within {} s)",
                    char::from(me),
                    char::from(key),
                    char::from(me),
                    OP_LIMIT.as_secs()
                )));
            }
        }
        latencies.push(start.elapsed());
        seat.done(latencies.len());
        x = to;
    }
    Ok(latencies)
}

/// The kernel's receive buffer asked for an idle player, which reads nothing after its first
/// screen: room for the screens of the joins after its own (thousands), so that the server does
/// not drop it for a full queue.
const IDLE_RECEIVE_BUFFER: u32 = 256 * 1024;
/// How many idle players join at once.
static IDLE_JOINS: Semaphore = Semaphore::const_new(4);
/// How many ops a client may start beyond the fewest any other client of its run has completed.
///
/// The server drops a player whose queue is full (32 screens in the reference), and every op
/// queues a screen to every player: a client left behind (its server task or itself not scheduled
/// for a moment) must not see the others race on. Kept this close, a player has at most about
/// `(AHEAD + 2) × clients` screens coming that it has not read.
const AHEAD: usize = 1;

/// The clients of one run, kept within [`AHEAD`] ops of one another.
struct Pace {
    /// Ops completed by each client; `usize::MAX` for one that has stopped.
    done: Mutex<Vec<usize>>,
    changed: Notify,
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Pace {
    fn new() -> Arc<Pace> {
        Arc::new(Pace {
            done: Mutex::new(Vec::new()),
            changed: Notify::new(),
        })
    }

    /// A place among the clients of this run.
    fn seat(self: &Arc<Pace>) -> Seat {
        let index = {
            let mut done = locked(&self.done);
            done.push(0);
            done.len() - 1
        };
        Seat {
            pace: self.clone(),
            index,
        }
    }
}

/// One client's place in its run's [`Pace`]; dropped when the client stops (or fails), which
/// lets the others go on.
struct Seat {
    pace: Arc<Pace>,
    index: usize,
}

impl Seat {
    /// Waits until every other client has completed at least `ops - AHEAD` ops.
    async fn wait_turn(&self, ops: usize) {
        loop {
            let changed = self.pace.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if locked(&self.pace.done)
                .iter()
                .all(|&done| done >= ops.saturating_sub(AHEAD))
            {
                return;
            }
            changed.await;
        }
    }

    fn done(&self, ops: usize) {
        locked(&self.pace.done)[self.index] = ops;
        self.pace.changed.notify_waiters();
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.done(usize::MAX);
    }
}

/// A connected player and what it has read but not yet taken.
struct Player {
    stream: TcpStream,
    /// Its letter, as its first screen showed it.
    letter: u8,
    buf: Box<[u8; 4096]>,
    start: usize,
    end: usize,
}

impl Player {
    /// Connects (with a receive buffer of `receive_buffer` bytes if given), reads the negotiation
    /// and the first screen (the board of this player's join).
    async fn join(addr: SocketAddr, receive_buffer: Option<u32>) -> io::Result<Player> {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4()?,
            SocketAddr::V6(_) => TcpSocket::new_v6()?,
        };
        if let Some(size) = receive_buffer {
            socket.set_recv_buffer_size(size)?;
        }
        let stream = socket.connect(addr).await?;
        stream.set_nodelay(true)?;
        let mut player = Player {
            stream,
            letter: 0,
            buf: Box::new([0; 4096]),
            start: 0,
            end: 0,
        };
        player.fill(NEGOTIATION.len()).await?;
        let first = &player.buf[..NEGOTIATION.len()];
        if first != NEGOTIATION {
            return Err(unexpected(format!(
                "expected the negotiation FF FB 01 FF FB 03 first, got {first:02X?}"
            )));
        }
        player.start = NEGOTIATION.len();
        let tiles = player.screen().await?;
        player.letter = tiles[0];
        if !player.letter.is_ascii_uppercase() {
            return Err(unexpected(format!(
                "the board of a player's join shows {:?} on (0, 0), not the player's letter",
                char::from(player.letter)
            )));
        }
        Ok(player)
    }

    /// Reads until at least `need` bytes are buffered.
    async fn fill(&mut self, need: usize) -> io::Result<()> {
        if self.end - self.start >= need {
            return Ok(());
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        while self.end < need {
            let n = self.stream.read(&mut self.buf[self.end..]).await?;
            if n == 0 {
                return Err(unexpected("the server closed the connection of a player".into()));
            }
            self.end += n;
        }
        Ok(())
    }

    /// Reads the next screen, checks it byte by byte, and returns its tiles, row by row.
    async fn screen(&mut self) -> io::Result<[u8; WIDTH * HEIGHT]> {
        // A wrong first byte fails at once, without waiting for a screen's length of bytes.
        self.fill(1).await?;
        if self.buf[self.start] != HOME_CLEAR[0] {
            return Err(unexpected(format!(
                "expected a screen (ESC [ H ESC [ 2 J …), got {}",
                match self.buf[self.start] {
                    0x07 => "a bell for a legal move".to_string(),
                    other => format!("a byte {other:#04X} ({:?})", char::from(other)),
                }
            )));
        }
        self.fill(SCREEN).await?;
        let bytes = &self.buf[self.start..self.start + SCREEN];
        let wrong = |what: &str| {
            unexpected(format!(
                "expected a screen (ESC [ H ESC [ 2 J and an {WIDTH} × {HEIGHT} board), {what}: {:?}",
                String::from_utf8_lossy(bytes)
            ))
        };
        if !bytes.starts_with(HOME_CLEAR) {
            return Err(wrong("got something else"));
        }
        let mut tiles = [0u8; WIDTH * HEIGHT];
        for (y, row) in bytes[HOME_CLEAR.len()..].chunks_exact(WIDTH + 2).enumerate() {
            if &row[WIDTH..] != b"\r\n" {
                return Err(wrong("a row does not end with \\r\\n"));
            }
            for (x, &tile) in row[..WIDTH].iter().enumerate() {
                let ok = if x % 2 == 1 && y % 2 == 1 {
                    tile == b'#'
                } else {
                    tile == b'.' || tile.is_ascii_uppercase()
                };
                if !ok {
                    return Err(wrong(&format!("{:?} on ({x}, {y})", char::from(tile))));
                }
                tiles[y * WIDTH + x] = tile;
            }
        }
        self.start += SCREEN;
        Ok(tiles)
    }
}
