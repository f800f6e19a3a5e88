//! Q1, the codec: `decode` and `encode` called directly on a `BytesMut`, and `FramedRead` over
//! reads scripted with `tokio_test::io::Builder` (each `read` step is one read of the stream).

use challenge::codec::PeerCodec;
use challenge::message::{MAX_TOKEN, Message};
use harness::bytes::BytesMut;
use harness::futures::StreamExt;
use harness::tokio::io::AsyncReadExt;
use harness::tokio_test::io::Builder;
use harness::tokio_util::codec::{Decoder, Encoder, FramedRead};
use harness::{Outcome, fail, show_bytes};
use std::io;

/// More messages than any check sends: a decoder that returns a message without taking its bytes
/// off the buffer would return it forever.
const RUNAWAY: usize = 1000;

/// The learner's codec, made as the stub's doc says: with `Default`, so that it may have fields.
#[allow(clippy::default_constructed_unit_structs)]
fn codec() -> PeerCodec {
    PeerCodec::default()
}

/// What `FramedRead` made of the reads `chunks`: the messages, and the error that ended them.
async fn decode_reads(chunks: &[&[u8]]) -> Outcome<(Vec<Message>, Option<io::Error>)> {
    let mut builder = Builder::new();
    for chunk in chunks {
        builder.read(chunk);
    }
    let mut framed = FramedRead::new(builder.build(), codec());
    let mut messages = Vec::new();
    let mut error = None;
    while let Some(item) = framed.next().await {
        match item {
            Ok(message) => messages.push(message),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
        if messages.len() > RUNAWAY {
            return fail(format!(
                "`FramedRead` with `PeerCodec` gave more than {RUNAWAY} messages for a few tokens, \
                 starting with {:?}: does `decode` take the token's bytes off `buf` (`split_to`)?",
                &messages[..3]
            ));
        }
    }
    // Read what the mock still holds (after an error): a mock dropped with reads left panics.
    let mut rest = Vec::new();
    let _ = framed.into_inner().read_to_end(&mut rest).await;
    Ok((messages, error))
}

/// Expects the reads `chunks` to decode to `expected` and end cleanly.
async fn expect_messages(what: &str, chunks: &[&[u8]], expected: &[Message]) -> Outcome {
    let shown: Vec<String> = chunks.iter().map(|c| show_bytes(c)).collect();
    let (got, error) = decode_reads(chunks).await?;
    if let Some(e) = error {
        return fail(format!(
            "{what}: reads {} gave {got:?}, then the error \"{e}\"; expected {expected:?} and a clean end",
            shown.join(", ")
        ));
    }
    if got != expected {
        return fail(format!(
            "{what}: reads {} gave {got:?}; expected {expected:?}",
            shown.join(", ")
        ));
    }
    Ok(())
}

/// Calls `decode` until it gives `Ok(None)` or an error (at most a few times).
fn decode_all(buf: &mut BytesMut) -> (Vec<Message>, Option<io::Error>) {
    let mut codec = codec();
    let mut messages = Vec::new();
    while messages.len() <= RUNAWAY {
        match codec.decode(buf) {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => return (messages, None),
            Err(e) => return (messages, Some(e)),
        }
    }
    (messages, None)
}

pub(crate) async fn decode_tokens() -> Outcome {
    let cases: [(&[u8], Message); 6] = [
        (b"<connection up>", Message::ConnectionUp),
        (b"<update>", Message::Update),
        (b"<Ack>", Message::Ack),
        (b"<hello world>", Message::Other("hello world".into())),
        (b"<>", Message::Other(String::new())),
        (b"<\xff\xfeok>", Message::Other("\u{fffd}\u{fffd}ok".into())),
    ];
    for (bytes, expected) in cases {
        let mut buf = BytesMut::from(bytes);
        let (got, error) = decode_all(&mut buf);
        if got != [expected.clone()] || error.is_some() {
            let error = error
                .map(|e| format!(", then the error \"{e}\""))
                .unwrap_or_default();
            return fail(format!(
                "decode on {}: expected {expected:?} once, then `Ok(None)`; got {got:?}{error}",
                show_bytes(bytes)
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

pub(crate) async fn split_reads() -> Outcome {
    expect_messages(
        "a token split across reads",
        &[b"<up", b"da", b"te><A", b"ck", b">"],
        &[Message::Update, Message::Ack],
    )
    .await?;
    expect_messages(
        "a split right after `<` and right before `>`",
        &[b"<", b"connection up", b">"],
        &[Message::ConnectionUp],
    )
    .await?;
    let bytes = b"<connection up><update>";
    let one_by_one: Vec<&[u8]> = bytes.chunks(1).collect();
    expect_messages(
        "one byte per read",
        &one_by_one,
        &[Message::ConnectionUp, Message::Update],
    )
    .await
}

pub(crate) async fn coalesced_reads() -> Outcome {
    expect_messages(
        "several tokens in one read",
        &[b"<connection up><update><Ack><update>"],
        &[
            Message::ConnectionUp,
            Message::Update,
            Message::Ack,
            Message::Update,
        ],
    )
    .await?;
    expect_messages(
        "a token and a half in one read",
        &[b"<update><Ac", b"k><update>"],
        &[Message::Update, Message::Ack, Message::Update],
    )
    .await
}

pub(crate) async fn outside_ignored() -> Outcome {
    expect_messages(
        "bytes outside tokens, invalid UTF-8 among them, before, between and after",
        &[b"hello <update> junk\r\n", b"\xff\xfe<Ack>", b"trailing junk"],
        &[Message::Update, Message::Ack],
    )
    .await?;
    expect_messages(
        "a stray `>` outside tokens",
        &[b"x>y<update>>"],
        &[Message::Update],
    )
    .await
}

pub(crate) async fn token_limit() -> Outcome {
    let text = vec![b'a'; MAX_TOKEN];
    let mut longest = BytesMut::new();
    longest.extend_from_slice(b"<");
    longest.extend_from_slice(&text);
    longest.extend_from_slice(b">");
    let (got, error) = decode_all(&mut longest);
    let expected = Message::Other(String::from_utf8_lossy(&text).into_owned());
    if got != [expected] || error.is_some() {
        let error = error.map(|e| format!("the error \"{e}\"")).unwrap_or_default();
        return fail(format!(
            "decode on a token of exactly {MAX_TOKEN} bytes of text: expected \
             `Other(\"aaa…\")`, got {} messages {error}",
            got.len()
        ));
    }
    let mut too_long = BytesMut::new();
    too_long.extend_from_slice(b"<");
    too_long.extend_from_slice(&[b'a'; MAX_TOKEN + 1]);
    too_long.extend_from_slice(b">");
    if let (got, None) = decode_all(&mut too_long) {
        return fail(format!(
            "decode on a token of {} bytes of text: expected an error, got {} messages and no error",
            MAX_TOKEN + 1,
            got.len()
        ));
    }
    // Without its `>`: the error must come as soon as the text is too long, not when (if ever)
    // the `>` comes.
    let mut unfinished = BytesMut::new();
    unfinished.extend_from_slice(b"<update><");
    unfinished.extend_from_slice(&text);
    let (got, error) = decode_all(&mut unfinished);
    if got != [Message::Update] || error.is_some() {
        return fail(format!(
            "decode on `<update>` then `<` and {MAX_TOKEN} bytes (no `>` yet): expected `Update`, \
             then `Ok(None)` (the token may still end); got {got:?} {error:?}"
        ));
    }
    unfinished.extend_from_slice(b"a");
    if let (got, None) = decode_all(&mut unfinished) {
        return fail(format!(
            "decode on `<` and {} bytes without `>`: expected an error at once (the token is \
             already too long), got {got:?} and no error",
            MAX_TOKEN + 1
        ));
    }
    Ok(())
}

pub(crate) async fn junk_bounded() -> Outcome {
    // 1 MiB without `<`, 64 KiB at a time, as reads would append it.
    let junk: Vec<u8> = (0..64 * 1024)
        .map(|i| match ((i * 7 + 3) % 256) as u8 {
            b'<' | b'>' => b'.',
            byte => byte,
        })
        .collect();
    let mut buf = BytesMut::new();
    for _ in 0..16 {
        buf.extend_from_slice(&junk);
        let (got, error) = decode_all(&mut buf);
        if !got.is_empty() || error.is_some() {
            return fail(format!(
                "decode on bytes without `<`: expected `Ok(None)`, got {got:?} {error:?}"
            ));
        }
        if buf.len() > MAX_TOKEN + 1 {
            return fail(format!(
                "after decode on 64 KiB without `<`, `buf` still holds {} bytes: expected bytes \
                 outside tokens to be dropped at once, or 1 MiB of them would all stay in memory",
                buf.len()
            ));
        }
    }
    buf.extend_from_slice(b"<update>");
    let (got, _) = decode_all(&mut buf);
    if got != [Message::Update] {
        return fail(format!(
            "decode on `<update>` after 1 MiB without `<`: expected `Update`, got {got:?}"
        ));
    }
    Ok(())
}
