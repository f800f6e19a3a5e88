//! Q1, the game model's bombs: fuses, blasts, flames, deaths, chains, in time passed in.

use crate::boards::{board, bomb_at, expect_board, expect_reply, ms, shown, tile, tiles, walk};
use challenge::game::{Game, Reply};
use harness::{Outcome, fail};

pub(crate) async fn fuse() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    walk(&mut game, a, "sse", ms(500), "A at (0, 0)")?;
    walk(&mut game, a, "dd", ms(600), "A on its bomb at (0, 2)")?;
    walk(&mut game, a, "ww", ms(700), "A at (2, 2)")?;
    let lit = board(&["..A..", ".#.#.", "*...."]);
    expect_board(&game, &lit, "A dropped a bomb at (0, 2) at 0.5 s and walked away")?;
    let next = game.next_deadline();
    if next != Some(ms(3500)) {
        return fail(format!(
            "a bomb dropped at 0.5 s: expected next_deadline() Some(3.5s), got {next:?}"
        ));
    }
    let changed = game.advance(ms(3499));
    expect_board(&game, &lit, "advance(3.499 s), the fuse not burnt yet")?;
    if changed {
        return fail("advance(3.499 s) returned true: the board did not change, it should be false");
    }
    let changed = game.advance(ms(3500));
    if tile(&game, 0, 2) != Some('+') {
        return fail(format!(
            "advance(3.5 s): the bomb dropped at (0, 2) at 0.5 s explodes at exactly 3 s after: \
             expected a flame `+` at (0, 2), got the board{}",
            shown(&game.render())
        ));
    }
    if !changed {
        return fail("advance(3.5 s) exploded a bomb but returned false");
    }
    Ok(())
}

pub(crate) async fn blast_shape() -> Outcome {
    // A bomb in the open: 2 tiles each way, no further.
    let mut game = Game::new(9, 9);
    let a = game.join();
    bomb_at(&mut game, a, (4, 4), "dds", ms(0))?;
    game.advance(ms(3001));
    let expected = board(&[
        ".........",
        ".#.#.#.#.",
        "....+....",
        ".#.#+#.#.",
        "..+++++..",
        ".#.#+#A#.",
        "....+....",
        ".#.#.#.#.",
        ".........",
    ]);
    expect_board(&game, &expected, "a bomb at (4, 4) exploded (A safe at (6, 5))")?;
    // Next to walls and edges: the walls stop it and are not on fire.
    let mut game = Game::new(9, 9);
    let a = game.join();
    bomb_at(&mut game, a, (1, 0), "dssdd", ms(0))?;
    game.advance(ms(3001));
    let expected = board(&[
        "++++.....",
        ".#.#.#.#.",
        "....A....",
        ".#.#.#.#.",
        ".........",
        ".#.#.#.#.",
        ".........",
        ".#.#.#.#.",
        ".........",
    ]);
    expect_board(
        &game,
        &expected,
        "a bomb at (1, 0) exploded (the wall at (1, 1) below it, the edge above)",
    )?;
    let mut game = Game::new(9, 9);
    let a = game.join();
    bomb_at(&mut game, a, (8, 3), "www", ms(0))?;
    game.advance(ms(3001));
    let expected = board(&[
        "........A",
        ".#.#.#.#+",
        "........+",
        ".#.#.#.#+",
        "........+",
        ".#.#.#.#+",
        ".........",
        ".#.#.#.#.",
        ".........",
    ]);
    expect_board(&game, &expected, "a bomb at (8, 3) on the right edge exploded")
}

