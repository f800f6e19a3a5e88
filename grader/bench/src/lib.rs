//! `grader bench`: how fast is a server? The parts that both sides of loopback share.
//!
//! - [`load`]: for each server challenge, what one client does over and over (an *op*: a
//!   connection served, a message answered, a key that moved a pawn) and how an idle connection
//!   is held. The grader drives these against three servers in turn.
//! - [`floor`]: for each server challenge, the least a tokio server speaking its protocol can cost:
//!   no logging, no limits, no error messages. Learner and reference are measured against it.
//! - [`stats`]: summaries over runs and percentiles of latencies.
//! - [`procfs`]: a server process's CPU time and resident memory, read from `/proc`.
//!
//! The crate is compiled optimised in every profile the kit uses (see the kit's `Cargo.toml`): a
//! load generator or a floor built without optimisation would measure itself.

pub mod floor;
pub mod load;
pub mod procfs;
pub mod stats;

/// The environment variable that turns a check runner into a bench server: `challenge` serves the
/// challenge's server (the learner's or the reference's, whichever crate the runner was built
/// against), `floor` serves the floor.
pub const SERVER_ENV: &str = "TOKIO_CHALLENGES_BENCH";

/// The line a bench server prints on standard output once it listens: `listening <port>`.
pub const LISTENING: &str = "listening";
