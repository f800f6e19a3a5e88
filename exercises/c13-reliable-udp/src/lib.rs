//! # Challenge 13: Reliable Messaging over UDP
//!
//! A node sends messages over an unreliable datagram transport and makes them reliable: every
//! message is acknowledged, resent until it is, handed to the receiving application exactly once
//! and in order, and never dropped, however long the destination is away. Read `README.md` first;
//! check your work with `cargo test -p c13-reliable-udp`.
//!
//! - [`sender`] (Q1): the sending side, one task per destination;
//! - [`receiver`] (Q2): the receiving side, one [`receiver::Inbox`] per sender;
//! - [`outage`] (Q3): what to do when a destination stops answering;
//! - [`node`], [`wire`], [`transport`] and [`cli`]: given (the node that runs your pieces, the
//!   datagram format, the socket trait, the `rudp` command line).

pub mod cli;
pub mod node;
pub mod outage;
pub mod receiver;
pub mod sender;
pub mod transport;
pub mod wire;

pub use node::{Config, Node, SendError};
pub use transport::Transport;
