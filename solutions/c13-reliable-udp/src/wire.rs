//! Given: the datagrams two nodes exchange. Fixed, so that any two nodes interoperate.
//!
//! - a message: `W` + its sequence number (8 bytes, big-endian) + the payload;
//! - an acknowledgement: `A` + the sequence number of the message it acknowledges.
//!
//! Anything else is ignored.

use bytes::{BufMut, Bytes, BytesMut};

/// The largest payload `send_message` accepts: one message keeps within one packet.
pub const MAX_PAYLOAD: usize = 1200;

/// How many messages to one destination may be unacknowledged at once, and how far ahead of the
/// next message it expects a receiver keeps messages that came early.
pub const WINDOW: u64 = 32;

/// A datagram, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// `W`: a message with its sequence number.
    Message { seq: u64, payload: Bytes },
    /// `A`: the acknowledgement of the message with this sequence number.
    Ack { seq: u64 },
}

/// Reads a datagram; `None` for anything that is not a well-formed frame.
pub fn parse(datagram: &[u8]) -> Option<Frame> {
    let (&kind, rest) = datagram.split_first()?;
    let seq = u64::from_be_bytes(rest.get(..8)?.try_into().ok()?);
    match kind {
        b'W' if rest.len() - 8 <= MAX_PAYLOAD => Some(Frame::Message {
            seq,
            payload: Bytes::copy_from_slice(&rest[8..]),
        }),
        b'A' if rest.len() == 8 => Some(Frame::Ack { seq }),
        _ => None,
    }
}

/// The datagram of a message.
pub fn message(seq: u64, payload: &[u8]) -> Bytes {
    let mut frame = BytesMut::with_capacity(9 + payload.len());
    frame.put_u8(b'W');
    frame.put_u64(seq);
    frame.put_slice(payload);
    frame.freeze()
}

/// The datagram of an acknowledgement.
pub fn ack(seq: u64) -> Bytes {
    let mut frame = BytesMut::with_capacity(9);
    frame.put_u8(b'A');
    frame.put_u64(seq);
    frame.freeze()
}
