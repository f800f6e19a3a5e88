//! Q2, the server's log file: its lines, their seconds, its creation, nothing lost at shutdown.
//! The log is read the moment `serve` returns, after the check has completed the shutdown future
//! (these checks run on a current-thread runtime: nothing else runs in between).

use crate::q2_server::updates;
use crate::support::{PeerServer, Stopped, TempLog, expect_token};
use harness::tokio::time::{Duration, Instant, sleep};
use harness::{Outcome, fail};
use std::collections::BTreeMap;

/// One line of the log: the peer, the seconds as written, and their value.
struct LogLine {
    peer: String,
    seconds: f64,
}

/// Parses `<peer> +<seconds, 3 decimals>s update`.
fn parse_line(line: &str) -> Option<LogLine> {
    let (peer, rest) = line.split_once(' ')?;
    let seconds = rest.strip_prefix('+')?.strip_suffix("s update")?;
    let (whole, millis) = seconds.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(millis) || millis.len() != 3 {
        return None;
    }
    Some(LogLine {
        peer: peer.to_string(),
        seconds: seconds.parse().ok()?,
    })
}

/// What `stop` said, as a note for a failure about the log's contents.
fn stop_note(stopped: &Stopped) -> String {
    match stopped {
        Stopped::Ok => String::new(),
        Stopped::Not(why) => format!(" ({why})"),
    }
}

/// Stops the server and reads the log's lines (a missing file is a failure).
async fn stop_and_read(server: &mut PeerServer) -> Outcome<(Vec<String>, String)> {
    let stopped = server.stop().await;
    let note = stop_note(&stopped);
    // The log as it was the moment `serve` returned; if it did not, as it is now.
    let log = match server.log_at_return.take() {
        Some(log) => log,
        None => server.log.read()?,
    };
    match log {
        Some(text) => Ok((text.lines().map(str::to_string).collect(), note)),
        None => fail(format!(
            "after the shutdown, expected the log file {}, there is none{note}",
            server.log.path.display()
        )),
    }
}

fn shown(lines: &[String]) -> String {
    let cut: Vec<&String> = lines.iter().take(6).collect();
    let more = if lines.len() > 6 {
        format!(" … ({} lines in all)", lines.len())
    } else {
        String::new()
    };
    format!("{cut:?}{more}")
}

pub(crate) async fn log_lines() -> Outcome {
    let mut server = PeerServer::start(TempLog::new()).await?;
    let mut a = server.connect().await?;
    updates(&mut a, 1).await?;
    updates(&mut a, 1).await?;
    let mut b = server.connect().await?;
    updates(&mut b, 1).await?;
    let (lines, note) = stop_and_read(&mut server).await?;
    let format = "`<peer> +<seconds, 3 decimals>s update`";
    if let Some(bad) = lines.iter().find(|line| parse_line(line).is_none()) {
        return fail(format!(
            "expected every line of the log as {format}, e.g. \"127.0.0.1:50000 +0.004s update\"; \
             got {bad:?}{note}"
        ));
    }
    let peers: Vec<String> = lines
        .iter()
        .filter_map(|l| parse_line(l))
        .map(|l| l.peer)
        .collect();
    let (a, b) = (a.local_addr().to_string(), b.local_addr().to_string());
    let expected = [a.clone(), a, b];
    if peers != expected {
        return fail(format!(
            "client {} sent two updates, then client {} one, each acked: expected three lines in \
             the log, for {expected:?}; got {}{note}",
            expected[0],
            expected[2],
            shown(&lines)
        ));
    }
    Ok(())
}

