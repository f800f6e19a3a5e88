//! Fitting `watch`'s screen to the terminal: lines wrapped at word boundaries to its width (an
//! indented message stays indented), and cut to its height with a line that says how much is left
//! and which key shows it, as rustlings' watch does. ANSI styles take no width.

/// The text to show and how many of its lines did not fit.
#[derive(Debug, PartialEq, Eq)]
pub struct Fitted {
    pub text: String,
    pub hidden: usize,
}

/// `body` (the table) then `tail` (the score and the next step, always shown whole when it fits),
/// in `width` columns and `rows` lines. A body cut short ends with a line naming `more_key`.
pub fn fit(body: &str, tail: &str, width: usize, rows: usize, more_key: char) -> Fitted {
    let width = width.max(20);
    let body: Vec<String> = body.lines().flat_map(|l| wrap(l, width)).collect();
    let mut tail: Vec<String> = tail.lines().flat_map(|l| wrap(l, width)).collect();
    if body.len() + tail.len() <= rows {
        return Fitted {
            text: join(body.iter().chain(&tail)),
            hidden: 0,
        };
    }
    // The body keeps at least a few lines: on a tiny terminal, the tail is cut instead.
    let least_body = 4.min(rows.saturating_sub(1));
    tail.truncate(rows.saturating_sub(least_body + 1));
    let keep = rows.saturating_sub(tail.len() + 1);
    let hidden = body.len() - keep;
    let note = format!("\x1b[2m… {hidden} more lines: press {more_key} to see everything\x1b[0m");
    let lines: Vec<String> = body[..keep]
        .iter()
        .cloned()
        .chain(std::iter::once(note))
        .chain(tail)
        .collect();
    Fitted {
        text: join(lines.iter()),
        hidden,
    }
}

fn join<'a>(lines: impl Iterator<Item = &'a String>) -> String {
    lines.map(|l| format!("{l}\n")).collect()
}

/// One line as lines of at most `width` visible columns, broken between words; the continuation
/// lines hang under the line's text (see [`hang`]), at most half the width in.
pub fn wrap(line: &str, width: usize) -> Vec<String> {
    if visible_width(line) <= width {
        return vec![line.to_string()];
    }
    let indent = " ".repeat(hang(line, width / 2));
    let leading = line.len() - line.trim_start_matches(' ').len();
    let mut lines = Vec::new();
    let mut current = " ".repeat(leading.min(width / 2));
    let mut current_width = current.len();
    // No word on the current line yet (only its indentation).
    let mut fresh = true;
    for word in line.trim_start_matches(' ').split(' ') {
        let mut word = word.to_string();
        let mut word_width = visible_width(&word);
        if !fresh && current_width + 1 + word_width > width {
            lines.push(std::mem::replace(&mut current, indent.clone()));
            current_width = indent.len();
            fresh = true;
        }
        if !fresh {
            current.push(' ');
            current_width += 1;
        }
        // A word longer than a whole line is broken where the line ends.
        while current_width + word_width > width {
            let (head, rest) = split_at_width(&word, width.saturating_sub(current_width).max(1));
            current.push_str(&head);
            lines.push(std::mem::replace(&mut current, indent.clone()));
            current_width = indent.len();
            word = rest;
            word_width = visible_width(&word);
        }
        current.push_str(&word);
        current_width += word_width;
        fresh = false;
    }
    if current.trim() != "" || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// Where a line's continuation starts: after the last run of two or more spaces before `most`
/// columns (a table's columns: `    fail    0/2  replies with…`), or after a list's number
/// (`  1. read…`), or under the line's first character.
fn hang(line: &str, most: usize) -> usize {
    let plain = anstream::adapter::strip_str(line).to_string();
    let chars: Vec<char> = plain.chars().collect();
    let leading = chars.iter().take_while(|&&c| c == ' ').count();
    let mut after_gap = None;
    for i in leading + 1..chars.len().min(most) {
        if chars[i] != ' ' && chars[i - 1] == ' ' && chars[i - 2] == ' ' {
            after_gap = Some(i);
        }
    }
    if let Some(column) = after_gap {
        return column;
    }
    let rest: String = chars[leading..].iter().collect();
    match rest.split_once(". ") {
        Some((number, _)) if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) => {
            (leading + number.len() + 2).min(most)
        }
        _ => leading.min(most),
    }
}

