//! Q3, the telnet layer: `negotiation`, `screen` and `TelnetFilter::feed` called directly, byte
//! for byte; every script is fed whole, then one byte per call, then in every two-part split.

use challenge::telnet::{Filtered, TelnetFilter, negotiation, screen};
use harness::{Outcome, fail, show_bytes};

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
const NOP: u8 = 241;
const ECHO: u8 = 1;
const SGA: u8 = 3;
const TTYPE: u8 = 24;
const NAWS: u8 = 31;
const LINEMODE: u8 = 34;

/// Feeds `chunks` to a new filter, one `feed` each, and joins what came out.
fn run(chunks: &[&[u8]]) -> Filtered {
    let mut filter = TelnetFilter::new();
    let mut all = Filtered::default();
    for chunk in chunks {
        let out = filter.feed(chunk);
        all.data.extend(out.data);
        all.replies.extend(out.replies);
    }
    all
}

/// Fails unless `input`, fed whole, gives `data` and `replies`.
fn expect_whole(input: &[u8], data: &[u8], replies: &[u8], what: &str) -> Outcome {
    let got = run(&[input]);
    if got.data != data || got.replies != replies {
        return fail(format!(
            "{what}: fed {} in one read, expected data {} and replies {}, got data {} and replies {}",
            show_bytes(input),
            show_bytes(data),
            show_bytes(replies),
            show_bytes(&got.data),
            show_bytes(&got.replies)
        ));
    }
    Ok(())
}

/// Fails unless `input` gives the same whatever the reads: whole, one byte per `feed`, and every
/// split in two and in three.
fn expect_split(input: &[u8], data: &[u8], replies: &[u8], what: &str) -> Outcome {
    expect_whole(input, data, replies, what)?;
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let mut cuts: Vec<(String, Filtered)> = vec![("one byte per read".into(), run(&bytes))];
    for at in 1..input.len() {
        let (head, tail) = input.split_at(at);
        cuts.push((format!("split after byte {at}"), run(&[head, tail])));
        for second in at + 1..input.len() {
            let (middle, rest) = tail.split_at(second - at);
            cuts.push((
                format!("split after bytes {at} and {second}"),
                run(&[head, middle, rest]),
            ));
        }
    }
    for (how, got) in cuts {
        if got.data != data || got.replies != replies {
            return fail(format!(
                "{what}: fed {} {how}, expected data {} and replies {}, got data {} and replies {} \
                 (a command may be cut anywhere between reads: keep the filter's state in the \
                 struct)",
                show_bytes(input),
                show_bytes(data),
                show_bytes(replies),
                show_bytes(&got.data),
                show_bytes(&got.replies)
            ));
        }
    }
    Ok(())
}

pub(crate) async fn negotiation_bytes() -> Outcome {
    let got = negotiation();
    let expected = [IAC, WILL, ECHO, IAC, WILL, SGA];
    if got != expected {
        return fail(format!(
            "negotiation(): expected {} (IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD), got {}",
            show_bytes(&expected),
            show_bytes(got)
        ));
    }
    Ok(())
}

pub(crate) async fn screen_bytes() -> Outcome {
    let board = "A.\r\n.#\r\n";
    let got = screen(board);
    let expected = b"\x1b[H\x1b[2JA.\r\n.#\r\n";
    if got != expected {
        return fail(format!(
            "screen({board:?}): expected {} (cursor home, clear screen, the board), got {}",
            show_bytes(expected),
            show_bytes(&got)
        ));
    }
    Ok(())
}

pub(crate) async fn plain_data() -> Outcome {
    expect_split(b"wasd e\r\n", b"wasd e\r\n", b"", "plain keys")?;
    expect_split(
        b"d\r\0s",
        b"d\r\0s",
        b"",
        "keys with CR NUL (telnet's Enter: data, which the game ignores)",
    )?;
    expect_split(
        &[0x80, 0xfe, b'w'],
        &[0x80, 0xfe, b'w'],
        b"",
        "bytes that are not IAC",
    )
}

