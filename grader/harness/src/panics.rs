//! Recording panics instead of printing them.
//!
//! Learner code panics on threads the check does not own (a spawned connection task, say), so a
//! global hook records every panic with its location; the runner looks at the record after each
//! check. `todo!()` panics with "not yet implemented", which is how a stub is told from a bug.

use std::panic::PanicHookInfo;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct PanicRecord {
    pub message: String,
    /// `exercises/c01-identity/src/q1.rs:20`
    pub location: String,
}

impl PanicRecord {
    pub fn is_todo(&self) -> bool {
        self.message.starts_with("not yet implemented")
    }
}

static RECORDED: Mutex<Vec<PanicRecord>> = Mutex::new(Vec::new());

/// Replaces the default hook (which prints "thread panicked at…") with a silent recorder.
/// `strip_prefix` is removed from the front of file paths.
pub fn install_recorder(strip_prefix: Option<String>) {
    std::panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "a panic with a non-text payload".to_string()
        };
        let location = info
            .location()
            .map(|l| {
                let file = l.file();
                let file = strip_prefix
                    .as_deref()
                    .and_then(|p| file.strip_prefix(p))
                    .unwrap_or(file);
                format!("{file}:{}", l.line())
            })
            .unwrap_or_else(|| "an unknown place".into());
        let record = PanicRecord { message, location };
        RECORDED.lock().unwrap_or_else(|e| e.into_inner()).push(record);
    }));
}

/// Whether anything panicked since the last [`take`].
pub fn any() -> bool {
    !RECORDED.lock().unwrap_or_else(|e| e.into_inner()).is_empty()
}

/// Takes (and clears) what was recorded since the last call.
pub fn take() -> Vec<PanicRecord> {
    std::mem::take(&mut *RECORDED.lock().unwrap_or_else(|e| e.into_inner()))
}
