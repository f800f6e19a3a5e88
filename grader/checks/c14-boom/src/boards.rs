//! Q1's helpers: boards as `render` draws them, shown one row a line in failure messages, and
//! pawns walked around with every key expected to be legal.

use challenge::game::{Game, PlayerId, Reply};
pub(crate) use harness::time::ms;
use harness::{Outcome, fail};
use std::time::Duration;

/// A board as `render` gives it: the rows, each ending `\r\n`.
pub(crate) fn board(rows: &[&str]) -> String {
    rows.iter().map(|row| format!("{row}\r\n")).collect()
}

/// A board shown in a failure message, one row a line.
pub(crate) fn shown(board: &str) -> String {
    let rows: Vec<&str> = board.split("\r\n").filter(|r| !r.is_empty()).collect();
    if board.is_empty() || !board.ends_with("\r\n") {
        return format!("{board:?}");
    }
    format!("\n    {}\n", rows.join("\n    "))
}

/// Fails unless `game.render()` is `expected`; `when` says what the check did.
pub(crate) fn expect_board(game: &Game, expected: &str, when: &str) -> Outcome {
    let got = game.render();
    if got == expected {
        Ok(())
    } else {
        fail(format!(
            "{when}: expected the board{}got{}",
            shown(expected),
            shown(&got)
        ))
    }
}

/// What `render` draws at (x, y), if anything.
pub(crate) fn tile(game: &Game, x: usize, y: usize) -> Option<char> {
    game.render().split("\r\n").nth(y)?.chars().nth(x)
}

/// The tiles `render` shows as `c`.
pub(crate) fn tiles(game: &Game, c: char) -> Vec<(usize, usize)> {
    let board = game.render();
    let mut found = Vec::new();
    for (y, row) in board.split("\r\n").enumerate() {
        for (x, t) in row.chars().enumerate() {
            if t == c {
                found.push((x, y));
            }
        }
    }
    found
}

/// Presses `keys` for `id` at `now`, each expected to be `Reply::Changed` (a legal move or bomb).
pub(crate) fn walk(game: &mut Game, id: PlayerId, keys: &str, now: Duration, who: &str) -> Outcome {
    for key in keys.bytes() {
        let reply = game.key(id, key, now);
        if reply != Reply::Changed {
            return fail(format!(
                "{who} pressed {:?} (of {keys:?}) at {now:?}, a legal move on the board{}: \
                 expected Reply::Changed, got Reply::{reply:?}",
                char::from(key),
                shown(&game.render())
            ));
        }
    }
    Ok(())
}

pub(crate) fn expect_reply(got: Reply, expected: Reply, when: &str) -> Outcome {
    if got == expected {
        Ok(())
    } else {
        fail(format!(
            "{when}: expected Reply::{expected:?}, got Reply::{got:?}"
        ))
    }
}

/// A pawn walks to `to` (row 0 then down a column of even x), drops a bomb at `now`, walks `away`.
pub(crate) fn bomb_at(
    game: &mut Game,
    id: PlayerId,
    to: (usize, usize),
    away: &str,
    now: Duration,
) -> Outcome {
    let path = "d".repeat(to.0) + &"s".repeat(to.1) + "e" + away;
    walk(game, id, &path, now, "A")
}
