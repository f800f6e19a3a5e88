//! Reading the kit's files without building them: enough of Rust's and Markdown's shape for
//! `dev check` (which ids a suite binds, which items a file makes public, where a stub is).

use std::collections::BTreeSet;

pub use grader_core::tree::rust_files;

/// The check ids bound in a checks crate's source: `real("id", …)`, `paused("id", …)`,
/// `real_current_thread("id", …)`.
pub fn bound_check_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for binder in ["real(", "paused(", "real_current_thread("] {
        let mut rest = text;
        while let Some(at) = rest.find(binder) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + binder.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let args = rest.trim_start();
            if let Some(quoted) = args.strip_prefix('"')
                && let Some(end) = quoted.find('"')
            {
                ids.push(quoted[..end].to_string());
            }
        }
    }
    ids
}

/// The public items a file declares, as `fn serve`, `struct Visit`, `field port`, `use …`.
pub fn public_items(text: &str) -> BTreeSet<String> {
    let mut items = BTreeSet::new();
    for line in code_lines(text) {
        let Some(rest) = line.trim_start().strip_prefix("pub ") else {
            continue;
        };
        let mut words = rest.split_whitespace().peekable();
        while let Some(&w) = words.peek() {
            if matches!(w, "async" | "unsafe" | "const" | "extern")
                && words.clone().nth(1).is_some_and(|n| n == "fn")
            {
                words.next();
            } else {
                break;
            }
        }
        let Some(kind) = words.next() else { continue };
        let item = match kind {
            "fn" | "struct" | "enum" | "trait" | "type" | "const" | "static" | "mod" => {
                words.next().map(|name| format!("{kind} {}", ident(name)))
            }
            "use" => Some(format!(
                "use {}",
                rest.trim_start_matches("use ").trim_end_matches(';').trim()
            )),
            field if field.ends_with(':') => Some(format!("field {}", ident(field))),
            _ => None,
        };
        items.extend(item);
    }
    items
}

/// True when the file has a `todo!()` outside comments.
pub fn has_todo(text: &str) -> bool {
    code_lines(text).any(|line| line.contains("todo!("))
}

/// A file's code, for comparing an exercise with its solution: comments dropped, and the
/// solution's names (`c04-heartbeat-solution`, `c04_heartbeat_solution`) read as the exercise's.
pub fn code_of(text: &str) -> String {
    code_lines(text)
        .map(|l| l.replace("-solution", "").replace("_solution", ""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The number between `before` and `after`, at their first occurrence: `The checks (` `12` ` points)`.
pub fn number_after(text: &str, before: &str, after: &str) -> Option<u32> {
    numbers_after(text, before, after).into_iter().next()
}

/// Every number between `before` and `after` in `text`.
pub fn numbers_after(text: &str, before: &str, after: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(before) {
        rest = &rest[at + before.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty()
            && rest[digits.len()..].starts_with(after)
            && let Ok(n) = digits.parse()
        {
            out.push(n);
        }
    }
    out
}

/// Lines that are not comments.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.trim_start().starts_with("//"))
}

fn ident(word: &str) -> &str {
    let end = word
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(word.len());
    &word[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_ids_are_found_in_every_binder_but_not_in_other_calls() {
        let text = r#"vec![paused("first-beat", f), real( "no-leak", g), harness::real_current_thread("tick", h), surreal("x", y)]"#;
        assert_eq!(bound_check_ids(text), ["no-leak", "first-beat", "tick"]);
    }

    #[test]
    fn public_items_are_named_by_kind() {
        let text = "pub async fn serve(l: L) {}\npub struct Visit {\n    pub port: u16,\n}\npub(crate) fn hidden() {}\n// pub fn commented() {}\npub use given::{a, b};\n";
        let items: Vec<String> = public_items(text).into_iter().collect();
        assert_eq!(
            items,
            ["field port", "fn serve", "struct Visit", "use given::{a, b}"]
        );
    }

    #[test]
    fn todo_in_a_comment_is_not_a_stub() {
        assert!(!has_todo("// todo!()\n/// todo!()\nfn f() {}"));
        assert!(has_todo("fn f() { todo!() }"));
    }

    #[test]
    fn numbers_are_read_between_their_words() {
        let text = "The checks (22 points). Q1 (12 points): … Q1 (x points)";
        assert_eq!(number_after(text, "The checks (", " points)"), Some(22));
        assert_eq!(numbers_after(text, "Q1 (", " points)"), [12]);
    }
}
