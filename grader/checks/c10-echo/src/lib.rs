//! The checks of challenge 10, echo, one module per question.
//!
//! - [`q1_echo`]: `echo` in memory on a paused clock, through I/O cut at arbitrary bytes with
//!   partial writes (`harness::io::Chop`): exact bytes, half-close (on a stream `echo` does not
//!   own), bounded memory (a client whose single read may bring 1 MiB, then a pipe of known size).
//! - [`q1_logs`]: `echo`'s log lines in memory: `Data received` matched read by read against the
//!   reads it really made, and `Lost connection` for each way a connection ends.
//! - [`q1_serve`]: `serve` over real TCP: 100 clients at once, the connection's log line, and
//!   shutdown (refusing at once, a grace period of at least a second, returning as soon as the
//!   last connection ended), on a paused clock held still while the sockets work.
//! - [`q2`]: the client against servers of the check's own (an echo in two pieces, a slow reader
//!   of a 5 MiB message, a server that closes halfway, nobody listening).
//! - [`q3`]: `both`, held to the reference's `both` built from the learner's own `serve` and `run`
//!   (so that a Q1 or Q2 mistake costs nothing here), and the `echo` binary as a process.
//!
//! Log lines are captured as events with their fields (`harness::logs`), not scraped from text,
//! except the binary's transcript, which is what a learner sees.

mod q1_echo;
mod q1_logs;
mod q1_serve;
mod q2;
mod q3;
mod support;

use harness::{Suite, paused, real, real_current_thread};

/// The checks, bound to `challenge.toml`; the binary `echo` for Q3.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("all-bytes", q1_echo::all_bytes),
            paused("random-mib", q1_echo::random_mib),
            paused("half-close", q1_echo::half_close),
            real("half-close-tcp", q1_serve::half_close_tcp),
            paused("bounded", q1_echo::bounded),
            real("hundred-clients", q1_serve::hundred_clients),
            real("log-connection", q1_serve::log_connection),
            paused("log-data", q1_logs::log_data),
            paused("log-lost", q1_logs::log_lost),
            paused("shutdown", q1_serve::shutdown),
            real("client-echo", q2::echo),
            real("client-logs", q2::logs),
            real("client-refused", q2::refused),
            real_current_thread("both", q3::in_process),
            real("both-binary", q3::binary),
        ],
    )
    .binary("echo", challenge::cli::main)
    .bench(|listener| {
        Box::pin(async move {
            let _ = challenge::server::serve(listener, std::future::pending::<()>()).await;
        })
    })
}
