//! Challenge 2: Deferred basics — callback chains vs async/await, against an HTTP server (work in progress).
