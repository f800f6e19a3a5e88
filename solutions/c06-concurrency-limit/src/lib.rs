//! Challenge 6: a concurrency limit — DeferredSemaphore as tokio's Semaphore (work in progress).
