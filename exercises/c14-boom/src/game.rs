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

// A suggested design (change the private types and fields as you like: the checks use only the
// public items). `allow(dead_code)`: until your answer uses them.

/// One player's pawn.
#[allow(dead_code)]
#[derive(Debug, Clone)]
struct Pawn {
    id: PlayerId,
    letter: char,
    at: (usize, usize),
    alive: bool,
}

/// A bomb, and when it explodes.
#[allow(dead_code)]
#[derive(Debug, Clone)]
struct Bomb {
    at: (usize, usize),
    explodes: Duration,
}

/// A tile on fire, and when the fire goes out.
#[allow(dead_code)]
#[derive(Debug, Clone)]
struct Flame {
    at: (usize, usize),
    until: Duration,
}

/// The board and everything on it.
#[allow(dead_code)]
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
        // TODO(Q1): number it with `joined`; its letter from `b'A'` and `% 26`.
        todo!("a new pawn at (0, 0)")
    }

    /// Q1: removes this player's pawn, dead or alive (the seed's `connectionLost`), and no other
    /// (after Z, letters repeat: two pawns may share one).
    pub fn leave(&mut self, id: PlayerId) {
        let _ = id;
        todo!("remove a pawn")
    }

    /// Q1: the player pressed `key` at `now` (call [`Game::advance`]`(now)` first: `key` acts on
    /// the board as it is).
    ///
    /// `w` `a` `s` `d` move up, left, down, right; `e` drops a bomb on the pawn's tile, exploding
    /// at `now + FUSE`. Moving off the board, into a wall or onto a bomb, or dropping a second
    /// bomb on a tile, is a [`Reply::Bell`]. A pawn that walks into a flame dies. A dead pawn's
    /// game keys are [`Reply::Dead`]; any other key is [`Reply::Ignored`], dead or alive.
    pub fn key(&mut self, id: PlayerId, key: u8, now: Duration) -> Reply {
        // TODO(Q1): find the pawn; `neighbour` gives the tile a step away (or `None` off the board).
        let _ = (id, key, now);
        todo!("play a key")
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
        // TODO(Q1): a loop over `next_deadline()` while it is not after `now`: put out the flames
        // due then, explode the bombs due then (a blast: see the README).
        let _ = now;
        todo!("explode bombs and put out flames")
    }

    /// Q1: when the next bomb explodes or the next flame goes out; `None` when nothing burns.
    /// The server sleeps until then instead of polling.
    pub fn next_deadline(&self) -> Option<Duration> {
        todo!("the next fuse or flame end")
    }

    /// Q1: the board, one line per row, each ending `\r\n`: `#` a wall, `.` an empty tile, `*` a
    /// bomb, `+` a flame, a pawn's letter (lowercase when dead). Several things on one tile: the
    /// pawn that arrived there last is drawn, a pawn hides a bomb (its own, just dropped) and a
    /// flame (a dead pawn in the blast that killed it shows its lowercase letter).
    pub fn render(&self) -> String {
        // TODO(Q1): start from walls and floor (`is_wall`), then draw flames, bombs, dead pawns,
        // live pawns: what is drawn last wins.
        todo!("draw the board")
    }

    /// Given: the tile one step from `at`, if it is on the board.
    #[allow(dead_code)]
    fn neighbour(&self, (x, y): (usize, usize), dx: isize, dy: isize) -> Option<(usize, usize)> {
        let x = x.checked_add_signed(dx).filter(|&x| x < self.width)?;
        let y = y.checked_add_signed(dy).filter(|&y| y < self.height)?;
        Some((x, y))
    }
}
