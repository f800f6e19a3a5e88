//! Challenge 5: who got "yes" first — DeferredList and Failure as join_all, FuturesUnordered and errors (work in progress).
