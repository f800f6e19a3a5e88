//! Q2: the server: one shared game, one task per player, the board broadcast after every change.

use crate::game::{Game, PlayerId, Reply};
use crate::telnet::{self, TelnetFilter};
use bytes::Bytes;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// The server's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The board's size (default 11 × 9).
    pub width: usize,
    pub height: usize,
    /// How many screens and messages may wait for one player before it is disconnected.
    pub queue: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            width: 11,
            height: 9,
            queue: 32,
        }
    }
}

/// One game shared by every player: clone it into each connection's task. A task of its own (the
/// game's clock) explodes bombs and puts out flames on time; it ends with the last clone.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

struct Shared {
    /// When the game started: the model's times are measured from it.
    started: Instant,
    /// The game and who is connected, behind one lock: a change and its broadcast are one step,
    /// so every player sees every board in the same order. Never held across an `.await`.
    state: Mutex<State>,
    /// Wakes the clock when a bomb is dropped (its deadline may be sooner than the one it waits
    /// for). Dropped with the last `Server`, which ends the clock.
    wake: watch::Sender<()>,
    queue: usize,
}

struct State {
    game: Game,
    players: HashMap<PlayerId, Player>,
}

/// What the game keeps of a connected player.
struct Player {
    /// Its bounded queue of bytes to send: filled with `try_send`, never waited on.
    queue: mpsc::Sender<Bytes>,
    /// Dropped to disconnect the player (its connection's task is waiting on the other end).
    _kick: oneshot::Sender<()>,
}

impl State {
    /// Sends the board to every player. A player whose queue is full (it does not read) or gone
    /// is disconnected, and its pawn removed: the others get one more board without it.
    fn broadcast(&mut self) {
        loop {
            let frame = Bytes::from(telnet::screen(&self.game.render()));
            let mut stalled = Vec::new();
            for (&id, player) in &self.players {
                if player.queue.try_send(frame.clone()).is_err() {
                    stalled.push(id);
                }
            }
            if stalled.is_empty() {
                return;
            }
            for id in stalled {
                self.players.remove(&id);
                self.game.leave(id);
            }
        }
    }

    /// Sends `bytes` to one player; a full queue disconnects it (and the others see it go).
    fn tell(&mut self, id: PlayerId, bytes: &'static [u8]) {
        let full = match self.players.get(&id) {
            Some(player) => player.queue.try_send(Bytes::from_static(bytes)).is_err(),
            None => false,
        };
        if full {
            self.remove(id);
        }
    }

    /// Removes a player and its pawn, if still there, and shows the others.
    fn remove(&mut self, id: PlayerId) {
        if self.players.remove(&id).is_some() {
            self.game.leave(id);
            self.broadcast();
        }
    }
}

impl Server {
    /// Q2: a new game on a `config.width` × `config.height` board, with its clock task (so: call
    /// it inside a tokio runtime). The clock sleeps until [`Game::next_deadline`] (no polling),
    /// then calls [`Game::advance`] and shows everyone the board if it changed.
    ///
    /// [`Game::next_deadline`]: crate::game::Game::next_deadline
    /// [`Game::advance`]: crate::game::Game::advance
    pub fn new(config: Config) -> Server {
        let (wake, woken) = watch::channel(());
        let shared = Arc::new(Shared {
            started: Instant::now(),
            state: Mutex::new(State {
                game: Game::new(config.width, config.height),
                players: HashMap::new(),
            }),
            wake,
            queue: config.queue.max(1),
        });
        tokio::spawn(clock(Arc::downgrade(&shared), woken));
        Server { shared }
    }

