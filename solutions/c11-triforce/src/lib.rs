//! # Challenge 11: Triforce — the reactor's glue — reference solution
//!
//! Twisted splits networking into a protocol, a transport and a factory ([`twisted`], given), and
//! hides the "magic glue" that joins them to sockets in its reactor. Here you write the glue:
//!
//! - [`glue::serve`] (Q1): accept connections and drive each protocol's callbacks;
//! - [`obstinate::ObstinateProtocol`] (Q2): the seed's protocol, which answers `no` to every line;
//! - [`names::NamesFactory`] (Q3): a factory whose connections share state (names, `who`).
//!
//! [`cli`] is the `triforce` binary.

pub mod glue;
pub mod names;
pub mod obstinate;

pub mod cli;
pub mod twisted;