/// Columns a line takes: characters, less ANSI escape sequences (`ESC [ … letter`).
pub fn visible_width(text: &str) -> usize {
    anstream::adapter::strip_str(text).to_string().chars().count()
}

/// The first `width` visible columns of `word` (escapes kept), and the rest.
fn split_at_width(word: &str, width: usize) -> (String, String) {
    let mut seen = 0;
    let mut in_escape = false;
    for (i, c) in word.char_indices() {
        if in_escape {
            in_escape = !c.is_ascii_alphabetic();
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            if seen == width {
                return (word[..i].to_string(), word[i..].to_string());
            }
            seen += 1;
        }
    }
    (word.to_string(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_break_between_words_and_keep_their_indent() {
        let line = format!(
            "{}expected the reply \x1b[2mYou are from 127.0.0.1\x1b[0m, got nothing at all",
            " ".repeat(8)
        );
        let lines = wrap(&line, 30);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(visible_width(l) <= 30, "{l:?}");
            assert!(l.starts_with("        ") && !l.starts_with("         "), "{l:?}");
        }
        let words = |s: &str| {
            anstream::adapter::strip_str(s)
                .to_string()
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(words(&lines.join(" ")), words(&line), "no word lost or cut");
        assert_eq!(wrap("short", 30), vec!["short"]);
    }

    #[test]
    fn a_table_row_hangs_under_its_text_and_a_list_item_under_its_words() {
        let row = "    \x1b[31mfail\x1b[0m            0/2  replies with the client's own address and text, byte for byte";
        let lines = wrap(row, 60);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| visible_width(l) <= 60), "{lines:?}");
        assert!(
            lines[1].starts_with(&" ".repeat(25)) && !lines[1].starts_with(&" ".repeat(26)),
            "{lines:?}"
        );
        let item = "  1. make the check that replies with the address pass, it is the first";
        let lines = wrap(item, 40);
        assert!(
            lines[1].starts_with("     ") && !lines[1].starts_with("      "),
            "{lines:?}"
        );
        assert_eq!(hang(item, 20), 5);
        assert_eq!(hang("Next: c01 q1 \"Server\"", 40), 0);
    }

    #[test]
    fn a_word_longer_than_a_line_is_broken() {
        let lines = wrap(&format!("  {}", "x".repeat(50)), 20);
        assert!(lines.iter().all(|l| visible_width(l) <= 20), "{lines:?}");
        assert_eq!(lines.iter().map(|l| l.trim().len()).sum::<usize>(), 50);
    }

    #[test]
    fn the_body_is_cut_and_the_tail_kept() {
        let body: String = (1..=30).map(|i| format!("check {i}\n")).collect();
        let tail = "Score: 3/26\nNext: c01 q1\n";
        let fitted = fit(&body, tail, 80, 10, 'm');
        let lines: Vec<&str> = fitted.text.lines().collect();
        assert_eq!(lines.len(), 10);
        assert_eq!(lines[0], "check 1");
        assert_eq!(lines[6], "check 7");
        assert!(lines[7].contains("23 more lines: press m"), "{}", lines[7]);
        assert_eq!(lines[8..], ["Score: 3/26", "Next: c01 q1"]);
        assert_eq!(fitted.hidden, 23);
        let all = fit(&body, tail, 80, 40, 'm');
        assert_eq!((all.hidden, all.text.lines().count()), (0, 32));
    }

    #[test]
    fn a_tiny_terminal_still_shows_the_top_of_the_table() {
        let body: String = (1..=30).map(|i| format!("check {i}\n")).collect();
        let tail = "a\nb\nc\nd\ne\nf\n";
        let fitted = fit(&body, tail, 80, 6, 'm');
        let lines: Vec<&str> = fitted.text.lines().collect();
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[0], "check 1");
        assert!(lines[4].contains("more lines"), "{lines:?}");
    }
}
