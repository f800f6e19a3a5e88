//! What the checks share: reproducible bytes, and reading log events.

use harness::logs::{LogEvent, Logs};
use harness::tracing::Level;
use harness::{Outcome, fail};

/// `len` pseudo-random bytes from `seed` (xorshift64*): the same bytes on every run and machine.
pub(crate) fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// Compares an echo with what was sent; the failure names the first byte that differs.
pub(crate) fn same_bytes(what: &str, sent: &[u8], got: &[u8]) -> Outcome {
    if sent == got {
        return Ok(());
    }
    let common = sent.len().min(got.len());
    match (0..common).find(|&i| sent[i] != got[i]) {
        Some(i) => fail(format!(
            "{what}: expected the {} bytes sent back unchanged, got byte {i} as {:#04x} instead of \
             {:#04x} (bytes lost, reordered or altered?)",
            sent.len(),
            got[i],
            sent[i]
        )),
        None => fail(format!(
            "{what}: expected the {} bytes sent back unchanged, got {} bytes (the first {common} \
             right)",
            sent.len(),
            got.len()
        )),
    }
}

/// The events whose message starts with `prefix`, in order.
pub(crate) fn starting_with(logs: &Logs, prefix: &str) -> Vec<LogEvent> {
    logs.events()
        .into_iter()
        .filter(|e| e.message.starts_with(prefix))
        .collect()
}

/// Fails unless `event` is at INFO and has the field `name` equal to `value`.
pub(crate) fn expect_field(event: &LogEvent, name: &str, value: &str) -> Outcome {
    if event.level != Level::INFO {
        return fail(format!(
            "expected the log event {:?} at INFO, got it at {}",
            event.message, event.level
        ));
    }
    match event.field(name) {
        Some(got) if got == value => Ok(()),
        Some(got) => fail(format!(
            "expected the log event {:?} to have the field `{name}` = {value:?}, got {got:?}",
            event.message
        )),
        None => fail(format!(
            "expected the log event {:?} to have the field `{name}` = {value:?} (as in \
             `info!({name} = …, \"…\")`), got {}",
            event.message,
            if event.fields.is_empty() {
                "no field at all".to_string()
            } else {
                format!("only {event}")
            }
        )),
    }
}