    /// Q2: plays one player's game on `stream` (a TCP connection, or any byte stream), until the
    /// player leaves, its stream fails, or its queue is full; then removes its pawn (the others
    /// see it go: a board without it, at once).
    ///
    /// - Joins the game at once and sends [`negotiation`] first, then the board (as
    ///   [`screen`]) to every player after every change: a join, a move, a bomb, a blast, a flame
    ///   going out, a leave.
    /// - Reads keys through a [`TelnetFilter`], sends its replies to this player; plays every data
    ///   byte as a key (the game at the current time first: [`Game::advance`]); sends [`BELL`] for
    ///   each illegal move and [`DEAD`] for each of a dead pawn's game keys (every time), to this
    ///   player only; an ignored key gets nothing.
    /// - Everything for a player goes through its own bounded queue (`config.queue`), filled
    ///   without waiting (`try_send`): a player whose queue is full is disconnected, so a player
    ///   who never reads slows no one.
    ///
    /// [`negotiation`]: crate::telnet::negotiation
    /// [`screen`]: crate::telnet::screen
    /// [`TelnetFilter`]: crate::telnet::TelnetFilter
    /// [`BELL`]: crate::telnet::BELL
    /// [`DEAD`]: crate::telnet::DEAD
    /// [`Game::advance`]: crate::game::Game::advance
    pub async fn play<S>(&self, stream: S)
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (mut reader, mut writer) = tokio::io::split(stream);
        let (queue, mut frames) = mpsc::channel::<Bytes>(self.shared.queue);
        let (kick, kicked) = oneshot::channel();
        let id = {
            let mut state = self.shared.lock();
            let id = state.game.join();
            let player = Player {
                queue: queue.clone(),
                _kick: kick,
            };
            state.players.insert(id, player);
            state.broadcast();
            id
        };

        // Writes what the queue holds, in order, after the negotiation.
        let write = async {
            writer.write_all(telnet::negotiation()).await?;
            while let Some(frame) = frames.recv().await {
                writer.write_all(&frame).await?;
            }
            io::Result::Ok(())
        };
        // Reads keys (through the telnet filter) and plays them.
        let read = async {
            let mut filter = TelnetFilter::new();
            let mut buf = [0u8; 1024];
            loop {
                let n = reader.read(&mut buf).await?;
                if n == 0 {
                    return io::Result::Ok(());
                }
                let filtered = filter.feed(&buf[..n]);
                if !filtered.replies.is_empty() && queue.try_send(filtered.replies.into()).is_err() {
                    return Ok(());
                }
                for &key in &filtered.data {
                    self.key(id, key);
                }
            }
        };
        // Whichever ends first ends the player: it left, its stream failed, or it was kicked.
        tokio::select! {
            _ = write => {}
            _ = read => {}
            _ = kicked => {}
        }
        self.shared.lock().remove(id);
    }

    /// Plays one key: the game catches up with the clock first, then takes the key.
    fn key(&self, id: PlayerId, key: u8) {
        let now = self.shared.started.elapsed();
        let mut state = self.shared.lock();
        let mut changed = state.game.advance(now);
        match state.game.key(id, key, now) {
            Reply::Changed => changed = true,
            Reply::Bell => state.tell(id, telnet::BELL),
            Reply::Dead => state.tell(id, telnet::DEAD),
            Reply::Ignored => {}
        }
        if changed {
            state.broadcast();
            // A new bomb may be due before what the clock waits for.
            self.shared.wake.send_replace(());
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a game still worth playing.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The game's clock: sleeps until the next fuse or flame is due (no polling), then lets the game
/// catch up and shows everyone. Ends when the last [`Server`] is dropped.
async fn clock(shared: Weak<Shared>, mut woken: watch::Receiver<()>) {
    loop {
        let Some(strong) = shared.upgrade() else { return };
        let started = strong.started;
        let next = strong.lock().game.next_deadline();
        drop(strong);
        match next {
            Some(due) => {
                tokio::select! {
                    _ = tokio::time::sleep_until(started + due) => {
                        let Some(strong) = shared.upgrade() else { return };
                        let mut state = strong.lock();
                        if state.game.advance(started.elapsed()) {
                            state.broadcast();
                        }
                    }
                    changed = woken.changed() => if changed.is_err() { return },
                }
            }
            None => {
                if woken.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Q2: accepts players on `listener`, each in a task of its own playing one shared game, until
/// `shutdown` completes; then closes every connection and returns `Ok(())`.
pub async fn serve<F>(listener: TcpListener, config: Config, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()>,
{
    let server = Server::new(config);
    let mut players = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let server = server.clone();
                    players.spawn(async move { server.play(stream).await });
                }
                // A failed accept (too many open files …) ends no one's game.
                Err(e) => {
                    eprintln!("boom: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
            // Reap finished players so the set does not grow.
            Some(_) = players.join_next(), if !players.is_empty() => {}
        }
    }
    players.shutdown().await;
    Ok(())
}
