//! Q1, the game model: plain calls, no sockets, no clock (time is passed in).

use crate::boards::{board, expect_board, expect_reply, ms, walk};
use challenge::game::{Game, Reply};
use harness::{Outcome, fail};
use std::time::Duration;

pub(crate) async fn board_generation() -> Outcome {
    let game = Game::new(11, 9);
    let odd = ".#.#.#.#.#.";
    let even = "...........";
    let rows = [even, odd, even, odd, even, odd, even, odd, even];
    expect_board(&game, &board(&rows), "Game::new(11, 9) with nobody on it")?;
    expect_board(
        &Game::new(4, 3),
        &board(&["....", ".#.#", "...."]),
        "Game::new(4, 3)",
    )
}

pub(crate) async fn letters() -> Outcome {
    let mut game = Game::new(5, 3);
    let mut ids = Vec::new();
    for (n, letter) in "ABCDE".chars().enumerate() {
        ids.push(game.join());
        let expected = board(&[&format!("{letter}...."), ".#.#.", "....."]);
        let when = format!(
            "after {} join(s) (all at (0, 0), the most recent arrival drawn)",
            n + 1
        );
        expect_board(&game, &expected, &when)?;
    }
    // The letter follows the join order, not how many pawns are on the board.
    game.leave(ids[1]);
    game.leave(ids[4]);
    game.join();
    expect_board(
        &game,
        &board(&["F....", ".#.#.", "....."]),
        "A to E joined, B and E left, then a sixth player joined (the sixth to join: F, whoever left)",
    )
}

pub(crate) async fn letters_wrap() -> Outcome {
    let mut game = Game::new(3, 1);
    let mut seen = String::new();
    for _ in 0..28 {
        let id = game.join();
        seen.push(game.render().chars().next().unwrap_or(' '));
        // Out of the way, so the next one is alone at (0, 0).
        let _ = game.key(id, b'd', Duration::ZERO);
        let _ = game.key(id, b'd', Duration::ZERO);
    }
    let expected = "ABCDEFGHIJKLMNOPQRSTUVWXYZAB";
    if seen != expected {
        return fail(format!(
            "28 players joined: expected the letters {expected} (after Z, A again), got {seen}"
        ));
    }
    Ok(())
}

pub(crate) async fn moves() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    walk(&mut game, a, "dd", ms(0), "A at (0, 0)")?;
    expect_board(&game, &board(&["..A..", ".#.#.", "....."]), "A pressed d d")?;
    walk(&mut game, a, "s", ms(0), "A at (2, 0)")?;
    expect_board(&game, &board(&[".....", ".#A#.", "....."]), "A pressed d d s")?;
    walk(&mut game, a, "sa", ms(0), "A at (2, 1)")?;
    expect_board(&game, &board(&[".....", ".#.#.", ".A..."]), "A pressed d d s s a")?;
    walk(&mut game, a, "awwdddds", ms(0), "A at (1, 2)")?;
    expect_board(
        &game,
        &board(&[".....", ".#.#A", "....."]),
        "then a w w d d d d s",
    )
}

pub(crate) async fn illegal_moves() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    let before = game.render();
    for key in [b'w', b'a'] {
        let reply = game.key(a, key, ms(0));
        let when = format!("A at (0, 0) pressed {:?} (off the board)", char::from(key));
        expect_reply(reply, Reply::Bell, &when)?;
    }
    expect_board(&game, &before, "after moves off the board")?;
    walk(&mut game, a, "d", ms(0), "A at (0, 0)")?;
    let reply = game.key(a, b's', ms(0));
    expect_reply(
        reply,
        Reply::Bell,
        "A at (1, 0) pressed 's' (into the wall at (1, 1))",
    )?;
    walk(&mut game, a, "ddd", ms(0), "A at (1, 0)")?;
    let reply = game.key(a, b'd', ms(0));
    expect_reply(reply, Reply::Bell, "A at (4, 0), the right edge, pressed 'd'")?;
    expect_board(
        &game,
        &board(&["....A", ".#.#.", "....."]),
        "after the illegal moves",
    )?;
    // Bombs: one per tile, and nobody walks onto one.
    let mut game = Game::new(5, 3);
    let a = game.join();
    walk(&mut game, a, "e", ms(0), "A at (0, 0)")?;
    let reply = game.key(a, b'e', ms(100));
    expect_reply(
        reply,
        Reply::Bell,
        "A dropped a bomb at (0, 0), then pressed 'e' again on it",
    )?;
    walk(&mut game, a, "d", ms(200), "A on its bomb at (0, 0)")?;
    expect_board(
        &game,
        &board(&["*A...", ".#.#.", "....."]),
        "A dropped a bomb and stepped right",
    )?;
    let reply = game.key(a, b'a', ms(300));
    expect_reply(
        reply,
        Reply::Bell,
        "A at (1, 0) pressed 'a', onto its bomb at (0, 0)",
    )?;
    for key in [b'x', b'\r', b'\n', 0, b' ', b'W'] {
        let reply = game.key(a, key, ms(300));
        let when = format!("A pressed {:?} (not a game key)", char::from(key));
        expect_reply(reply, Reply::Ignored, &when)?;
    }
    expect_board(
        &game,
        &board(&["*A...", ".#.#.", "....."]),
        "after the illegal keys",
    )
}

