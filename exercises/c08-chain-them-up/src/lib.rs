//! Challenge 8: chain them up — chaining deferreds so an outcome flows into the next stage (work in progress).