pub(crate) async fn commands_filtered() -> Outcome {
    let script = [
        &b"w"[..],
        &[IAC, NOP],
        b"a",
        &[IAC, 249],
        b"s",
        &[IAC, WONT, LINEMODE, IAC, DONT, NAWS],
        b"d",
        &[IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE],
        b"e",
        &[IAC, SB, TTYPE, 0, b'x', b't', b'e', b'r', b'm', IAC, SE],
        b"!",
    ]
    .concat();
    expect_whole(&script, b"wasde!", b"", "keys between telnet commands")?;
    // `IAC IAC` inside a sub-negotiation is data of the sub-negotiation: skipped with it, and the
    // sub-negotiation goes on to `IAC SE` (a NAWS width of 255: 0 255 escaped, then 0 24).
    let sub = [&b"w"[..], &[IAC, SB, NAWS, IAC, IAC, IAC, SE], b"a"].concat();
    expect_split(&sub, b"wa", b"", "a sub-negotiation holding IAC IAC")?;
    let naws = [&b"w"[..], &[IAC, SB, NAWS, 0, IAC, IAC, 0, 24, IAC, SE], b"a"].concat();
    expect_split(
        &naws,
        b"wa",
        b"",
        "a window size 255 × 24 (IAC SB NAWS 0 IAC IAC 0 24 IAC SE): only IAC SE ends it",
    )?;
    expect_split(&script, b"wasde!", b"", "keys between telnet commands")
}

pub(crate) async fn iac_iac() -> Outcome {
    expect_whole(
        &[b'w', IAC, IAC, b'a'],
        &[b'w', IAC, b'a'],
        b"",
        "IAC IAC between keys",
    )?;
    expect_whole(&[IAC, IAC, IAC, IAC], &[IAC, IAC], b"", "IAC IAC IAC IAC")?;
    expect_split(
        &[b'w', IAC, IAC, b'a', IAC, IAC],
        &[b'w', IAC, b'a', IAC],
        b"",
        "IAC IAC",
    )
}

pub(crate) async fn refuses_options() -> Outcome {
    let cases: [(&[u8], &[u8], &str); 7] = [
        (&[IAC, WILL, NAWS], &[IAC, DONT, NAWS], "the client offers NAWS"),
        (
            &[IAC, WILL, TTYPE],
            &[IAC, DONT, TTYPE],
            "the client offers TTYPE",
        ),
        (
            &[IAC, DO, LINEMODE],
            &[IAC, WONT, LINEMODE],
            "the client asks for LINEMODE",
        ),
        (
            &[IAC, DO, TTYPE],
            &[IAC, WONT, TTYPE],
            "the client asks us for TTYPE",
        ),
        (
            &[IAC, WONT, NAWS, IAC, DONT, NAWS],
            b"",
            "WONT x and DONT x for what we do not do",
        ),
        (
            &[IAC, WILL, ECHO, IAC, WILL, SGA],
            &[IAC, DONT, ECHO, IAC, DONT, SGA],
            "the client offers to echo and to suppress go-ahead itself (every WILL x gets DONT x: we want nothing from the client)",
        ),
        (
            &[IAC, WILL, NAWS, IAC, WILL, NAWS],
            &[IAC, DONT, NAWS, IAC, DONT, NAWS],
            "the client offers NAWS twice (every WILL x gets DONT x, however often)",
        ),
    ];
    for (input, replies, what) in cases {
        expect_split(input, b"", replies, what)?;
    }
    let script = [
        &b"w"[..],
        &[IAC, WILL, NAWS, IAC, DO, LINEMODE],
        b"a",
        &[IAC, WILL, TTYPE],
    ]
    .concat();
    let replies = [IAC, DONT, NAWS, IAC, WONT, LINEMODE, IAC, DONT, TTYPE];
    expect_split(
        &script,
        b"wa",
        &replies,
        "options offered and asked for between keys",
    )
}

pub(crate) async fn no_loops() -> Outcome {
    // netkit telnet's answer to our negotiation, with its own offers.
    let script = [IAC, DO, ECHO, IAC, DO, SGA, IAC, WILL, NAWS, IAC, WILL, TTYPE];
    let replies = [IAC, DONT, NAWS, IAC, DONT, TTYPE];
    expect_whole(
        &script,
        b"",
        &replies,
        "the client agreed to ECHO and SGA (answers to our offer: never answered) and offered NAWS, TTYPE",
    )?;
    expect_split(&script, b"", &replies, "the client's answer to our negotiation")?;
    expect_split(
        &[IAC, DONT, ECHO, IAC, DONT, ECHO],
        b"",
        &[IAC, WONT, ECHO],
        "the client asked us to stop echoing, twice: acknowledged once (WONT ECHO)",
    )?;
    expect_split(
        &[IAC, DONT, SGA, IAC, DO, SGA, IAC, DO, SGA],
        b"",
        &[IAC, WONT, SGA, IAC, WILL, SGA],
        "DONT SGA, then DO SGA twice: WONT SGA once, WILL SGA once",
    )?;
    expect_split(
        &[IAC, DONT, ECHO, IAC, DONT, SGA, IAC, DO, ECHO],
        b"",
        &[IAC, WONT, ECHO, IAC, WONT, SGA, IAC, WILL, ECHO],
        "DONT ECHO, DONT SGA, then DO ECHO: each option on its own (WONT ECHO, WONT SGA, WILL ECHO)",
    )
}
