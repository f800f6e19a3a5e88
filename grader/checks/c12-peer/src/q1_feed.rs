//! How Q1's checks drive a codec: one `PeerCodec::default()` per stream, as `FramedRead` keeps one,
//! fed the stream's bytes in pieces (every split, a byte at a time, seeded cuts), and judged after
//! every piece against what the protocol says the bytes so far hold.
//!
//! After each piece the driver calls `decode` until it gives `Ok(None)` or an error, as `FramedRead`
//! does after each read; at the end of the stream it calls `decode_eof` the same way. A codec may keep
//! what it likes in its own fields: only one codec ever sees a stream, from its first byte to its end.

use challenge::codec::PeerCodec;
use challenge::message::{MAX_TOKEN, Message};
use harness::bytes::BytesMut;
use harness::futures::StreamExt;
use harness::io::{Chop, Cuts};
use harness::show_bytes;
use harness::tokio_util::codec::{Decoder, FramedRead};
use std::io;

/// More messages than any stream holds: a decoder that returns a message without taking its bytes
/// off the buffer would return it forever.
const RUNAWAY: usize = 2000;

/// The learner's codec, made as the stub's doc says: with `Default`, so that it may have fields.
#[allow(clippy::default_constructed_unit_structs)]
pub(crate) fn codec() -> PeerCodec {
    PeerCodec::default()
}

/// What a stream of bytes holds, by the protocol: each message with the offset just past its `>`,
/// and where (if anywhere) a token becomes too long.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    pub messages: Vec<(usize, Message)>,
    /// The byte count at which more than `MAX_TOKEN` bytes follow a `<` without a `>`: the error is
    /// due once that many bytes were fed, and nothing after it is decoded.
    pub too_long_at: Option<usize>,
    /// The stream ends inside a token (its `>` never came): at the end, an error or a clean end.
    pub cut_off: bool,
}

/// The protocol, as the spec says it: a token is a `<`, its text (any bytes but `>`), and the next
/// `>`; a text of more than `MAX_TOKEN` bytes is an error; bytes outside tokens are ignored.
pub(crate) fn expected(bytes: &[u8]) -> Expected {
    let mut messages = Vec::new();
    let mut at = 0;
    while let Some(lt) = bytes[at..].iter().position(|&b| b == b'<').map(|p| at + p) {
        match bytes[lt + 1..].iter().position(|&b| b == b'>') {
            Some(len) if len <= MAX_TOKEN => {
                let text = &bytes[lt + 1..lt + 1 + len];
                messages.push((lt + len + 2, Message::from_token(text)));
                at = lt + len + 2;
            }
            found => {
                let too_long = found.is_some() || bytes.len() - lt - 1 > MAX_TOKEN;
                return Expected {
                    messages,
                    too_long_at: too_long.then_some(lt + 1 + MAX_TOKEN + 1),
                    cut_off: !too_long,
                };
            }
        }
    }
    Expected {
        messages,
        too_long_at: None,
        cut_off: false,
    }
}

/// The pieces of `bytes` as a sentence: `b"<upd", b"ate>"`, or their sizes when long.
pub(crate) fn shown(pieces: &[&[u8]]) -> String {
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    if total <= 80 && pieces.len() <= 12 {
        let each: Vec<String> = pieces.iter().map(|p| show_bytes(p)).collect();
        return format!("the reads {}", each.join(", "));
    }
    let whole: Vec<u8> = pieces.concat();
    let sizes: Vec<String> = pieces.iter().take(6).map(|p| p.len().to_string()).collect();
    let more = if pieces.len() > 6 { ", …" } else { "" };
    format!(
        "{} in {} reads of {}{more} bytes",
        show_bytes(&whole),
        pieces.len(),
        sizes.join(", ")
    )
}

