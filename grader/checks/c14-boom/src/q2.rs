//! Q2, the server: `Server::play` on in-memory streams (`tokio::io::duplex`) in virtual time for
//! what players see and when; `serve` on real TCP for 50 players, shutdown and the binary.

use crate::support::{LIMIT, Player, Shadow, find};
use challenge::game::{PlayerId, Reply};
use challenge::server::{Config, Server};
use challenge::telnet::{BELL, DEAD, DO, ECHO, IAC, SGA, TelnetFilter, WILL, negotiation};
use harness::io::Script;
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Failure, Outcome, ensure, fail, show_bytes};
use std::io::ErrorKind;

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
    // A bumps into the top edge, then presses keys that are not game keys (Enter as CR NUL, a space,
    // capitals): a bell for the first alone (as your `Game` answers them: Q1 judges that).
    let keys = b"w\r\0 Wx";
    let bells = keys
        .iter()
        .filter(|&&key| shadow.game.key(a_id, key, Duration::ZERO) == Reply::Bell)
        .count();
    let from = a.seen.len();
    a.send(keys).await?;
    let got = a.count(from, BELL, bells).await?;
    ensure!(
        got == bells,
        "A pressed 'w' at (0, 0) (off the board), then CR NUL, ' ', 'W', 'x' (not game keys: `Reply::Ignored`, \
         nothing happens): expected the bell {} {bells} time(s) (your `Game`'s `Reply::Bell`s), A got it {got} \
         time(s)",
        show_bytes(BELL)
    );
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
    // A drops a bomb where it stands and dies in it; each of its game keys then gets `You're dead.`,
    // its other keys nothing.
    let board = shadow.key(a_id, b'e', Duration::ZERO);
    a.send(b"e").await?;
    a.expect(&board, "A pressed 'e'").await?;
    let Some((blast_at, blast)) = shadow.next_event() else {
        return Ok(());
    };
    a.expect(&blast, "A's bomb exploded under A").await?;
    let keys = b"d\r\0s x";
    let deads = keys
        .iter()
        .filter(|&&key| shadow.game.key(a_id, key, blast_at) == Reply::Dead)
        .count();
    if deads == 0 {
        return Ok(());
    }
    let from = a.seen.len();
    a.send(keys).await?;
    let got = a.count(from, DEAD, deads).await?;
    ensure!(
        got == deads,
        "dead A pressed 'd', CR NUL, 's', ' ', 'x': expected {} {deads} time(s), once for each game key (your \
         `Game`'s `Reply::Dead`s), nothing for the others; A got it {got} time(s)",
        show_bytes(DEAD)
    );
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
    // Off every round number: a clock that polls every 10, 50 or 100 ms misses the deadlines.
    let dropped = Duration::from_millis(257);
    sleep(dropped).await;
    shadow.key(a_id, b'e', dropped);
    let lit = shadow.key(a_id, b'd', dropped);
    a.send(b"ed").await?;
    a.expect(&lit, "A pressed 'e' then 'd' at 0.257 s").await?;
    let (Some((blast_at, blast)), Some((out_at, out))) = (shadow.next_event(), shadow.next_event()) else {
        return Ok(());
    };
    let got = a.expect(&blast, "the bomb dropped at 0.257 s exploded").await?;
    if got != blast_at {
        return fail(format!(
            "a bomb dropped at 0.257 s: expected the blast's board at {blast_at:?} (your \
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
    if timeout(LIMIT, task).await.is_err() {
        return Err(Failure::Timeout(
            "B's connection closed: expected `play` to return within 10 s".into(),
        ));
    }
    // C's stream fails (a reset) 10 ms after it joined: a disconnect too.
    let (c_id, board) = shadow.join();
    let failing = Script::new()
        .wait(Duration::from_millis(10))
        .fail(ErrorKind::ConnectionReset);
    let c = harness::tokio::spawn({
        let server = server.clone();
        async move {
            server
                .play(harness::tokio::io::join(failing, harness::tokio::io::sink()))
                .await
        }
    });
    a.expect(&board, "C joined").await?;
    shadow.game.leave(c_id);
    a.expect(
        &shadow.game.render(),
        "C's stream failed (a read gave ConnectionReset) 10 ms after it joined: its pawn is removed",
    )
    .await?;
    match timeout(LIMIT, c).await {
        Ok(_) => Ok(()),
        Err(_) => Err(Failure::Timeout(
            "C's stream failed (ConnectionReset): expected `play` to return within 10 s".into(),
        )),
    }
}

/// The board the server's game shows after `keys` of player B, if player A (who joined first) left
/// after the first `left` of them: the same calls on the learner's own `Game`.
fn replayed(keys: &[u8], left: Option<usize>) -> String {
    let mut game = Shadow::new();
    let (a, _) = game.join();
    let (b, _) = game.join();
    for (i, &key) in keys.iter().enumerate() {
        if left == Some(i) {
            game.game.leave(a);
        }
        game.key(b, key, Duration::ZERO);
    }
    if left == Some(keys.len()) {
        game.game.leave(a);
    }
    game.game.render()
}

pub(crate) async fn stalled_player() -> Outcome {
    let config = Config {
        queue: 8,
        ..Config::default()
    };
    let server = Server::new(config);
    let start = Instant::now();
    // A never reads: 64 bytes fill its stream, then its queue of 8 fills; then it is disconnected.
    let mut s = Player::join(&server, "stalled player A", 64, start);
    let mut p = Player::join(&server, "player B", BIG, start);
    let mut keys = Vec::new();
    let mut gone = None;
    for n in 0..40 {
        // B walks between (1, 0) and (2, 0): A, at (0, 0), is always in sight.
        let key = if n % 2 == 0 && n > 0 { b'a' } else { b'd' };
        keys.push(key);
        let with = replayed(&keys, None);
        let mut boards = vec![with.clone()];
        boards.extend((0..=keys.len()).map(|left| replayed(&keys, Some(left))));
        let boards: Vec<&str> = boards.iter().map(String::as_str).collect();
        p.send(&[key]).await?;
        let when = format!(
            "player A never reads (its queue holds 8: `config.queue`); player B pressed its key number {} ({:?})",
            n + 1,
            char::from(key)
        );
        let (which, _) = p.expect_any(&boards, &when).await?;
        if which > 0 && boards[which] != with {
            gone = Some(n + 1);
            break;
        }
        // A disconnected (its `play` returned) while B's last board still shows A: B sees A go
        // without pressing another key.
        sleep(Duration::from_millis(10)).await;
        if s.task.is_finished() {
            let without = replayed(&keys, Some(keys.len()));
            let when = format!(
                "player A never read and was disconnected (its `play` returned) after B's key number {}, B's \
                 last board still showing A: expected B to see A's pawn go at once, without pressing another key \
                 (a removed pawn is a change: broadcast the board)",
                n + 1
            );
            p.expect(&without, &when).await?;
            gone = Some(n + 1);
            break;
        }
    }
    match gone {
        Some(n) if n <= 16 => {}
        Some(n) => fail!(
            "player A never read (its stream holds 64 bytes, its queue 8: `config.queue`): expected A disconnected \
             and its pawn gone from B's board once about 10 boards waited for it (by B's 16th key), it went at B's \
             key number {n}"
        ),
        None => fail!(
            "player A never read; after 40 moves of player B (A's queue holds 8), expected A \
             disconnected and its pawn gone from B's board, it is still there"
        ),
    }
    s.expect_closed("player A never read and its queue was full")
        .await
}

/// What the learner's filter answers `script` with, if it answers the same fed whole and one byte
/// per read (if not, the filter depends on how reads split: Q3's business, nothing to judge here).
fn replies_for(script: &[u8]) -> Option<Vec<u8>> {
    let whole = TelnetFilter::new().feed(script).replies;
    let mut filter = TelnetFilter::new();
    let bytewise: Vec<u8> = script.iter().flat_map(|b| filter.feed(&[*b]).replies).collect();
    (whole == bytewise).then_some(whole)
}

pub(crate) async fn telnet_replies() -> Outcome {
    const NAWS: u8 = 31;
    const TTYPE: u8 = 24;
    const LINEMODE: u8 = 34;
    let server = Server::new(Config::default());
    let start = Instant::now();
    let mut shadow = Shadow::new();
    let (a_id, board) = shadow.join();
    let mut a = Player::join(&server, "player A", BIG, start);
    a.expect(&board, "A joined").await?;
    let script = [IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, NAWS, IAC, WILL, TTYPE];
    a.send(&script).await?;
    if let Some(replies) = replies_for(&script).filter(|r| !r.is_empty()) {
        a.expect_bytes(
            &replies,
            "A sent IAC DO ECHO, IAC DO SGA, IAC WILL NAWS, IAC WILL TTYPE (your filter's replies expected)",
        )
        .await?;
    }
    // A command cut between two reads (sent 10 ms apart): one filter for the whole connection.
    let after = a.seen.len();
    a.send(&[IAC, DO]).await?;
    sleep(Duration::from_millis(10)).await;
    a.send(&[LINEMODE, b'd']).await?;
    let board = shadow.key(a_id, b'd', Duration::from_millis(10));
    let when = "A sent IAC DO, then 10 ms later LINEMODE and the key 'd' (one command cut between reads)";
    a.expect(&board, when).await?;
    if let Some(replies) = replies_for(&[IAC, DO, LINEMODE, b'd']).filter(|r| !r.is_empty())
        && find(&a.seen[after..], &replies).is_none()
    {
        fail!(
            "{when}: expected A to get your filter's reply {} (the filter keeps its state from one read to the \
             next: one `TelnetFilter` per connection), got {}",
            show_bytes(&replies),
            show_bytes(&a.seen[after..])
        );
    }
    Ok(())
}
