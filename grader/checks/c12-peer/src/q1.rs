//! Q1, the codec: `decode` driven as `FramedRead` drives it, one `PeerCodec::default()` per
//! stream, with every stream fed whole, cut in two at every byte, and a byte at a time
//! ([`crate::q1_feed`]); `FramedRead` itself over reads of 1–7 bytes ([`harness::io::Chop`]);
//! `encode` called directly. No time, no sockets.

use crate::q1_feed::{codec, feed, feed_every_way, framed_chopped, listed, shown};
use challenge::message::{MAX_TOKEN, Message};
use harness::bytes::BytesMut;
use harness::tokio_util::codec::{Decoder, Encoder};
use harness::{Outcome, fail, show_bytes};

/// Expects `bytes`, fed every way, to decode to `expected`.
fn expect_every_way(bytes: &[u8], expected: &[Message]) -> Outcome {
    let got = feed_every_way(bytes).or_else(fail)?;
    if got != expected {
        return fail(format!(
            "{} gave {}; expected {}",
            shown(&[bytes]),
            listed(&got),
            listed(expected)
        ));
    }
    Ok(())
}

pub(crate) async fn decode_tokens() -> Outcome {
    let cases: [(&[u8], Message); 10] = [
        (b"<connection up>", Message::ConnectionUp),
        (b"<update>", Message::Update),
        (b"<Ack>", Message::Ack),
        (b"<hello world>", Message::Other("hello world".into())),
        (b"<>", Message::Other(String::new())),
        (b"<\xff\xfeok>", Message::Other("\u{fffd}\u{fffd}ok".into())),
        // A token's text is any bytes but `>`: a `<` inside it is text, not a new token.
        (b"<a<b>", Message::Other("a<b".into())),
        (b"<<update>", Message::Other("<update".into())),
        (b"<up<date>", Message::Other("up<date".into())),
        (b"< Ack >", Message::Other(" Ack ".into())),
    ];
    for (bytes, expected) in cases {
        let got = feed(&[bytes]).or_else(fail)?;
        if got != [expected.clone()] {
            return fail(format!(
                "decode on {} (one token, read whole): expected [{expected:?}], got {} (a token \
                 is a `<`, its text — any bytes but `>` — and the next `>`)",
                show_bytes(bytes),
                listed(&got)
            ));
        }
    }
    Ok(())
}

pub(crate) async fn encode() -> Outcome {
    let cases = [
        (Message::ConnectionUp, "<connection up>"),
        (Message::Update, "<update>"),
        (Message::Ack, "<Ack>"),
        (Message::Other("hi there".into()), "<hi there>"),
        (Message::Other("a<b".into()), "<a<b>"),
        (Message::Other(String::new()), "<>"),
        (Message::Other("x".into()), "<x>"),
    ];
    for (message, token) in cases {
        // `encode` appends: what the buffer held stays in front.
        let mut buf = BytesMut::from(&b"<Ack>"[..]);
        let shown = format!("{message:?}");
        if let Err(e) = codec().encode(message, &mut buf) {
            return fail(format!("encode({shown}): expected `Ok`, got the error \"{e}\""));
        }
        let expected = format!("<Ack>{token}");
        if buf[..] != *expected.as_bytes() {
            return fail(format!(
                "encode({shown}) on a buffer holding b\"<Ack>\": expected {}, got {}",
                show_bytes(expected.as_bytes()),
                show_bytes(&buf)
            ));
        }
    }
    Ok(())
}

/// Tokens of every kind and length, one after another: cut anywhere, they must all come out.
const STREAM: &[u8] = b"<connection up><update><Ack><a<b><><update><hello world><Ack>";

fn stream_messages() -> Vec<Message> {
    vec![
        Message::ConnectionUp,
        Message::Update,
        Message::Ack,
        Message::Other("a<b".into()),
        Message::Other(String::new()),
        Message::Update,
        Message::Other("hello world".into()),
        Message::Ack,
    ]
}

pub(crate) async fn split_reads() -> Outcome {
    expect_every_way(STREAM, &stream_messages())?;
    // A long token cut in many places: a codec that keeps where it had got to must start again
    // after each token.
    let mut pieces: Vec<&[u8]> = vec![b"<connection ", b"up><Ac", b"k>", b"<up", b"date><A", b"ck>"];
    pieces.extend([&b"<connec"[..], b"tion up><Ack><update>"]);
    let got = feed(&pieces).or_else(fail)?;
    let expected = [
        Message::ConnectionUp,
        Message::Ack,
        Message::Update,
        Message::Ack,
        Message::ConnectionUp,
        Message::Ack,
        Message::Update,
    ];
    if got != expected {
        return fail(format!(
            "{} gave {}; expected {}",
            shown(&pieces),
            listed(&got),
            listed(&expected)
        ));
    }
    framed_chopped(STREAM, 1..9).await.or_else(fail)
}