pub(crate) async fn flames() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    bomb_at(&mut game, a, (0, 0), "dds", ms(1000))?;
    // Called late: the flames still last until 0.5 s after the explosion (4 s).
    game.advance(ms(4100));
    let fire = tiles(&game, '+');
    if !fire.contains(&(0, 0)) {
        return fail(format!(
            "a bomb dropped at (0, 0) at 1 s, advance(4.1 s): expected flames `+` until 4.5 s, \
             got the board{}",
            shown(&game.render())
        ));
    }
    let next = game.next_deadline();
    if next != Some(ms(4500)) {
        return fail(format!(
            "flames from a blast at 4 s (advance called at 4.1 s): expected next_deadline() \
             Some(4.5s), got {next:?}"
        ));
    }
    game.advance(ms(4499));
    if tiles(&game, '+') != fire {
        return fail(format!(
            "advance(4.499 s): expected the flames of the blast at 4 s still there, got the board{}",
            shown(&game.render())
        ));
    }
    let changed = game.advance(ms(4500));
    if !tiles(&game, '+').is_empty() {
        return fail(format!(
            "advance(4.5 s): expected the flames of the blast at 4 s out, got the board{}",
            shown(&game.render())
        ));
    }
    if !changed {
        return fail("advance(4.5 s) put the flames out but returned false");
    }
    let next = game.next_deadline();
    if next.is_some() {
        return fail(format!(
            "nothing burns any more: expected next_deadline() None, got {next:?}"
        ));
    }
    // Two blasts 0.2 s apart: the first one's flames last their 0.5 s through the second.
    let mut game = Game::new(9, 3);
    let a = game.join();
    walk(&mut game, a, "e", ms(1000), "A")?;
    walk(&mut game, a, "dddde", ms(1200), "A")?;
    walk(&mut game, a, "ddddss", ms(1200), "A")?;
    game.advance(ms(4300));
    if tile(&game, 0, 2) != Some('+') || tile(&game, 6, 0) != Some('+') {
        return fail(format!(
            "bombs at (0, 0) (dropped at 1 s) and (4, 0) (at 1.2 s) exploded at 4 s and 4.2 s, advance(4.3 s): \
             expected the flames of both (until 4.5 s and 4.7 s), got the board{}",
            shown(&game.render())
        ));
    }
    // (2, 0) is in both blasts: it burns until the later one's flames go out.
    game.advance(ms(4600));
    if tile(&game, 2, 0) != Some('+') || tile(&game, 0, 0) != Some('.') {
        fail!(
            "bombs at (0, 0) and (4, 0) exploded at 4 s and 4.2 s, both blasts reaching (2, 0); advance(4.6 s): \
             expected (0, 0) out (its flame ended at 4.5 s) and (2, 0) still burning (the second blast's flame \
             lasts until 4.7 s), got the board{}",
            shown(&game.render())
        );
    }
    game.advance(ms(4700));
    if !tiles(&game, '+').is_empty() {
        fail!(
            "bombs exploded at 4 s and 4.2 s, advance(4.7 s): expected every flame out, got the board{}",
            shown(&game.render())
        );
    }
    Ok(())
}

pub(crate) async fn deaths() -> Outcome {
    let mut game = Game::new(7, 3);
    let a = game.join();
    let _b = game.join();
    let c = game.join();
    walk(&mut game, c, "ddddd", ms(0), "C")?;
    walk(&mut game, a, "dde", ms(0), "A")?;
    walk(&mut game, a, "d", ms(0), "A")?;
    // B stays at (0, 0), 2 from the bomb; A at (3, 0), 1 from it; C at (5, 0), 3 from it.
    game.advance(ms(3001));
    let expected = board(&["b++a+C.", ".#+#.#.", "..+...."]);
    expect_board(
        &game,
        &expected,
        "a bomb at (2, 0) exploded with A 1 tile from it, B 2 tiles, C 3 tiles",
    )
}

pub(crate) async fn dead_frozen() -> Outcome {
    let mut game = Game::new(5, 3);
    let a = game.join();
    walk(&mut game, a, "e", ms(0), "A")?;
    game.advance(ms(3001));
    game.advance(ms(4000));
    let dead = board(&["a....", ".#.#.", "....."]);
    expect_board(&game, &dead, "A stood on its bomb when it exploded")?;
    for key in [b'd', b's', b'e'] {
        let reply = game.key(a, key, ms(4000));
        expect_reply(
            reply,
            Reply::Dead,
            &format!("dead A pressed {:?}", char::from(key)),
        )?;
    }
    expect_board(&game, &dead, "dead A pressed d, s, e")?;
    // Keys that are not game keys stay `Ignored`, dead or alive.
    for key in [b'\r', 0, b'x', b'W', b' '] {
        let reply = game.key(a, key, ms(4000));
        expect_reply(
            reply,
            Reply::Ignored,
            &format!("dead A pressed {:?} (not a game key)", char::from(key)),
        )?;
    }
    if game.next_deadline().is_some() {
        return fail("dead A pressed 'e': expected no bomb (next_deadline() None)");
    }
    Ok(())
}

