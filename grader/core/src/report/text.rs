//! Learner text made fit for other programs' result files.
//!
//! A check's message can hold anything the learner's code printed or panicked with: ANSI colour
//! escapes, NUL bytes, form feeds, 70,000 characters. The JSON formats can carry every character
//! (serde escapes them), but the pages that show them (Gradescope, Exercism, GitHub) render
//! escape codes as garbage, so those are stripped. XML 1.0 cannot carry most control characters
//! at all, even escaped, so the JUnit report keeps only what [`xml_text`] lets through.

/// The longest message Exercism accepts (its test-runner interface caps `message` at 65,535
/// characters); the Classroom report uses the same bound so one runaway message cannot bloat it.
pub const MESSAGE_CAP: usize = 65_535;

/// What ends a message cut at [`MESSAGE_CAP`].
pub const TRUNCATED: &str = "… (truncated)";

/// `text` without ANSI escape sequences: CSI (`ESC [ … final`, colours and cursor moves), OSC
/// (`ESC ] … BEL` or `ESC ] … ESC \`, titles and links) and two-character escapes (`ESC c`). A
/// lone ESC at the end is dropped too.
pub fn strip_ansi(text: &str) -> String {
    if !text.contains('\x1b') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameter and intermediate bytes, then one final byte in @..=~.
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or the string terminator ESC \.
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' {
                        break;
                    }
                    if c == '\x1b' {
                        chars.next_if_eq(&'\\');
                        break;
                    }
                }
            }
            // A two-character escape (or a lone ESC at the end): both go.
            Some(_) | None => {}
        }
    }
    out
}

/// True for the characters XML 1.0 allows in a document (its `Char` production): tab, line
/// feed, carriage return, and everything from U+0020 on except U+FFFE and U+FFFF (surrogates
/// cannot occur in a Rust `str`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` as XML 1.0 can hold it: ANSI escapes stripped, then every character XML forbids
/// (NUL, form feed, the other C0 controls, U+FFFE, U+FFFF) removed. Markup characters (`<`, `&`,
/// `]]>`) stay: escaping them is the XML writer's job.
pub fn xml_text(text: &str) -> String {
    let mut out = strip_ansi(text);
    out.retain(is_xml_char);
    out
}

/// The first line of `text` (for an attribute, where a parser would fold line breaks to spaces).
pub fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// `text` cut to at most `cap` characters (Unicode scalar values, as JSON Schema's `maxLength`
/// counts them), ending with [`TRUNCATED`] when it was cut.
pub fn truncate_chars(text: &str, cap: usize) -> String {
    if text.chars().count() <= cap {
        return text.to_owned();
    }
    let keep = cap.saturating_sub(TRUNCATED.chars().count());
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}{TRUNCATED}", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_sequences_go_and_the_text_stays() {
        assert_eq!(strip_ansi("\x1b[1;31merror\x1b[0m: x"), "error: x");
        assert_eq!(strip_ansi("a\x1b]8;;http://x\x07link\x1b]8;;\x1b\\b"), "alinkb");
        assert_eq!(strip_ansi("a\x1bcb\x1b"), "ab");
        assert_eq!(strip_ansi("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn xml_text_keeps_only_xml_characters() {
        let text = xml_text("a\0b\x0c\x1b[32mc\x1b[0m\u{FFFE}\u{FFFF}\td\r\n<&]]>🦀");
        assert_eq!(text, "abc\td\r\n<&]]>🦀");
        assert!(text.chars().all(is_xml_char));
    }

    #[test]
    fn truncation_respects_the_cap_and_char_boundaries() {
        assert_eq!(truncate_chars("short", 10), "short");
        let long = "é".repeat(20);
        let cut = truncate_chars(&long, 15);
        assert_eq!(cut.chars().count(), 15);
        assert!(cut.ends_with(TRUNCATED));
        assert!(cut.starts_with("éé"));
        assert_eq!(truncate_chars(&long, 20), long);
    }

    #[test]
    fn first_line_of_a_message() {
        assert_eq!(first_line("one\ntwo"), "one");
        assert_eq!(first_line(""), "");
    }
}
