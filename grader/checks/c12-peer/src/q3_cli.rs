//! Q3, the command line: `parse_addr` called directly, then the `peer` binary run as a process of
//! its own (through assert_cmd) for its messages and exit codes.

use challenge::addr::parse_addr;
use harness::exec;
use harness::tokio::time::Duration;
use harness::{Outcome, fail};

const LIMIT: Duration = Duration::from_secs(10);

pub(crate) async fn parse_addresses() -> Outcome {
    let good = [
        ("8888", ("127.0.0.1", 8888)),
        ("localhost:80", ("localhost", 80)),
        ("10.0.0.7:65535", ("10.0.0.7", 65535)),
        ("0", ("127.0.0.1", 0)),
        ("LocalHost:8080", ("LocalHost", 8080)),
    ];
    for (text, (host, port)) in good {
        let expected = Ok((host.to_string(), port));
        let got = parse_addr(text);
        if got != expected {
            return fail(format!(
                "parse_addr({text:?}): expected {expected:?}, got {got:?}"
            ));
        }
    }
    for text in ["abc", "localhost:http", "localhost:", "88x", "70000", "host:-1"] {
        let expected = Err("Ports must be integers.".to_string());
        let got = parse_addr(text);
        if got != expected {
            return fail(format!(
                "parse_addr({text:?}): expected {expected:?}, got {got:?}"
            ));
        }
    }
    // The host is what comes before the first `:`: what follows it, `80:90`, is no port.
    for text in ["localhost:80:90", "10.0.0.7:8888:1"] {
        let expected = Err("Ports must be integers.".to_string());
        let got = parse_addr(text);
        if got != expected {
            return fail(format!(
                "parse_addr({text:?}): expected {expected:?} (the host is what comes before the \
                 first `:`, and the rest is no port), got {got:?}"
            ));
        }
    }
    Ok(())
}

/// Runs `peer args` and expects exit code 2 with `needle` on standard error.
async fn expect_error(args: &[&str], needle: &str) -> Outcome {
    let shown = exec::shown_command("peer", args);
    let out = exec::run("peer", args, b"", LIMIT).await?;
    if out.code != Some(2) || !out.stderr.contains(needle) {
        return fail(format!(
            "`{shown}`: expected exit code 2 and {needle:?} on standard error; got {}, standard \
             error {:?}, standard output {:?}",
            out.status(),
            out.stderr,
            out.stdout
        ));
    }
    Ok(())
}

pub(crate) async fn cli_errors() -> Outcome {
    // The learner's part of it first (a stub is `todo` here, not a failure of the binary).
    let _ = parse_addr("abc");
    expect_error(&["client", "abc"], "Ports must be integers.").await?;
    expect_error(&["client", "8888", "localhost:x1"], "Ports must be integers.").await?;
    expect_error(
        &["server", "127.0.0.1:port", "--log", "peer-check.log"],
        "Ports must be integers.",
    )
    .await
}

pub(crate) async fn cli_usage() -> Outcome {
    let _ = parse_addr("8888");
    expect_error(&[], "Usage").await?;
    expect_error(&["client"], "Usage").await?;
    expect_error(&["listen", "8888"], "Usage").await
}
