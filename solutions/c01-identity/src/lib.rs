//! # Challenge 1: Identity Server and Client — reference solution
//!
//! - [`q1`]: a server that tells each client who it is: `You are from <ip> on port <port>, saying
//!   "<text>"`, then closes the connection.
//! - [`q2`]: the same server, plus a history of every connection, sent as JSON on `show log`.
//! - [`client`]: a client that sends each line of its input on a connection of its own and prints
//!   the replies.

pub mod client;
pub mod q1;
pub mod q2;
