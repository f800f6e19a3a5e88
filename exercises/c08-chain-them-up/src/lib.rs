//! # Challenge 8: Chain them up
//!
//! Three stages, d1 → d2 → d3: when a stage fires, it prints what it got, and the next stage must
//! fire with its outcome — a value on the success path or a failure on the error path. Read
//! `README.md` first; check your work with `cargo test -p c08-chain-them-up`.
//!
//! Given, in `src/given.rs`: a small [`Deferred`] (Twisted's, reduced to what this challenge needs,
//! with [`Deferred::chain_deferred`]), the [`Transcript`] the stages print to, the [`Failure`] that
//! travels on the error path, the three printing [`stages`], and the original's way of linking
//! them, [`link_like_the_original`].

mod given;

pub use given::{Deferred, Failure, Outcome, Transcript, link_like_the_original, stages};

/// Q1: links d1 to d2 and d2 to d3 with **one call per link**, so that when d1 fires, d2 fires with
/// d1's outcome and d3 with d2's — on the success path or on the error path, whichever it is on.
/// Nothing fires here: `d1.callback("test")` comes later, from the caller.
pub fn link(d1: &Deferred, d2: &Deferred, d3: &Deferred) {
    // TODO(Q1): replace the two `add_callbacks` of `link_like_the_original` with one call each —
    // which method of `Deferred` hands a stage's whole outcome to another stage?
    let _ = (d1, d2, d3);
    todo!("link d1 to d2, and d2 to d3")
}

/// Q2: the same links as [`link`], as **one expression**, whose value is the head of the chain (d1,
/// the stage to fire).
pub fn link_in_one<'a>(d1: &'a Deferred, d2: &Deferred, d3: &Deferred) -> &'a Deferred {
    // TODO(Q2): one expression that links d1 to d2 and d2 to d3, and is d1 — what does the linking
    // method return?
    let _ = (d1, d2, d3);
    todo!("link all three in one expression, and return d1")
}
