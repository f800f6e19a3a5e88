//! Q1: the game, as a pure model: no I/O, no clock. Time is passed in as the `Duration` since the
//! game started, so the same calls always give the same board.

use std::time::Duration;

/// How long a bomb burns before it explodes.
pub const FUSE: Duration = Duration::from_secs(3);
/// How long the flames of a blast stay on the board.
pub const FLAME: Duration = Duration::from_millis(500);
/// How far a blast reaches from its bomb, in each of the four directions.
pub const BLAST: usize = 2;

/// A player, as [`Game::join`] numbered it (0 for the first to join, 1 for the next …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlayerId(pub usize);

/// What a key did, so that the server knows whom to tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The board changed (a move, a bomb): every player gets the board.
    Changed,
    /// An illegal move (off the board, into a wall or a bomb, a second bomb on a tile): the
    /// player hears a bell.
    Bell,
    /// The player's pawn is dead: it gets `You're dead.` and nothing moves.
    Dead,
    /// Not a game key (Enter, a space, an unknown player …): nothing happens.
    Ignored,
}

/// One player's pawn.
#[derive(Debug, Clone)]
struct Pawn {
    id: PlayerId,
    letter: char,
    at: (usize, usize),
    alive: bool,
}

/// A bomb, and when it explodes.
#[derive(Debug, Clone)]
struct Bomb {
    at: (usize, usize),
    explodes: Duration,
}

/// A tile on fire, and when the fire goes out.
#[derive(Debug, Clone)]
struct Flame {
    at: (usize, usize),
    until: Duration,
}

/// The board and everything on it.
#[derive(Debug, Clone)]
pub struct Game {
    width: usize,
    height: usize,
    /// In order of arrival on their tiles: a pawn that moves goes to the end, and is drawn on top.
    pawns: Vec<Pawn>,
    bombs: Vec<Bomb>,
    flames: Vec<Flame>,
    /// How many players ever joined: the next one's number (and letter).
    joined: usize,
}

impl Game {
    /// An empty `width` × `height` board (the server's default is 11 × 9).
    pub fn new(width: usize, height: usize) -> Game {
        Game {
            width,
            height,
            pawns: Vec::new(),
            bombs: Vec::new(),
            flames: Vec::new(),
            joined: 0,
        }
    }

    /// Whether (x, y) is a wall: x and y both odd.
    pub fn is_wall(x: usize, y: usize) -> bool {
        x % 2 == 1 && y % 2 == 1
    }

    /// Q1: a new pawn at (0, 0), named `A`, `B` … `Z` by join order, then `A` again (the seed's
    /// `num % 26`): the n-th player to join gets the n-th letter, whoever left since. It is the
    /// most recent arrival on its tile. A pawn that joins into a flame dies.
    pub fn join(&mut self) -> PlayerId {
        let id = PlayerId(self.joined);
        self.joined += 1;
        let letter = char::from(b'A' + (id.0 % 26) as u8);
        let alive = !self.on_fire((0, 0));
        self.pawns.push(Pawn {
            id,
            letter,
            at: (0, 0),
            alive,
        });
        id
    }

    /// Q1: removes this player's pawn, dead or alive (the seed's `connectionLost`), and no other
    /// (after Z, letters repeat: two pawns may share one).
    pub fn leave(&mut self, id: PlayerId) {
        self.pawns.retain(|pawn| pawn.id != id);
    }

    /// Q1: the player pressed `key` at `now` (call [`Game::advance`]`(now)` first: `key` acts on
    /// the board as it is).
    ///
    /// `w` `a` `s` `d` move up, left, down, right; `e` drops a bomb on the pawn's tile, exploding
    /// at `now + FUSE`. Moving off the board, into a wall or onto a bomb, or dropping a second
    /// bomb on a tile, is a [`Reply::Bell`]. A pawn that walks into a flame dies. A dead pawn's
    /// game keys are [`Reply::Dead`]; any other key is [`Reply::Ignored`], dead or alive.
    pub fn key(&mut self, id: PlayerId, key: u8, now: Duration) -> Reply {
        let Some(index) = self.pawns.iter().position(|pawn| pawn.id == id) else {
            return Reply::Ignored;
        };
        let step: Option<(isize, isize)> = match key {
            b'w' => Some((0, -1)),
            b'a' => Some((-1, 0)),
            b's' => Some((0, 1)),
            b'd' => Some((1, 0)),
            b'e' => None,
            _ => return Reply::Ignored,
        };
        if !self.pawns[index].alive {
            return Reply::Dead;
        }
        let at = self.pawns[index].at;
        let Some((dx, dy)) = step else {
            // `e`: one bomb per tile.
            if self.bomb_at(at) {
                return Reply::Bell;
            }
            self.bombs.push(Bomb {
                at,
                explodes: now + FUSE,
            });
            return Reply::Changed;
        };
        let Some(to) = self.neighbour(at, dx, dy) else {
            return Reply::Bell;
        };
        if Game::is_wall(to.0, to.1) || self.bomb_at(to) {
            return Reply::Bell;
        }
        // The pawn arrives last on its new tile: move it to the end, so it is drawn on top.
        let mut pawn = self.pawns.remove(index);
        pawn.at = to;
        pawn.alive = !self.on_fire(to);
        self.pawns.push(pawn);
        Reply::Changed
    }

