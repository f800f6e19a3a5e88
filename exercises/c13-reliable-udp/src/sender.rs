//! Q1: the sending side.

#[allow(unused_imports)] // what the answer uses
use {
    crate::link::{InFlight, Input, Link, Outgoing, SendError},
    crate::outage::outage,
    crate::wire::{MAX_PAYLOAD, WINDOW},
    std::collections::VecDeque,
    tokio::time::{Instant, sleep_until},
};

/// Q1: sends the messages to one destination (`link.to`) and makes sure each is acknowledged.
///
/// - Takes the messages in order from `link.next(take_messages)`, which gives acknowledgements
///   too. A payload over [`MAX_PAYLOAD`] bytes is answered `Err(SendError::TooLarge)` when it is
///   taken: at once while the window has room; while it is full, in its turn at the latest
///   (`link.next(false)` hands no message over). It is never sent, and it takes no number.
/// - Numbers them from `link.first_seq`, one more for each message (wrapping), and sends each
///   (`link.send(seq, &data)`), keeping it as an [`InFlight`] with when it was last sent
///   (`sent_at`: Q3 counts from it) and when to resend it (`deadline`).
/// - The first message goes alone; once `link.to` has acknowledged a message in flight, every
///   message whose number is less than [`WINDOW`] ahead of the oldest unacknowledged one is sent
///   at once.
/// - An acknowledgement completes the message with that sequence number
///   (`done.send(Ok(()))`); others (stale, duplicated, unknown) change nothing: nothing completes,
///   the window does not open, no timer moves.
/// - Each message has its own timer: one not acknowledged `retry_timeout` after it was last sent
///   is sent again, up to `retry_limit` times. When the last resend goes `retry_timeout` without
///   an acknowledgement, the destination is failing: hand over to [`outage`] (Q3) every message in
///   flight, with `resends`, `sent_at` and `deadline` up to date, then go on.
/// - Returns when the node is gone (`None` from the link).
pub async fn sender(link: Link) {
    // TODO(Q1): number the messages from `link.first_seq`, keep the unacknowledged ones
    // (`InFlight`, each with when it was sent and its deadline) and `select!` on `link.next(..)` and
    // `sleep_until(the earliest deadline)`. When a message has been resent `retry_limit` times
    // and its deadline passes again: `outage(&mut link, &mut in_flight).await`.
    let _ = link;
    todo!("send the messages and retry until they are acknowledged")
}
