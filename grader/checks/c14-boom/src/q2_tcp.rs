//! Q2 on real TCP: `serve` with 50 players at once and with a shutdown, and the `boom` binary as a
//! process of its own.

use crate::support::{LIMIT, Shadow, find};
use challenge::server::{Config, Server, serve};
use challenge::telnet::negotiation;
use harness::futures::future::join_all;
use harness::tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Failure, Outcome, exec, fail, show_bytes};

pub(crate) async fn fifty_players() -> Outcome {
    // A queue longer than the 50 boards a player gets here: on a busy machine a writer task may run
    // late, and being kicked for it is `stalled-player`'s business, not this check's.
    let config = Config {
        queue: 256,
        ..Config::default()
    };
    let server =
        harness::tcp::Server::start(move |listener| serve(listener, config, std::future::pending())).await?;
    let mut clients = Vec::new();
    for _ in 0..50 {
        clients.push(server.connect().await?);
    }
    // The letter at (0, 0) after each join, by your own `Game` (A..Z, then A..X).
    let mut shadow = Shadow::new();
    let letters: Vec<u8> = (0..50).map(|_| shadow.join().1.as_bytes()[0]).collect();
    let last = letters[49];
    let row1 = b"\r\n.#.#.#.#.#.\r\n";
    let results = join_all(clients.iter_mut().map(|client| async move {
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut buf = [0u8; 4096];
        loop {
            // What is at (0, 0) in every board so far (row 0 comes before a row 1).
            let firsts: Vec<u8> = seen
                .windows(row1.len())
                .enumerate()
                .filter(|(at, w)| *w == row1 && *at >= 11)
                .map(|(at, _)| seen[at - 11])
                .filter(|&c| c != b'.')
                .collect();
            if firsts.last() == Some(&last) {
                return Ok(firsts[0]);
            }
            match harness::tokio::time::timeout_at(deadline, client.stream().read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
                _ => {
                    return Err(format!(
                        "expected the board with {:?} (the 50th) at (0, 0) within 10 s; got boards with \
                         {:?} at (0, 0)",
                        char::from(last),
                        String::from_utf8_lossy(&firsts)
                    ));
                }
            }
        }
    }))
    .await;
    let mut firsts = Vec::new();
    for (n, result) in results.into_iter().enumerate() {
        match result {
            Ok(first) => firsts.push(first),
            Err(e) => return fail(format!("50 players joined at once; player {}: {e}", n + 1)),
        }
    }
    firsts.sort_unstable();
    let mut expected = letters.clone();
    expected.sort_unstable();
    if firsts != expected {
        return fail(format!(
            "50 players: expected each player's first board to show its own letter at (0, 0) \
             ({:?}, your `Game`'s); got {:?}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&firsts)
        ));
    }
    Ok(())
}

pub(crate) async fn shutdown() -> Outcome {
    let (stop, stopped) = oneshot::channel::<()>();
    let (report, returned) = oneshot::channel();
    // A board of another size: `serve` plays the game `config` describes.
    let config = Config {
        width: 7,
        height: 5,
        ..Config::default()
    };
    let server = harness::tcp::Server::start(move |listener| async move {
        let result = serve(listener, config, async {
            let _ = stopped.await;
        })
        .await;
        let _ = report.send(result.as_ref().map(|_| ()).map_err(|e| e.to_string()));
    })
    .await?;
    let mut client = server.connect().await?;
    let first = negotiation();
    let got = client.read_bytes(first.len()).await?;
    if got != first {
        return fail(format!(
            "on connect: expected `negotiation()`, {}, got {}",
            show_bytes(first),
            show_bytes(&got)
        ));
    }
    let board = Shadow::sized(7, 5).join().1;
    let mut seen = Vec::new();
    while find(&seen, board.as_bytes()).is_none() {
        match client.read_line().await {
            Ok(line) if !line.is_empty() => seen.extend_from_slice(&line),
            _ => fail!(
                "`serve` with a 7 × 5 board (`Config {{ width: 7, height: 5, .. }}`), a player connected: expected \
                 the board of your `Game::new(7, 5)` with one pawn, {:?}; got {}",
                board,
                show_bytes(&seen)
            ),
        }
    }
    let _ = stop.send(());
    match timeout(LIMIT, returned).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => {
            return fail(format!(
                "after the shutdown future completed, `serve` returned the error {e}"
            ));
        }
        Ok(Err(_)) => return fail("`serve` panicked after the shutdown future completed"),
        Err(_) => {
            return Err(Failure::Timeout(
                "`serve` did not return within 10 s of the shutdown future completing".into(),
            ));
        }
    }
    match client.read_to_end().await {
        Ok(_) => Ok(()),
        Err(Failure::Timeout(_)) => fail("`serve` returned, but left a player's connection open"),
        Err(_) => Ok(()),
    }
}

pub(crate) async fn binary() -> Outcome {
    // The learner's part first (a stub is `todo` here, not a failure of the binary).
    let _ = Server::new(Config::default());
    let first = negotiation();
    let mut child = exec::command("boom", &["--port", "0"])?
        .spawn()
        .or_else(|e| fail(format!("could not start `boom --port 0`: {e}")))?;
    let Some(stdout) = child.stdout.take() else {
        return fail("no standard output from `boom`");
    };
    let mut lines = BufReader::new(stdout).lines();
    let line = match timeout(Duration::from_secs(10), lines.next_line()).await {
        Ok(Ok(Some(line))) => line,
        other => {
            return fail(format!(
                "`boom --port 0`: expected a line saying where it listens within 10 s, got {other:?}"
            ));
        }
    };
    let Some(port) = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse::<u16>().ok())
        .rfind(|&p| p != 0)
    else {
        return fail(format!(
            "`boom --port 0` printed {line:?}: expected its port in it"
        ));
    };
    let mut client = harness::tcp::Client::connect(([127, 0, 0, 1], port).into()).await?;
    let got = client.read_bytes(first.len()).await?;
    if got != first {
        return fail(format!(
            "`boom`: expected `negotiation()` on connect, got {}",
            show_bytes(&got)
        ));
    }
    let Some(pid) = child.id() else {
        return fail("`boom` ended by itself");
    };
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    if !matches!(killed, Ok(status) if status.success()) {
        return fail(format!(
            "the check could not send Ctrl-C (SIGINT) to `boom`: {killed:?}"
        ));
    }
    match timeout(Duration::from_secs(10), child.wait()).await {
        Ok(Ok(status)) if status.code() == Some(0) => Ok(()),
        Ok(Ok(status)) => fail(format!("`boom` after Ctrl-C: expected exit code 0, got {status}")),
        Ok(Err(e)) => fail(format!("could not wait for `boom`: {e}")),
        Err(_) => Err(Failure::Timeout(
            "`boom` did not exit within 10 s of Ctrl-C".into(),
        )),
    }
}
