//! Q1: the sending side.

use crate::link::{InFlight, Input, Link, Outgoing, SendError};
use crate::outage::outage;
use crate::wire::{MAX_PAYLOAD, WINDOW};
use std::collections::VecDeque;
use tokio::time::{Instant, sleep_until};

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
pub async fn sender(mut link: Link) {
    let timeout = link.config.retry_timeout;
    let mut next_seq = link.first_seq;
    // In sequence order, oldest first.
    let mut in_flight: VecDeque<InFlight> = VecDeque::new();
    // Until the destination has acknowledged a message, it does not know where our numbers start:
    // a later message arriving first would look like the start, and the first one like an old
    // duplicate. So the first message goes alone.
    let mut answered = false;
    loop {
        // The window: a new message only if its number is less than WINDOW ahead of the oldest
        // unacknowledged one, which is as far ahead as a receiver keeps messages.
        let room = match in_flight.front() {
            None => true,
            Some(oldest) => answered && next_seq.wrapping_sub(oldest.seq) < WINDOW,
        };
        let deadline = in_flight.iter().map(|m| m.deadline).min();
        tokio::select! {
            input = link.next(room) => match input {
                None => return,
                Some(Input::Message(Outgoing { data, done })) => {
                    if data.len() > MAX_PAYLOAD {
                        let _ = done.send(Err(SendError::TooLarge { len: data.len() }));
                        continue;
                    }
                    let seq = next_seq;
                    next_seq = next_seq.wrapping_add(1);
                    link.send(seq, &data).await;
                    let sent_at = Instant::now();
                    let deadline = sent_at + timeout;
                    in_flight.push_back(InFlight { seq, data, done, resends: 0, sent_at, deadline });
                }
                Some(Input::Ack(seq)) => {
                    // Match by sequence number: with several messages in flight, the address
                    // alone does not say which one arrived (the seed's bug).
                    if let Some(i) = in_flight.iter().position(|m| m.seq == seq)
                        && let Some(message) = in_flight.remove(i)
                    {
                        // The application may have stopped waiting: not our concern.
                        let _ = message.done.send(Ok(()));
                        answered = true;
                    }
                }
            },
            () = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                let now = Instant::now();
                let limit = link.config.retry_limit;
                if in_flight.iter().any(|m| m.deadline <= now && m.resends >= limit) {
                    // Retries exhausted: the destination is not answering. Q3 keeps the messages
                    // and returns when it answers again.
                    outage(&mut link, &mut in_flight).await;
                    continue;
                }
                for message in in_flight.iter_mut().filter(|m| m.deadline <= now) {
                    link.send(message.seq, &message.data).await;
                    message.resends += 1;
                    message.sent_at = now;
                    message.deadline = now + timeout;
                }
            }
        }
    }
}
