//! Everything a check needs.
//!
//! - [`check`]: how a check says it failed ([`Failure`], [`Outcome`], [`fail!`], [`ensure!`],
//!   [`bytes_differ`]);
//! - [`suite`]: a challenge's checks, bound to the plan in its `challenge.toml`;
//! - [`process`]: the process model — a challenge's program, the child that runs the checks one at
//!   a time under a watchdog (turning `todo!()` and panics into statuses), the supervisor that
//!   starts it from a runner or from `cargo test -p <challenge>`;
//! - [`tcp`], [`time`]: harnesses to drive learner code — a TCP client with limits on every read, a
//!   server launcher on `127.0.0.1:0`, virtual-time recorders;
//! - [`io`]: I/O as the network behaves — reads split anywhere, partial writes, spurious wake-ups —
//!   and peers that never read, never stop sending, or stop mid-message;
//! - [`tasks`]: tasks left behind on the check's runtime, against a baseline;
//! - [`logs`]: learner code's `tracing` events, captured as level, message and fields;
//! - [`exec`]: a challenge's binary run as a process of its own (arguments, streams, exit code);
//! - [`netsim`]: a seeded lossy datagram network in virtual time, recording every datagram's fate;
//! - [`memory`]: an opt-in counting allocator, for checks of bounded memory;
//! - [`rawhttp`]: the HTTP fake: an HTTP/1.1 server on raw TCP that serves scripted replies (status,
//!   content type or none, delays), counts requests in flight, answers without Content-Length, drops
//!   or holds connections.
//!
//! Checks depend on this crate only (plus the challenge under test), so it re-exports what they use.

pub mod buffer;
pub mod check;
pub mod exec;
pub mod io;
pub mod logs;
pub mod memory;
pub mod netsim;
mod panics;
pub mod process;
pub mod rawhttp;
pub mod suite;
pub mod tasks;
pub mod tcp;
pub mod time;

pub use buffer::SharedBuffer;
pub use check::{Failure, Outcome, bytes_differ, expect_eq, fail, show_bytes};
pub use grader_core;
pub use suite::{Suite, paused, real, real_current_thread};

pub use bytes;
pub use futures;
pub use serde_json;
pub use tokio;
pub use tokio_test;
pub use tokio_util;
pub use tracing;
