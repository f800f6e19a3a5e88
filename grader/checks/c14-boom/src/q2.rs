//! Q2, the server: `Server::play` on in-memory streams (`tokio::io::duplex`) in virtual time for
//! what players see and when; `serve` on real TCP for 50 players, shutdown and the binary.

use crate::support::{LIMIT, Player, Shadow, find};
use challenge::game::{PlayerId, Reply};
use challenge::server::{Config, Server, serve};
use challenge::telnet::{BELL, DEAD, TelnetFilter, negotiation};
use harness::futures::future::join_all;
use harness::tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use harness::tokio::sync::oneshot;
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Failure, Outcome, exec, fail, show_bytes};

const BIG: usize = 1 << 16;

pub(crate) async fn join_board() -> Outcome {
    let server = Server::new(Config::default());
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (_, board) = shadow.join();
    let mut a = Player::join(&server, "player A", BIG, start);
    a.expect(&board, "A joined an empty game").await?;
    let first = negotiation();
    if !a.seen.starts_with(first) {
        return fail(format!(
            "expected the first bytes sent to a player to be `negotiation()`, {}; got {}",
            show_bytes(first),
            show_bytes(&a.seen)
        ));
    }
    let (_, board) = shadow.join();
    let mut b = Player::join(&server, "player B", BIG, start);
    b.expect(&board, "B joined after A").await?;
    a.expect(&board, "B joined after A").await?;
    Ok(())
}

/// Players A and B, on `server` and on the shadow game, who have both seen the board with them.
struct TwoPlayers {
    shadow: Shadow,
    a_id: PlayerId,
    a: Player,
    b_id: PlayerId,
    b: Player,
}

async fn two_players(server: &Server) -> Outcome<TwoPlayers> {
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (a_id, _) = shadow.join();
    let mut a = Player::join(server, "player A", BIG, start);
    let (b_id, board) = shadow.join();
    let mut b = Player::join(server, "player B", BIG, start);
    a.expect(&board, "A and B joined").await?;
    b.expect(&board, "A and B joined").await?;
    Ok(TwoPlayers {
        shadow,
        a_id,
        a,
        b_id,
        b,
    })
}

pub(crate) async fn broadcast_moves() -> Outcome {
    let server = Server::new(Config::default());
    let TwoPlayers {
        mut shadow,
        a_id,
        mut a,
        b_id,
        mut b,
    } = two_players(&server).await?;
    for (who, id, key) in [
        ("B", b_id, b'd'),
        ("A", a_id, b's'),
        ("B", b_id, b'd'),
        ("A", a_id, b'e'),
    ] {
        let board = shadow.key(id, key, Duration::ZERO);
        let player = if who == "A" { &mut a } else { &mut b };
        player.send(&[key]).await?;
        let when = format!("{who} pressed {:?}: every player gets the board", char::from(key));
        a.expect(&board, &when).await?;
        b.expect(&board, &when).await?;
    }
    Ok(())
}

pub(crate) async fn personal_replies() -> Outcome {
    let server = Server::new(Config::default());
    let TwoPlayers {
        mut shadow,
        a_id,
        mut a,
        b_id,
        mut b,
    } = two_players(&server).await?;
    // A bumps into the top edge: a bell for A alone (if the game says so: Q1 judges that).
    let bell = shadow.game.key(a_id, b'w', Duration::ZERO) == Reply::Bell;
    a.send(b"w").await?;
    if bell {
        a.expect_bytes(BELL, "A pressed 'w' at (0, 0), off the board")
            .await?;
    }
    for _ in 0..3 {
        let board = shadow.key(b_id, b'd', Duration::ZERO);
        b.send(b"d").await?;
        b.expect(&board, "B pressed 'd'").await?;
    }
    if find(&b.seen, BELL).is_some() {
        return fail(format!(
            "A pressed 'w' off the board: expected the bell {} for A only, B got it too",
            show_bytes(BELL)
        ));
    }
    // A drops a bomb where it stands and dies in it; its keys then get `You're dead.`.
    let board = shadow.key(a_id, b'e', Duration::ZERO);
    a.send(b"e").await?;
    a.expect(&board, "A pressed 'e'").await?;
    let Some((blast_at, blast)) = shadow.next_event() else {
        return Ok(());
    };
    a.expect(&blast, "A's bomb exploded under A").await?;
    if shadow.game.key(a_id, b'd', blast_at) != Reply::Dead {
        return Ok(());
    }
    a.send(b"d").await?;
    a.expect_bytes(DEAD, "dead A pressed 'd'").await?;
    let board = shadow.key(b_id, b'd', blast_at);
    b.send(b"d").await?;
    b.expect(&board, "B pressed 'd' after A died").await?;
    if find(&b.seen, DEAD).is_some() {
        return fail(format!(
            "dead A pressed a key: expected {} for A only, B got it too",
            show_bytes(DEAD)
        ));
    }
    Ok(())
}

