//! Q1: the peer protocol's framing, as a `tokio_util` codec.

use crate::message::Message;
use bytes::BytesMut;
use std::io;
use tokio_util::codec::{Decoder, Encoder};

/// The codec of the peer protocol: `FramedRead::new(stream, PeerCodec::default())` turns a byte
/// stream into [`Message`]s, and `FramedWrite` (or `Framed`) turns messages into bytes. The checks
/// make it with `PeerCodec::default()`, one per stream as `FramedRead` keeps one: add fields if you
/// need state (and build it with `PeerCodec::default()` in your server and client too).
#[derive(Debug, Default, Clone)]
pub struct PeerCodec;

impl Decoder for PeerCodec {
    type Item = Message;
    type Error = io::Error;

    /// Q1: takes the next token out of `buf`, as [`Message::from_token`] of its text.
    ///
    /// - A token is a `<`, its text (any bytes but `>`), and the next `>`. A token may arrive
    ///   split across reads (then `Ok(None)`: wait for more) or with others in one read (one
    ///   message per call: `FramedRead` calls again). `Ok(None)` only when no whole token is left
    ///   in `buf`: a peer that waits for an answer sends no more bytes.
    /// - Bytes outside tokens are ignored, and dropped from `buf` at once: memory stays bounded
    ///   whatever a peer sends without `<`.
    /// - A text longer than [`MAX_TOKEN`](crate::message::MAX_TOKEN) bytes is an error
    ///   (`InvalidData`), returned as soon as more than `MAX_TOKEN` bytes follow a `<` without a `>`.
    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Message>, io::Error> {
        // TODO(Q1): find the first `<` (drop what comes before it: `Buf::advance`, `clear`), then
        // the next `>`; `split_to` takes a whole token off the front of `buf`.
        let _ = buf;
        todo!("decode the next <token>")
    }
}

impl Encoder<Message> for PeerCodec {
    type Error = io::Error;

    /// Q1: appends `message` to `buf` as a token: `<`, its [`Message::text`], `>`.
    fn encode(&mut self, message: Message, buf: &mut BytesMut) -> Result<(), io::Error> {
        // TODO(Q1): `BufMut::put_u8`, `put_slice`.
        let _ = (message, buf);
        todo!("encode a message as a <token>")
    }
}