pub(crate) async fn coalesced_reads() -> Outcome {
    let got = feed(&[STREAM]).or_else(fail)?;
    let expected = stream_messages();
    if got != expected {
        return fail(format!(
            "{} (one read) gave {}; expected {}",
            show_bytes(STREAM),
            listed(&got),
            listed(&expected)
        ));
    }
    let many = b"<update>".repeat(100);
    feed(&[&many]).or_else(fail)?;
    let pieces: [&[u8]; 3] = [b"<update><Ac", b"k><update><connection up><Ack>", b"<update>"];
    feed(&pieces).or_else(fail).map(|_| ())
}

pub(crate) async fn outside_ignored() -> Outcome {
    expect_every_way(
        b"hello <update> junk\r\n\xff\xfe<Ack>trailing junk",
        &[Message::Update, Message::Ack],
    )?;
    expect_every_way(b"x>y<update>>>z<Ack>", &[Message::Update, Message::Ack])?;
    // A token cut off by the end of the stream is no message; `FramedRead` may end there with an
    // error or cleanly (the spec leaves it open).
    expect_every_way(b"<update>junk<Ack><upd", &[Message::Update, Message::Ack])?;
    framed_chopped(b"hello <update> junk\r\n\xff\xfe<Ack>trailing junk", 1..5)
        .await
        .or_else(fail)
}

pub(crate) async fn token_limit() -> Outcome {
    let text = vec![b'a'; MAX_TOKEN];
    // Exactly MAX_TOKEN bytes of text: a message, however the reads cut it.
    let longest = [&b"<"[..], &text, b">"].concat();
    let got = feed_every_way(&longest).or_else(fail)?;
    let expected = Message::Other(String::from_utf8_lossy(&text).into_owned());
    if got != [expected] {
        return fail(format!(
            "a token of exactly {MAX_TOKEN} bytes of text: expected `Other(\"aaa…\")`, got {}",
            listed(&got)
        ));
    }
    // One byte more, `>` and all in one read: an error (`feed` expects it).
    for extra in [1, 2000 - MAX_TOKEN] {
        let too_long = [&b"<update><"[..], &vec![b'b'; MAX_TOKEN + extra], b"><Ack>"].concat();
        feed(&[&too_long]).or_else(fail)?;
    }
    // Without its `>`: the error comes as soon as the text is too long, whatever the reads.
    let unfinished = [&b"<update><"[..], &text, b"a"].concat();
    feed_every_way(&unfinished).or_else(fail)?;
    let at_once = [&b"<"[..], &vec![b'c'; 4 * MAX_TOKEN]].concat();
    feed(&[&at_once]).or_else(fail)?;
    framed_chopped(&[&b"<Ack><"[..], &text, b"a>"].concat(), 1..3)
        .await
        .or_else(fail)
}

pub(crate) async fn junk_bounded() -> Outcome {
    // 1 MiB without `<`, 64 KiB at a time, as reads would append it, to one codec.
    let junk: Vec<u8> = (0..64 * 1024)
        .map(|i| match ((i * 7 + 3) % 256) as u8 {
            b'<' | b'>' => b'.',
            byte => byte,
        })
        .collect();
    let mut codec = codec();
    let mut buf = BytesMut::new();
    for _ in 0..16 {
        buf.extend_from_slice(&junk);
        match codec.decode(&mut buf) {
            Ok(None) => {}
            other => {
                return fail(format!(
                    "decode on 64 KiB without `<`: expected `Ok(None)`, got {other:?}"
                ));
            }
        }
        if buf.len() > MAX_TOKEN + 1 {
            return fail(format!(
                "after decode on 64 KiB without `<`, `buf` still holds {} bytes: expected bytes \
                 outside tokens to be dropped at once, or 1 MiB of them would all stay in memory",
                buf.len()
            ));
        }
    }
    // Then a token's start: what is kept is at most the token.
    buf.extend_from_slice(b"<upd");
    let before = codec.decode(&mut buf);
    buf.extend_from_slice(b"ate>");
    let after = codec.decode(&mut buf);
    match (before, after) {
        (Ok(None), Ok(Some(Message::Update))) if buf.len() <= MAX_TOKEN + 1 => Ok(()),
        (before, after) => fail(format!(
            "after 1 MiB without `<`, decode on b\"<upd\" then on b\"ate>\": expected `Ok(None)`, \
             then `Update`; got {before:?}, then {after:?} ({} bytes left in `buf`)",
            buf.len()
        )),
    }
}
