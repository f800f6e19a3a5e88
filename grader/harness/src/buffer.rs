//! A writer for learner code whose output a check reads: hand a clone to the code under test, keep
//! one, and read what was written with [`SharedBuffer::text`].

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

/// A `Write` whose clones share their bytes.
#[derive(Debug, Clone, Default)]
pub struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    pub fn new() -> SharedBuffer {
        SharedBuffer::default()
    }

    /// Everything written so far, decoded lossily.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_what_is_written() {
        let kept = SharedBuffer::new();
        let mut given = kept.clone();
        writeln!(given, "Person 1 said: Hello").unwrap();
        assert_eq!(kept.text(), "Person 1 said: Hello\n");
    }
}