pub(crate) async fn leave() -> Outcome {
    // 27 players: the first and the last are both A. The first leaves: only its pawn goes.
    let mut game = Game::new(5, 1);
    let first = game.join();
    walk(&mut game, first, "dddd", ms(0), "the first A")?;
    for _ in 1..26 {
        let id = game.join();
        walk(&mut game, id, "dd", ms(0), "B … Z")?;
    }
    game.join();
    let before = game.render();
    game.leave(first);
    // The same board without the first pawn (whatever the letters: `letters-wrap` judges them).
    let expected: String = before
        .char_indices()
        .map(|(i, c)| if i == 4 { '.' } else { c })
        .collect();
    expect_board(
        &game,
        &expected,
        "27 players joined (the first and the 27th both A when letters wrap): the first walked to (4, 0), \
         the others to (2, 0) but the 27th, at (0, 0); then the first left: only its pawn goes",
    )?;
    let mut game = Game::new(5, 3);
    let a = game.join();
    let b = game.join();
    walk(&mut game, b, "dd", ms(0), "B")?;
    game.leave(b);
    expect_board(&game, &board(&["A....", ".#.#.", "....."]), "B left")?;
    walk(&mut game, a, "e", ms(0), "A")?;
    game.advance(ms(3001));
    game.advance(ms(3501));
    game.leave(a);
    expect_board(&game, &board(&[".....", ".#.#.", "....."]), "A died, then left")?;
    let reply = game.key(a, b'd', ms(4000));
    expect_reply(reply, Reply::Ignored, "A left, then a key came for it")
}

pub(crate) async fn stacking() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    let b = game.join();
    let c = game.join();
    walk(&mut game, a, "dd", ms(0), "A")?;
    walk(&mut game, b, "d", ms(0), "B")?;
    walk(&mut game, c, "d", ms(0), "C")?;
    expect_board(
        &game,
        &board(&[".CA..", ".#.#.", "....."]),
        "B then C stepped onto (1, 0)",
    )?;
    walk(&mut game, b, "d", ms(0), "B")?;
    expect_board(
        &game,
        &board(&[".CB..", ".#.#.", "....."]),
        "B stepped onto (2, 0), where A is",
    )?;
    walk(&mut game, b, "a", ms(0), "B")?;
    expect_board(
        &game,
        &board(&[".BA..", ".#.#.", "....."]),
        "B came back to (1, 0)",
    )?;
    walk(&mut game, a, "e", ms(0), "A")?;
    expect_board(
        &game,
        &board(&[".BA..", ".#.#.", "....."]),
        "A dropped a bomb where it stands",
    )?;
    // A dead pawn stays where it died; a live one walks over it.
    let mut game = Game::new(5, 3);
    let a = game.join();
    let b = game.join();
    walk(&mut game, b, "ddddss", ms(0), "B")?;
    walk(&mut game, a, "e", ms(0), "A")?;
    game.advance(ms(3001));
    game.advance(ms(3501));
    walk(&mut game, b, "wwaaaa", ms(3600), "B")?;
    expect_board(
        &game,
        &board(&["B....", ".#.#.", "....."]),
        "A died at (0, 0), then B walked onto it",
    )?;
    walk(&mut game, b, "d", ms(3600), "B")?;
    expect_board(&game, &board(&["aB...", ".#.#.", "....."]), "B walked off dead A")
}
