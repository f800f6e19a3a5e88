//! # Challenge 10: Echo Server and Client
//!
//! An echo server that sends back every byte it reads, with bounded memory (a client that does not
//! read slows down instead of filling the server's memory), a client that reads the echo back, and one
//! process running both, the tutorial's `main`. Every step is logged through `tracing`.
//!
//! - [`server`] (Q1): [`server::serve`] and [`server::echo`];
//! - [`client`] (Q2): [`client::run`];
//! - [`both`] (Q3): [`both::both`];
//! - [`cli`] (given): the `echo` binary's arguments and log output.
//!
//! Read `README.md` first; check your work with `cargo test -p c10-echo`.

pub mod both;
pub mod cli;
pub mod client;
pub mod server;