pub(crate) async fn into_flame() -> Outcome {
    let mut game = Game::new(7, 3);
    let a = game.join();
    let b = game.join();
    walk(&mut game, b, "ss", ms(0), "B")?;
    walk(&mut game, a, "dde", ms(0), "A")?;
    walk(&mut game, a, "ddd", ms(0), "A")?;
    game.advance(ms(3001));
    walk(&mut game, b, "dd", ms(3100), "B at (0, 2)")?;
    if tile(&game, 2, 2) != Some('b') {
        return fail(format!(
            "a bomb at (2, 0) exploded at 3 s, then B walked from (0, 2) into the flame at (2, 2): \
             expected B dead there (`b`), got the board{}",
            shown(&game.render())
        ));
    }
    // A pawn that joins into the flame at (0, 0) dies too.
    game.join();
    if tile(&game, 0, 0) != Some('c') {
        return fail(format!(
            "C joined at 3.1 s, while (0, 0) burns: expected C dead there (`c`), got the board{}",
            shown(&game.render())
        ));
    }
    Ok(())
}

pub(crate) async fn chain() -> Outcome {
    let mut game = Game::new(9, 3);
    let a = game.join();
    // Bomb 1 at (0, 2) at 0 s, bomb 2 at (2, 2) at 2 s: 1's blast reaches 2 at 3 s.
    walk(&mut game, a, "sse", ms(0), "A")?;
    walk(&mut game, a, "dde", ms(2000), "A")?;
    walk(&mut game, a, "ddddww", ms(2000), "A")?;
    // Bomb 3 at (8, 0) at 2 s, far from both blasts: it waits for its own fuse.
    walk(&mut game, a, "ddess", ms(2000), "A")?;
    game.advance(ms(3001));
    if tile(&game, 8, 0) != Some('*') {
        return fail(format!(
            "bombs at (0, 2) (dropped at 0 s) and (2, 2) (at 2 s, in the first one's blast) exploded at 3 s; \
             a bomb at (8, 0), dropped at 2 s, is in neither blast: expected it still there (`*`, exploding at \
             5 s), got the board{}",
            shown(&game.render())
        ));
    }
    if tile(&game, 2, 2) == Some('*') || tile(&game, 2, 0) != Some('+') {
        return fail(format!(
            "bomb 1 at (0, 2) (dropped at 0 s) exploded at 3 s; its blast reached bomb 2 at (2, 2) \
             (dropped at 2 s): expected bomb 2 to explode at once (its flame at (2, 0)), got the \
             board{}",
            shown(&game.render())
        ));
    }
    // A chain of three on a 13 × 1 line: bomb 1 reaches bomb 2, bomb 2 reaches bomb 3, bomb 3 alone
    // reaches B; every bomb in any blast explodes, however deep the chain.
    let mut game = Game::new(13, 1);
    let a = game.join();
    let b = game.join();
    walk(&mut game, b, "dddddd", ms(0), "B")?;
    walk(&mut game, a, "e", ms(0), "A")?;
    walk(&mut game, a, "dde", ms(2000), "A")?;
    walk(&mut game, a, "dde", ms(2000), "A")?;
    walk(&mut game, a, "dddddddd", ms(2000), "A")?;
    game.advance(ms(3001));
    // Bomb 3 gone and B dead on its flame: `b` (Q1's stacking rule), or `+` (a drawing mistake,
    // judged by `deaths`); the rest of the board is `blast-shape`'s business.
    let got = game.render();
    if !tiles(&game, '*').is_empty() || !matches!(tile(&game, 6, 0), Some('b' | '+')) {
        fail!(
            "on a 13 × 1 board, bombs at (0, 0) (dropped at 0 s), (2, 0) and (4, 0) (at 2 s), B at (6, 0), \
             advance(3.001 s): bomb 1's blast reaches bomb 2, bomb 2's reaches bomb 3, bomb 3's reaches B: \
             expected every bomb exploded and B dead, the board{}got{}",
            shown(&board(&["++++++b.....A"])),
            shown(&got)
        );
    }
    Ok(())
}
