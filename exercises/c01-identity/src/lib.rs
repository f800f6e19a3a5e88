//! # Challenge 1: Identity Server and Client
//!
//! A server that tells each client who it is — `You are from 127.0.0.1 on port 50000, saying
//! "hello"` — and a client that talks to it. Three functions to write, one per module:
//!
//! - [`q1::serve`] (Q1): the identity server;
//! - [`client::run`] (Q1): the client;
//! - [`q2::serve`] (Q2): the server again, with a log of every connection, sent on `show log`.
//!
//! Read `README.md` first; check your work with `cargo test -p c01-identity`.

pub mod client;
pub mod q1;
pub mod q2;
