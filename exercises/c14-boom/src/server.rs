//! Q2: the server: one shared game, one task per player, the board broadcast after every change.

use std::future::Future;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

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
    // TODO(Q2): your fields: e.g. an `Arc` of the start `Instant`, a std `Mutex` of the `Game` and
    // of each player's queue (`mpsc::Sender`), and what wakes the clock.
}

impl Server {
    /// Q2: a new game on a `config.width` × `config.height` board, with its clock task (so: call
    /// it inside a tokio runtime). The clock sleeps until [`Game::next_deadline`] (no polling),
    /// then calls [`Game::advance`] and shows everyone the board if it changed.
    ///
    /// [`Game::next_deadline`]: crate::game::Game::next_deadline
    /// [`Game::advance`]: crate::game::Game::advance
    pub fn new(config: Config) -> Server {
        // TODO(Q2): `tokio::spawn` the clock; a bomb dropped must wake it (its fuse may end first).
        let _ = config;
        todo!("start a game and its clock")
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
        // TODO(Q2): `tokio::io::split`; one loop writes the queue, one reads keys; `select!` them
        // (and a signal that the player was disconnected). Never hold the lock across `.await`.
        let _ = stream;
        todo!("play one player's game")
    }
}

/// Q2: accepts players on `listener`, each in a task of its own playing one shared game, until
/// `shutdown` completes; then closes every connection and returns `Ok(())`.
pub async fn serve<F>(listener: TcpListener, config: Config, shutdown: F) -> io::Result<()>
where
    F: Future<Output = ()>,
{
    // TODO(Q2): one `Server::new(config)`, a clone per connection in a `JoinSet`; `select!`
    // between `shutdown` and `accept`.
    let _ = (listener, config, shutdown);
    todo!("serve the game")
}