/// Feeds `pieces` (one read each) to one codec and judges it after every piece against
/// [`expected`] of their bytes; `Err` says what went wrong, `Ok` gives the messages.
pub(crate) fn feed(pieces: &[&[u8]]) -> Result<Vec<Message>, String> {
    let whole: Vec<u8> = pieces.concat();
    let want = expected(&whole);
    let mut codec = codec();
    let mut buf = BytesMut::new();
    let mut got: Vec<Message> = Vec::new();
    let mut fed = 0;
    for (i, piece) in pieces.iter().enumerate() {
        buf.extend_from_slice(piece);
        fed += piece.len();
        let so_far = || shown(&pieces[..=i]);
        let error = drain(&mut got, |buf| codec.decode(buf), &mut buf)
            .map_err(|e| e.replace("{reads}", &so_far()))?;
        let due: Vec<Message> = want
            .messages
            .iter()
            .filter(|(end, _)| *end <= fed)
            .map(|(_, m)| m.clone())
            .collect();
        judge(&got, &due, &so_far())?;
        match (error, want.too_long_at) {
            (Some(e), Some(at)) if fed >= at => {
                if e.kind() != io::ErrorKind::InvalidData {
                    return Err(format!(
                        "after {}, `decode` refused the token that is too long with an error of kind \
                         {:?} (\"{e}\"); expected the kind `InvalidData` (the codec's doc says so)",
                        so_far(),
                        e.kind()
                    ));
                }
                return Ok(got);
            }
            (Some(e), _) => {
                return Err(format!(
                    "after {}, `decode` gave the error \"{e}\"; expected {} and no error{}",
                    so_far(),
                    listed(&due),
                    if want.too_long_at.is_some() {
                        format!(
                            " yet (no more than {MAX_TOKEN} bytes follow the `<` so far: a text of \
                             {MAX_TOKEN} bytes is allowed)"
                        )
                    } else {
                        String::new()
                    }
                ));
            }
            (None, Some(at)) if fed >= at => {
                return Err(format!(
                    "after {}, more than {MAX_TOKEN} bytes follow a `<` without a `>` (or the `>` \
                     came too late); expected `decode` to give an error now, got {} and no error",
                    so_far(),
                    listed(&got)
                ));
            }
            (None, _) => {}
        }
    }
    // The end of the stream: `FramedRead` calls `decode_eof` until it gives `Ok(None)`.
    let all = shown(pieces);
    let error =
        drain(&mut got, |buf| codec.decode_eof(buf), &mut buf).map_err(|e| e.replace("{reads}", &all))?;
    let every: Vec<Message> = want.messages.iter().map(|(_, m)| m.clone()).collect();
    judge(&got, &every, &format!("{all} and the end of the stream"))?;
    match error {
        Some(_) if want.cut_off => Ok(got),
        Some(e) => Err(format!(
            "after {all}, at the end of the stream `decode_eof` gave the error \"{e}\"; expected {} \
             and a clean end: bytes outside tokens are ignored, so none may be left in `buf` \
             (`decode_eof` fails when `decode` leaves bytes it will never use)",
            listed(&every)
        )),
        None => Ok(got),
    }
}

/// Whether the learner's codec, fed `bytes` in one read, gives an error.
pub(crate) fn refuses(bytes: &[u8]) -> bool {
    let mut codec = codec();
    let mut buf = BytesMut::from(bytes);
    matches!(
        drain(&mut Vec::new(), |buf| codec.decode(buf), &mut buf),
        Ok(Some(_))
    )
}

/// Calls `step` until it gives `Ok(None)` or an error (returned), pushing the messages.
fn drain(
    got: &mut Vec<Message>,
    mut step: impl FnMut(&mut BytesMut) -> Result<Option<Message>, io::Error>,
    buf: &mut BytesMut,
) -> Result<Option<io::Error>, String> {
    loop {
        match step(buf) {
            Ok(Some(message)) => {
                got.push(message);
                if got.len() > RUNAWAY {
                    return Err(format!(
                        "after {{reads}}, `decode` gave more than {RUNAWAY} messages, starting with \
                         {:?}: does it take each token's bytes off `buf` (`split_to`)?",
                        &got[..3]
                    ));
                }
            }
            Ok(None) => return Ok(None),
            Err(e) => return Ok(Some(e)),
        }
    }
}

