//! c14's floor: one shared game on the default 11 × 9 board behind a `std` mutex (never held
//! across an `.await`), and a task per player that writes the negotiation, then what its bounded
//! queue brings (one write per screen), and plays the keys it reads. A join, a move and a leave
//! render the screen once, into one shared buffer, and queue it to every player without waiting;
//! a player whose queue is full is dropped, as the reference does. `w` `a` `s` `d` move (a bell for
//! a move off the board or into a wall), pawns drawn in order of arrival.
//!
//! It skips what the bench does not drive: bombs, blasts and the game's clock (`e` is ignored, as
//! is every other key), the telnet filter (input bytes are keys as they come), and the other board
//! sizes.

use futures::future::BoxFuture;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

const WIDTH: usize = 11;
const HEIGHT: usize = 9;
const NEGOTIATION: &[u8] = &[0xFF, 0xFB, 0x01, 0xFF, 0xFB, 0x03];
const HOME_CLEAR: &[u8] = b"\x1b[H\x1b[2J";
const SCREEN: usize = HOME_CLEAR.len() + (WIDTH + 2) * HEIGHT;
/// Screens that may wait for one player (the reference's default).
const QUEUE: usize = 32;

/// What a player is sent after the negotiation.
enum Out {
    Screen(Arc<[u8]>),
    Bell,
}

struct Pawn {
    id: usize,
    letter: u8,
    x: usize,
    y: usize,
}

struct Game {
    /// In order of arrival on their tiles: the last one drawn wins.
    pawns: Vec<Pawn>,
    players: Vec<(usize, mpsc::Sender<Out>)>,
    joined: usize,
    /// The empty board's screen, walls drawn.
    empty: [u8; SCREEN],
}

impl Game {
    fn new() -> Game {
        let mut empty = [b'.'; SCREEN];
        empty[..HOME_CLEAR.len()].copy_from_slice(HOME_CLEAR);
        for y in 0..HEIGHT {
            let row = HOME_CLEAR.len() + y * (WIDTH + 2);
            for x in (1..WIDTH).step_by(2).filter(|_| y % 2 == 1) {
                empty[row + x] = b'#';
            }
            empty[row + WIDTH..row + WIDTH + 2].copy_from_slice(b"\r\n");
        }
        Game {
            pawns: Vec::new(),
            players: Vec::new(),
            joined: 0,
            empty,
        }
    }

    /// Queues the screen to every player; drops those whose queue is full (and shows the others).
    fn broadcast(&mut self) {
        loop {
            let mut screen = self.empty;
            for pawn in &self.pawns {
                screen[HOME_CLEAR.len() + pawn.y * (WIDTH + 2) + pawn.x] = pawn.letter;
            }
            let screen: Arc<[u8]> = Arc::from(&screen[..]);
            let before = self.players.len();
            let pawns = &mut self.pawns;
            self.players.retain(|(id, queue)| {
                let ok = queue.try_send(Out::Screen(screen.clone())).is_ok();
                if !ok {
                    pawns.retain(|pawn| pawn.id != *id);
                }
                ok
            });
            if self.players.len() == before {
                return;
            }
        }
    }

    fn key(&mut self, id: usize, key: u8) {
        let (dx, dy) = match key {
            b'w' => (0, -1),
            b'a' => (-1, 0),
            b's' => (0, 1),
            b'd' => (1, 0),
            _ => return,
        };
        let Some(index) = self.pawns.iter().position(|pawn| pawn.id == id) else {
            return;
        };
        let pawn = &self.pawns[index];
        let to = pawn
            .x
            .checked_add_signed(dx)
            .filter(|&x| x < WIDTH)
            .zip(pawn.y.checked_add_signed(dy).filter(|&y| y < HEIGHT))
            .filter(|&(x, y)| x % 2 == 0 || y % 2 == 0);
        match to {
            Some((x, y)) => {
                let mut pawn = self.pawns.remove(index);
                (pawn.x, pawn.y) = (x, y);
                self.pawns.push(pawn);
                self.broadcast();
            }
            None => {
                let full = self
                    .players
                    .iter()
                    .find(|(player, _)| *player == id)
                    .is_some_and(|(_, queue)| queue.try_send(Out::Bell).is_err());
                if full {
                    self.leave(id);
                }
            }
        }
    }

    fn leave(&mut self, id: usize) {
        let before = self.players.len();
        self.players.retain(|(player, _)| *player != id);
        if self.players.len() != before {
            self.pawns.retain(|pawn| pawn.id != id);
            self.broadcast();
        }
    }
}

fn lock(game: &Mutex<Game>) -> MutexGuard<'_, Game> {
    game.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn serve(listener: TcpListener) -> BoxFuture<'static, ()> {
    let game = Arc::new(Mutex::new(Game::new()));
    Box::pin(super::accept_loop(listener, move |mut stream, _peer| {
        let game = game.clone();
        async move {
            let _ = stream.set_nodelay(true);
            let (queue, mut out) = mpsc::channel(QUEUE);
            let id = {
                let mut game = lock(&game);
                let id = game.joined;
                game.joined += 1;
                let letter = b'A' + (id % 26) as u8;
                game.pawns.push(Pawn {
                    id,
                    letter,
                    x: 0,
                    y: 0,
                });
                game.players.push((id, queue));
                game.broadcast();
                id
            };
            let (mut reader, mut writer) = stream.split();
            if writer.write_all(NEGOTIATION).await.is_ok() {
                let mut keys = [0u8; 64];
                loop {
                    tokio::select! {
                        next = out.recv() => {
                            let written = match next {
                                Some(Out::Screen(screen)) => writer.write_all(&screen).await,
                                Some(Out::Bell) => writer.write_all(b"\x07").await,
                                // Dropped from the game (its queue was full).
                                None => break,
                            };
                            if written.is_err() {
                                break;
                            }
                        }
                        read = reader.read(&mut keys) => match read {
                            Ok(n) if n > 0 => {
                                let mut game = lock(&game);
                                for &key in &keys[..n] {
                                    game.key(id, key);
                                }
                            }
                            _ => break,
                        },
                    }
                }
            }
            lock(&game).leave(id);
        }
    }))
}
