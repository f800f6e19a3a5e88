//! Q3: never drop a message.

use crate::link::{InFlight, Input, Link};
use std::collections::VecDeque;
use tokio::time::{Instant, sleep_until};

/// Q3: `link.to` left a message unacknowledged through all its retries. Called by [`sender`]
/// (Q1) `retry_timeout` after that message's last resend, with every message still in flight.
///
/// - Report the failure once (`link.report_failure()`), now.
/// - Drop nothing: keep resending every message in flight, in sequence order, with waits that
///   double, counted from the last send of any of them (the latest `sent_at`): 2 ×
///   `retry_timeout`, 4 ×, 8 × … but never more than `max_backoff` (with the defaults: 60 s,
///   120 s, 240 s, 300 s, 300 s …), however long it lasts.
/// - Return as soon as `link.to` acknowledges a message in flight (complete that one; other
///   numbers change nothing), leaving the others for [`sender`] to retry normally: a fresh set of
///   `retry_limit` resends each (`resends = 0`), `retry_timeout` after the last round (`sent_at`,
///   `deadline`; if that has passed, they are resent at once). New messages wait in their queue
///   (`link.next(false)`). Return too when the node is gone (`None`).
///
/// [`sender`]: crate::sender::sender
pub async fn outage(link: &mut Link, in_flight: &mut VecDeque<InFlight>) {
    let timeout = link.config.retry_timeout;
    link.report_failure();
    let mut last_send = in_flight
        .iter()
        .map(|m| m.sent_at)
        .max()
        .unwrap_or_else(Instant::now);
    let mut wait = (timeout * 2).min(link.config.max_backoff);
    loop {
        tokio::select! {
            input = link.next(false) => {
                let Some(Input::Ack(seq)) = input else { return };
                if let Some(i) = in_flight.iter().position(|m| m.seq == seq)
                    && let Some(message) = in_flight.remove(i)
                {
                    let _ = message.done.send(Ok(()));
                    // The destination is back: a fresh round of retries for the others.
                    for message in in_flight.iter_mut() {
                        message.resends = 0;
                        message.sent_at = last_send;
                        message.deadline = last_send + timeout;
                    }
                    return;
                }
            }
            () = sleep_until(last_send + wait) => {
                last_send += wait;
                for message in in_flight.iter() {
                    link.send(message.seq, &message.data).await;
                }
                wait = (wait * 2).min(link.config.max_backoff);
            }
        }
    }
}
