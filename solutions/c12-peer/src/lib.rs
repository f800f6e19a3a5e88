//! # Challenge 12: Peer Protocol — reference solution
//!
//! Peers talk in `<...>` tokens: a server greets with `<connection up>` and answers every
//! `<update>` with `<Ack>`, logging it to a file; a client sends an update every 5 seconds to one
//! server or to several at once, and counts the acks.
//!
//! - [`codec`] (Q1): the tokens as a `tokio_util::codec` decoder and encoder;
//! - [`server`] and [`client`] (Q2): the server with its log file, and the client;
//! - [`multicast`] and [`addr`] (Q3): one client for many servers, and the command line's addresses;
//! - [`message`] and [`cli`]: given.

pub mod addr;
pub mod cli;
pub mod client;
pub mod codec;
pub mod message;
pub mod multicast;
pub mod server;
