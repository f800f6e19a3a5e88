//! Q3: never drop a message.

use crate::link::{InFlight, Link};
use std::collections::VecDeque;
#[allow(unused_imports)] // what the answer uses too
use {
    crate::link::Input,
    tokio::time::{Instant, sleep_until},
};

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
    // TODO(Q3): report once; then a loop that `select!`s on `link.next(false)` and
    // `sleep_until(last_send + wait)`, doubling `wait` up to `max_backoff`.
    let _ = (link, in_flight);
    todo!("keep the messages and retry with capped backoff")
}