    /// Q1: lets the game run until `now`, in the order things happen; returns whether the board
    /// changed.
    ///
    /// - A bomb explodes when its fuse has burnt: at exactly [`FUSE`] after it was dropped (not a
    ///   moment later, not a moment sooner). Its blast is a plus: its tile and up to [`BLAST`]
    ///   tiles in each of the four directions, stopped by a wall (not on fire itself) and by the
    ///   board's edges. Every pawn in the blast dies; every bomb in it explodes at once (a chain).
    /// - Every tile of the blast is a flame for [`FLAME`] after the explosion (gone at exactly
    ///   0.5 s after it), even when `advance` is called late.
    pub fn advance(&mut self, now: Duration) -> bool {
        let mut changed = false;
        // Events in time order: the earliest due, as long as it is not after `now`.
        while let Some(due) = self.next_deadline().filter(|&due| due <= now) {
            let before = self.flames.len();
            self.flames.retain(|flame| flame.until > due);
            changed |= self.flames.len() != before;
            while let Some(index) = self.bombs.iter().position(|bomb| bomb.explodes <= due) {
                self.explode(index, due);
                changed = true;
            }
        }
        changed
    }

    /// Q1: when the next bomb explodes or the next flame goes out; `None` when nothing burns.
    /// The server sleeps until then instead of polling.
    pub fn next_deadline(&self) -> Option<Duration> {
        let bombs = self.bombs.iter().map(|bomb| bomb.explodes);
        let flames = self.flames.iter().map(|flame| flame.until);
        bombs.chain(flames).min()
    }

    /// Q1: the board, one line per row, each ending `\r\n`: `#` a wall, `.` an empty tile, `*` a
    /// bomb, `+` a flame, a pawn's letter (lowercase when dead). Several things on one tile: the
    /// pawn that arrived there last is drawn, a pawn hides a bomb (its own, just dropped) and a
    /// flame (a dead pawn in the blast that killed it shows its lowercase letter).
    pub fn render(&self) -> String {
        let mut rows: Vec<Vec<char>> = (0..self.height)
            .map(|y| {
                (0..self.width)
                    .map(|x| if Game::is_wall(x, y) { '#' } else { '.' })
                    .collect()
            })
            .collect();
        let mut draw = |(x, y): (usize, usize), c: char| rows[y][x] = c;
        for flame in &self.flames {
            draw(flame.at, '+');
        }
        for bomb in &self.bombs {
            draw(bomb.at, '*');
        }
        // In order of arrival: the last drawn wins. (A dead pawn never arrives after a live one:
        // a live pawn cannot stand in the flame that kills it.)
        for pawn in &self.pawns {
            let letter = if pawn.alive {
                pawn.letter
            } else {
                pawn.letter.to_ascii_lowercase()
            };
            draw(pawn.at, letter);
        }
        let mut text = String::with_capacity((self.width + 2) * self.height);
        for row in rows {
            text.extend(row);
            text.push_str("\r\n");
        }
        text
    }

    /// Explodes the bomb at `index` at time `at`: a plus of flames from its tile, up to [`BLAST`]
    /// tiles each way, stopped by walls and the board's edges. Pawns in it die; bombs in it
    /// explode at once (a chain).
    fn explode(&mut self, index: usize, at: Duration) {
        let bomb = self.bombs.swap_remove(index);
        let mut tiles = vec![bomb.at];
        for (dx, dy) in [(0, -1), (-1, 0), (0, 1), (1, 0)] {
            let mut tile = bomb.at;
            for _ in 0..BLAST {
                match self.neighbour(tile, dx, dy) {
                    Some(next) if !Game::is_wall(next.0, next.1) => {
                        tiles.push(next);
                        tile = next;
                    }
                    _ => break,
                }
            }
        }
        for &tile in &tiles {
            self.flames.push(Flame {
                at: tile,
                until: at + FLAME,
            });
            for pawn in self.pawns.iter_mut().filter(|pawn| pawn.at == tile) {
                pawn.alive = false;
            }
            // A chain: every bomb in the blast explodes now, whatever its own fuse says.
            for other in self.bombs.iter_mut().filter(|other| other.at == tile) {
                other.explodes = at;
            }
        }
    }

    /// The tile one step from `at`, if it is on the board.
    fn neighbour(&self, (x, y): (usize, usize), dx: isize, dy: isize) -> Option<(usize, usize)> {
        let x = x.checked_add_signed(dx).filter(|&x| x < self.width)?;
        let y = y.checked_add_signed(dy).filter(|&y| y < self.height)?;
        Some((x, y))
    }

    fn bomb_at(&self, at: (usize, usize)) -> bool {
        self.bombs.iter().any(|bomb| bomb.at == at)
    }

    fn on_fire(&self, at: (usize, usize)) -> bool {
        self.flames.iter().any(|flame| flame.at == at)
    }
}
