//! Q1: the peer protocol's framing, as a `tokio_util` codec.

use crate::message::{MAX_TOKEN, Message};
use bytes::{Buf, BufMut, BytesMut};
use std::io;
use tokio_util::codec::{Decoder, Encoder};

/// The codec of the peer protocol: `FramedRead::new(stream, PeerCodec::default())` turns a byte
/// stream into [`Message`]s, and `FramedWrite` (or `Framed`) turns messages into bytes.
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
    /// - A text longer than [`MAX_TOKEN`] bytes is an error (`InvalidData`), returned as soon as
    ///   more than [`MAX_TOKEN`] bytes follow a `<` without a `>`.
    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Message>, io::Error> {
        // Whatever comes before the first `<` is outside any token: drop it now, so that a peer
        // that never sends `<` cannot make the buffer grow.
        let Some(start) = buf.iter().position(|&b| b == b'<') else {
            buf.clear();
            return Ok(None);
        };
        buf.advance(start);
        // `buf` starts with `<`. Only the first MAX_TOKEN + 1 bytes after it can hold the `>`.
        let window = &buf[1..buf.len().min(MAX_TOKEN + 2)];
        match window.iter().position(|&b| b == b'>') {
            Some(len) => {
                let token = buf.split_to(len + 2);
                Ok(Some(Message::from_token(&token[1..=len])))
            }
            // More than MAX_TOKEN bytes of text and still no `>`: waiting longer would only
            // buffer more of a token that is refused anyway.
            None if window.len() > MAX_TOKEN => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("a token longer than {MAX_TOKEN} bytes"),
            )),
            None => Ok(None),
        }
    }
}

impl Encoder<Message> for PeerCodec {
    type Error = io::Error;

    /// Q1: appends `message` to `buf` as a token: `<`, its [`Message::text`], `>`.
    fn encode(&mut self, message: Message, buf: &mut BytesMut) -> Result<(), io::Error> {
        let text = message.text().as_bytes();
        buf.reserve(text.len() + 2);
        buf.put_u8(b'<');
        buf.put_slice(text);
        buf.put_u8(b'>');
        Ok(())
    }
}