pub(crate) async fn log_seconds() -> Outcome {
    /// Rounding to the millisecond, and the moment between accepting and greeting.
    const SLACK: f64 = 0.006;
    let mut server = PeerServer::start(TempLog::new()).await?;
    // The server has been running for a while when the connection opens.
    sleep(Duration::from_millis(150)).await;
    let before_connect = Instant::now();
    let mut client = server.connect().await?;
    expect_token(&mut client, "connection up", "on connect").await?;
    let greeted = Instant::now();
    let mut bounds = Vec::new();
    for _ in 0..2 {
        sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        updates(&mut client, 1).await?;
        let acked = Instant::now();
        let low = (sent - greeted).as_secs_f64() - SLACK;
        let high = (acked - before_connect).as_secs_f64() + SLACK;
        bounds.push((low, high));
    }
    let (lines, note) = stop_and_read(&mut server).await?;
    let mine = client.local_addr().to_string();
    let seconds: Vec<f64> = lines
        .iter()
        .filter_map(|l| parse_line(l))
        .filter(|l| l.peer == mine)
        .map(|l| l.seconds)
        .collect();
    if seconds.len() != 2 {
        return fail(format!(
            "expected two lines for {mine} (as `<peer> +<seconds, 3 decimals>s update`), got {}{note}",
            shown(&lines)
        ));
    }
    for (n, (got, (low, high))) in seconds.iter().zip(&bounds).enumerate() {
        if got < low || got > high {
            return fail(format!(
                "update {} came {:.3}–{:.3} s after the connection opened (the server had been \
                 running 0.15 s before, and the previous update came 0.1 s before it); the log says \
                 +{got:.3}s: expected the seconds since that connection was accepted",
                n + 1,
                low.max(0.0),
                high
            ));
        }
    }
    Ok(())
}

pub(crate) async fn log_at_start() -> Outcome {
    let log = TempLog::new();
    if let Err(e) = std::fs::write(&log.path, "an old line\n") {
        return fail(format!("the check could not write {}: {e}", log.path.display()));
    }
    let mut server = PeerServer::start(log).await?;
    let mut client = server.connect().await?;
    // Greeted: the server runs.
    expect_token(&mut client, "connection up", "on connect").await?;
    let when = "when the server started (before any update), the file held \"an old line\\n\"";
    match server.log.read()? {
        Some(text) if text.is_empty() => {}
        Some(text) => {
            return fail(format!(
                "{when}: expected the server to empty it as it starts (create, not append), got {text:?}"
            ));
        }
        None => {
            return fail(format!(
                "{when}: expected the server to create the log as it starts, before any update; \
                 there is no file"
            ));
        }
    }
    let stopped = server.stop().await;
    let log = match server.log_at_return.take() {
        Some(log) => log,
        None => server.log.read()?,
    };
    match log {
        Some(text) if text.is_empty() => Ok(()),
        Some(text) => fail(format!(
            "with no update, expected an empty log after the shutdown, got {text:?}"
        )),
        None => fail(format!(
            "with no update, expected an empty log after the shutdown, there is no file{}",
            stop_note(&stopped)
        )),
    }
}

pub(crate) async fn nothing_lost() -> Outcome {
    let mut server = PeerServer::start(TempLog::new()).await?;
    // One client that updates and leaves before the shutdown, three still connected at it.
    let mut gone = server.connect().await?;
    updates(&mut gone, 10).await?;
    let gone_addr = gone.local_addr().to_string();
    drop(gone);
    let mut expected = BTreeMap::from([(gone_addr, 10)]);
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(server.connect().await?);
    }
    for client in &mut clients {
        updates(client, 100).await?;
        expected.insert(client.local_addr().to_string(), 100);
    }
    let (lines, note) = stop_and_read(&mut server).await?;
    let mut got: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines.iter().filter_map(|l| parse_line(l)) {
        *got.entry(line.peer).or_default() += 1;
    }
    if got != expected {
        let total: usize = expected.values().sum();
        return fail(format!(
            "{total} updates were acked (10 by a client that left, 100 by each of three still \
             connected at the shutdown): expected a line for each in the log after `serve` \
             returned, by peer {expected:?}; got {got:?} ({} lines): was everything written \
             flushed before `serve` returned?{note}",
            lines.len()
        ));
    }
    Ok(())
}
