//! # Challenge 14: Boom — a multiplayer telnet game
//!
//! Players `telnet` in, each gets a pawn (A, B, C …) on one shared board, walks with `w` `a` `s`
//! `d` and drops bombs with `e`; every change is shown to everyone. Read `README.md` first; check
//! your work with `cargo test -p c14-boom`.
//!
//! - [`game`] (Q1): the game as a pure model: board, moves, bombs, blasts, deaths, rendering;
//! - [`server`] (Q2): one shared game, one task per player, broadcasts that no slow player holds up;
//! - [`telnet`] (Q3): the negotiation, the input filter, the screen;
//! - [`cli`]: given, the `boom` command line.

pub mod game;
pub mod server;
pub mod telnet;

pub mod cli;