/// Expects the messages decoded so far to be exactly those whose `>` has been read.
fn judge(got: &[Message], due: &[Message], after: &str) -> Result<(), String> {
    if got == due {
        return Ok(());
    }
    if got.len() < due.len() && due.starts_with(got) {
        return Err(format!(
            "after {after}, `decode` gave {} then `Ok(None)`; expected {}: `Ok(None)` asks for more \
             bytes, and a peer that waits for the answer to {:?} sends none (decode every whole \
             token in `buf` before asking for more)",
            listed(got),
            listed(due),
            due[got.len()]
        ));
    }
    Err(format!(
        "after {after}, `decode` gave {}; expected {}",
        listed(got),
        listed(due)
    ))
}

/// Messages for a sentence: `[Update, Ack]`, `no message`, or the first few of many.
pub(crate) fn listed(messages: &[Message]) -> String {
    let short = |m: &Message| match m {
        Message::Other(text) if text.len() > 24 => {
            format!(
                "Other(\"{}…\" ({} bytes))",
                text.chars().take(12).collect::<String>(),
                text.len()
            )
        }
        other => format!("{other:?}"),
    };
    match messages {
        [] => "no message".to_string(),
        _ if messages.len() > 8 => format!(
            "{} messages: [{}, …]",
            messages.len(),
            messages[..4].iter().map(short).collect::<Vec<_>>().join(", ")
        ),
        _ => format!("[{}]", messages.iter().map(short).collect::<Vec<_>>().join(", ")),
    }
}

/// Every way to cut `bytes` in two (at every byte; past 200 bytes, at every byte of the first and
/// last 40 and at every 37th in between), then one byte per read.
pub(crate) fn splits(bytes: &[u8]) -> Vec<Vec<&[u8]>> {
    let len = bytes.len();
    let cut = |at: &usize| len <= 200 || *at <= 40 || *at >= len - 40 || at.is_multiple_of(37);
    let mut all: Vec<Vec<&[u8]>> = (1..len)
        .filter(cut)
        .map(|at| vec![&bytes[..at], &bytes[at..]])
        .collect();
    all.push(bytes.chunks(1).collect());
    all
}

/// Feeds `bytes` whole, cut in two at every byte, and a byte at a time.
pub(crate) fn feed_every_way(bytes: &[u8]) -> Result<Vec<Message>, String> {
    let got = feed(&[bytes])?;
    for pieces in splits(bytes) {
        feed(&pieces)?;
    }
    Ok(got)
}

/// `FramedRead` over `bytes` read through [`Chop`] (reads of 1–7 bytes, spurious wake-ups) with
/// seeds `seeds`: every run must give the messages the protocol says, and end as it says.
pub(crate) async fn framed_chopped(bytes: &[u8], seeds: std::ops::Range<u64>) -> Result<(), String> {
    let want = expected(bytes);
    let every: Vec<Message> = want.messages.iter().map(|(_, m)| m.clone()).collect();
    for seed in seeds {
        let reader = Chop::new(bytes, Cuts::fine(seed));
        let mut framed = FramedRead::new(reader, codec());
        let mut got = Vec::new();
        let mut error = None;
        while let Some(item) = framed.next().await {
            match item {
                Ok(message) => got.push(message),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
            if got.len() > RUNAWAY {
                return Err(format!(
                    "`FramedRead` over {} gave more than {RUNAWAY} messages: does `decode` take \
                     each token's bytes off `buf`?",
                    show_bytes(bytes)
                ));
            }
        }
        let what = format!(
            "`FramedRead` with your codec over {}, read 1 to 7 bytes at a time (cuts of seed {seed})",
            show_bytes(bytes)
        );
        if got != every {
            return Err(format!(
                "{what} gave {}; expected {}",
                listed(&got),
                listed(&every)
            ));
        }
        match error {
            Some(e) if !(want.cut_off || want.too_long_at.is_some()) => {
                return Err(format!(
                    "{what} gave {} then the error \"{e}\"; expected a clean end",
                    listed(&got)
                ));
            }
            None if want.too_long_at.is_some() => {
                return Err(format!(
                    "{what} gave {} and no error; expected an error",
                    listed(&got)
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
