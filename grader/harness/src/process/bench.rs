//! The bench side of the process model: `grader bench` starts a runner with
//! [`bench::SERVER_ENV`] set, and this process serves instead of checking. It listens on
//! `127.0.0.1:0`, prints `listening <port>`, and serves until its standard input closes (the grader
//! went away or is done) or a minute has passed, whichever is first: a bench server stops by
//! itself. Its `TMPDIR` is a folder of its own that the grader removes afterwards (c12's server
//! writes its log there).
//!
//! `challenge` serves the suite's server (the crate the runner was built against: the learner's or
//! the reference); `floor` serves the bare-tokio floor of `bench::floor`. Both run on the same
//! multi-thread runtime `#[tokio::main]` gives, in the same kind of process, so that only the
//! server's code differs.

use crate::Suite;
use std::io::{Read, Write};
use std::time::Duration;

/// The longest a bench server lives.
const LIFETIME: Duration = Duration::from_secs(60);

/// When this process was started as a bench server, serves and exits; otherwise returns.
pub(crate) fn become_bench_server(suite: &Suite) {
    let Ok(which) = std::env::var(bench::SERVER_ENV) else {
        return;
    };
    let code = match serve(suite, &which) {
        Ok(()) => 0,
        Err(why) => {
            eprintln!("bench server: {why}");
            2
        }
    };
    std::process::exit(code)
}

fn serve(suite: &Suite, which: &str) -> Result<(), String> {
    let id = suite.plan.id.as_str();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = match which {
        "challenge" => suite
            .bench
            .ok_or_else(|| format!("{id} has no server to bench"))?(listener),
        "floor" => {
            let floor = bench::floor::floor(id).ok_or_else(|| format!("{id} has no floor"))?;
            Box::pin(floor(listener))
        }
        other => return Err(format!("unknown bench server `{other}`")),
    };
    // Stop when the grader closes our standard input, or after the lifetime.
    std::thread::spawn(|| {
        let mut sink = [0u8; 64];
        while matches!(std::io::stdin().read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
    std::thread::spawn(|| {
        std::thread::sleep(LIFETIME);
        std::process::exit(0);
    });
    let mut out = std::io::stdout();
    writeln!(out, "{} {port}", bench::LISTENING)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the port: {e}"))?;
    runtime.block_on(server);
    Err("the server returned".into())
}