pub(crate) async fn fuse_timing() -> Outcome {
    let server = Server::new(Config::default());
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (a_id, board) = shadow.join();
    let mut a = Player::join(&server, "player A", BIG, start);
    a.expect(&board, "A joined").await?;
    let dropped = Duration::from_millis(250);
    sleep(dropped).await;
    shadow.key(a_id, b'e', dropped);
    let lit = shadow.key(a_id, b'd', dropped);
    a.send(b"ed").await?;
    a.expect(&lit, "A pressed 'e' then 'd' at 0.25 s").await?;
    let (Some((blast_at, blast)), Some((out_at, out))) = (shadow.next_event(), shadow.next_event()) else {
        return Ok(());
    };
    let got = a.expect(&blast, "the bomb dropped at 0.25 s exploded").await?;
    if got != blast_at {
        return fail(format!(
            "a bomb dropped at 0.25 s: expected the blast's board at {blast_at:?} (your \
             `next_deadline`), got it at {got:?} (sleep until the deadline: no polling, no timer \
             of your own)"
        ));
    }
    let got = a.expect(&out, "the flames went out").await?;
    if got != out_at {
        return fail(format!(
            "the flames of a blast at {blast_at:?}: expected the board without them at {out_at:?} \
             (your `next_deadline`), got it at {got:?}"
        ));
    }
    Ok(())
}

pub(crate) async fn disconnect() -> Outcome {
    let server = Server::new(Config::default());
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (_, _) = shadow.join();
    let mut a = Player::join(&server, "player A", BIG, start);
    let (b_id, board) = shadow.join();
    let b = Player::join(&server, "player B", BIG, start);
    a.expect(&board, "B joined").await?;
    let Player { stream, task, .. } = b;
    drop(stream);
    shadow.game.leave(b_id);
    a.expect(
        &shadow.game.render(),
        "B's connection closed: its pawn is removed",
    )
    .await?;
    match timeout(LIMIT, task).await {
        Ok(_) => Ok(()),
        Err(_) => Err(Failure::Timeout(
            "B's connection closed: expected `play` to return within 10 s".into(),
        )),
    }
}

pub(crate) async fn stalled_player() -> Outcome {
    let config = Config {
        queue: 8,
        ..Config::default()
    };
    let server = Server::new(config);
    let start = Instant::now();
    let (mut with, mut without) = (Shadow::new(), Shadow::new());
    let (s_id, _) = with.join();
    without.join();
    without.game.leave(s_id);
    // S never reads: 64 bytes fill its stream, then its queue of 8 fills.
    let mut s = Player::join(&server, "stalled player A", 64, start);
    let (p_id, _) = with.join();
    without.join();
    let mut p = Player::join(&server, "player B", BIG, start);
    let mut saw_without = false;
    for n in 0..40 {
        let key = if n % 2 == 0 { b'd' } else { b'a' };
        let boards = [
            with.key(p_id, key, Duration::ZERO),
            without.key(p_id, key, Duration::ZERO),
        ];
        p.send(&[key]).await?;
        let when = format!(
            "player A never reads (its queue holds 8); player B pressed its key number {} ({:?})",
            n + 1,
            char::from(key)
        );
        let (which, _) = p.expect_any(&[&boards[0], &boards[1]], &when).await?;
        saw_without |= which == 1 && boards[0] != boards[1];
    }
    if !saw_without {
        return fail(
            "player A never read; after 40 moves of player B (A's queue holds 8), expected A \
             disconnected and its pawn gone from B's board, it is still there",
        );
    }
    s.expect_closed("player A never read and its queue was full")
        .await
}

pub(crate) async fn fifty_players() -> Outcome {
    let server =
        harness::tcp::Server::start(|listener| serve(listener, Config::default(), std::future::pending()))
            .await?;
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
        let deadline = Instant::now() + Duration::from_secs(5);
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
                        "expected the board with {:?} (the 50th) at (0, 0); got boards with {:?} \
                         at (0, 0)",
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
    let server = harness::tcp::Server::start(move |listener| async move {
        let result = serve(listener, Config::default(), async {
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
                "`serve` did not return within 2 s of the shutdown future completing".into(),
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
    let line = match timeout(Duration::from_secs(5), lines.next_line()).await {
        Ok(Ok(Some(line))) => line,
        other => {
            return fail(format!(
                "`boom --port 0`: expected a line saying where it listens, got {other:?}"
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
    match timeout(Duration::from_secs(5), child.wait()).await {
        Ok(Ok(status)) if status.code() == Some(0) => Ok(()),
        Ok(Ok(status)) => fail(format!("`boom` after Ctrl-C: expected exit code 0, got {status}")),
        Ok(Err(e)) => fail(format!("could not wait for `boom`: {e}")),
        Err(_) => Err(Failure::Timeout(
            "`boom` did not exit within 5 s of Ctrl-C".into(),
        )),
    }
}

pub(crate) async fn telnet_replies() -> Outcome {
    let server = Server::new(Config::default());
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (_, board) = shadow.join();
    let mut a = Player::join(&server, "player A", BIG, start);
    a.expect(&board, "A joined").await?;
    let script = [255, 253, 1, 255, 253, 3, 255, 251, 31, 255, 251, 24];
    let replies = TelnetFilter::new().feed(&script).replies;
    a.send(&script).await?;
    if replies.is_empty() {
        return Ok(());
    }
    a.expect_bytes(
        &replies,
        "A sent IAC DO ECHO, IAC DO SGA, IAC WILL NAWS, IAC WILL TTYPE (your filter's replies expected)",
    )
    .await
}
