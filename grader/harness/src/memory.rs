//! How many heap bytes are live: an opt-in counting allocator, for checks of bounded memory.
//!
//! A checks crate that wants it installs the allocator in its own binaries:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: harness::memory::Counting = harness::memory::Counting;
//! ```
//!
//! and a check compares [`live_bytes`] before and after a long run: memory that grows with every
//! message (a set of every sequence number ever seen, say) shows up as growth proportional to the
//! run, where bounded state stays flat. The count is process-wide, but the runner runs one check at
//! a time, so between two readings it is the check's own and the learner code's. Keep the check's
//! own bookkeeping flat during the measurement (turn the network's recording off, for one).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// Live bytes allocated through [`Counting`]; 0 until the first allocation, so 0 means "not
/// installed".
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting the bytes it has handed out and not yet had back.
pub struct Counting;

// SAFETY: every call is forwarded to `System` unchanged; the counter only observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as ours.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as ours.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        }
        new
    }
}

/// The heap bytes live right now, or `None` when this binary does not use [`Counting`] as its
/// global allocator (a check should then fail saying so, not pass).
pub fn live_bytes() -> Option<usize> {
    match LIVE.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n.max(0) as usize),
    }
}
