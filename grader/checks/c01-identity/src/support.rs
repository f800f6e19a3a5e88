//! What the checks share: the expected replies, asking the server, reading the log.

use harness::serde_json::{self, Value};
use harness::tcp::{Client, Server};
use harness::{Failure, Outcome, fail, show_bytes};

/// The Q1 reply to a client on `port` that said `text`.
pub(crate) fn identity(port: u16, text: &str) -> Vec<u8> {
    format!("You are from 127.0.0.1 on port {port}, saying \"{text}\"\r\n").into_bytes()
}

/// Fails with "`what`: expected …, got …" unless the bytes are equal.
pub(crate) fn expect_bytes(what: &str, expected: &[u8], got: &[u8]) -> Outcome {
    if expected == got {
        Ok(())
    } else {
        fail(format!(
            "{what}: expected {}, got {}",
            show_bytes(expected),
            show_bytes(got)
        ))
    }
}

/// Adds to a failure how the server ended, if it did.
pub(crate) fn on(server: &Server) -> impl Fn(Failure) -> Failure + '_ {
    |failure| server.explain(failure)
}

/// Connects, sends `request` and reads one reply line. Returns the client (still connected) and
/// the line.
pub(crate) async fn ask(server: &Server, request: &[u8]) -> Outcome<(Client, Vec<u8>)> {
    let mut client = server.connect().await?;
    client.send(request).await.map_err(on(server))?;
    let line = client.read_line().await.map_err(on(server))?;
    Ok((client, line))
}

/// Sends `request` on a new connection and expects the exact Q1 reply for `text`.
pub(crate) async fn expect_identity(server: &Server, request: &[u8], text: &str) -> Outcome {
    let (client, line) = ask(server, request).await?;
    let what = format!("reply to {}", show_bytes(request));
    expect_bytes(&what, &identity(client.local_addr().port(), text), &line)
}

/// Parses a `show log` reply into `(ip, port)` pairs, failing with a sentence when it is not the
/// expected JSON array of `{"ip": "…", "port": …}` objects.
pub(crate) fn parse_log(reply: &[u8]) -> Outcome<Vec<(String, u16)>> {
    let not_a_log = |why: String| {
        fail(format!(
            "the reply to `show log` should be a JSON array of {{\"ip\":…,\"port\":…}} objects on one line, \
             but {why}; got {}",
            show_bytes(reply)
        ))
    };
    let value: Value = match serde_json::from_slice(reply) {
        Ok(value) => value,
        Err(e) => return not_a_log(format!("it is not JSON ({e})")),
    };
    let Some(entries) = value.as_array() else {
        return not_a_log("it is not an array".into());
    };
    let mut log = Vec::new();
    for entry in entries {
        let ip = entry.get("ip").and_then(Value::as_str);
        let port = entry
            .get("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok());
        match (ip, port) {
            (Some(ip), Some(port)) => log.push((ip.to_string(), port)),
            _ => {
                return not_a_log(format!(
                    "the entry {entry} has no string `ip` or no numeric `port`"
                ));
            }
        }
    }
    if let Some((ip, _)) = log.iter().find(|(ip, _)| ip != "127.0.0.1") {
        return not_a_log(format!(
            "an entry has the ip {ip:?}, where every client came from 127.0.0.1"
        ));
    }
    Ok(log)
}

/// Sends `show log` on a new connection; returns the requester's port and the parsed log.
pub(crate) async fn show_log(server: &Server) -> Outcome<(u16, Vec<(String, u16)>)> {
    let (client, line) = ask(server, b"show log\r\n").await?;
    Ok((client.local_addr().port(), parse_log(&line)?))
}

pub(crate) fn ports(log: &[(String, u16)]) -> Vec<u16> {
    log.iter().map(|(_, port)| *port).collect()
}

/// Prefixes a failure with what happened before it.
pub(crate) fn after(event: &str, failure: Failure) -> Failure {
    context(&format!("after {event}, the next client failed"), failure)
}

/// Prefixes a failure's message with `prefix: `.
pub(crate) fn context(prefix: &str, failure: Failure) -> Failure {
    match failure {
        Failure::Fail(m) => Failure::Fail(format!("{prefix}: {m}")),
        Failure::Timeout(m) => Failure::Timeout(format!("{prefix}: {m}")),
    }
}
