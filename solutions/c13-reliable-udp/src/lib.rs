//! # Challenge 13: Reliable Messaging over UDP
//!
//! A node sends messages over an unreliable datagram transport and makes them reliable: every
//! message is acknowledged, resent until it is, handed to the receiving application exactly once
//! and in order, and never dropped, however long the destination is away. Read `README.md` first;
//! check your work with `cargo test -p c13-reliable-udp`.
//!
//! Yours, one question each:
//!
//! - [`sender`] (Q1): the sending side, one task per destination;
//! - [`receiver`] (Q2): the receiving side, one [`receiver::Inbox`] per sender;
//! - [`outage`] (Q3): what to do when a destination stops answering.
//!
//! Given (read [`link`] before Q1 and Q3: they are written against it):
//!
//! - [`link`]: what a sender task works with: [`link::Link`] (messages, acknowledgements,
//!   datagrams out, failure reports), [`link::InFlight`], [`link::Input`], [`link::Outgoing`],
//!   [`SendError`] and [`Config`]; it uses none of your code;
//! - [`wire`]: the datagrams; [`transport`]: the socket trait;
//! - [`node`]: the node that runs your three pieces; [`cli`]: the `rudp` command line.

pub mod cli;
pub mod link;
pub mod node;
pub mod outage;
pub mod receiver;
pub mod sender;
pub mod transport;
pub mod wire;

pub use link::{Config, SendError};
pub use node::Node;
pub use transport::Transport;
