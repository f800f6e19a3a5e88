//! # Challenge 12: Peer Protocol — ACKs, a Log File and a CLI
//!
//! Peers talk in `<...>` tokens: a server greets with `<connection up>` and answers every
//! `<update>` with `<Ack>`, logging it to a file; a client sends an update every 5 seconds to one
//! server or to several at once, and counts the acks. Read `README.md` first; check your work with
//! `cargo test -p c12-peer`.
//!
//! - [`codec`] (Q1): the tokens as a `tokio_util` codec, `decode` and `encode`;
//! - [`server`] and [`client`] (Q2): `serve` with its log file; `session` and `run`;
//! - [`multicast`] and [`addr`] (Q3): `multicast` and `run_many`; `parse_addr`;
//! - [`message`] and [`cli`]: given (the messages; the `peer` command line).

pub mod addr;
pub mod cli;
pub mod client;
pub mod codec;
pub mod message;
pub mod multicast;
pub mod server;
