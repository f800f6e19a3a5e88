//! Challenge 7: cancel on timeout — addTimeout as tokio::time::timeout and dropping a future (work in progress).
