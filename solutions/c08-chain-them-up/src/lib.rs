//! # Challenge 8: Chain them up — reference solution
//!
//! Three stages, d1 → d2 → d3: when a stage fires, it prints what it got, and the next stage must
//! fire with its outcome — a value on the success path or a failure on the error path. The
//! question is in `exercises/c08-chain-them-up/README.md`.
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
    // `chain_deferred` hands the whole outcome on, value or failure, in one call: no pair of
    // closures to keep in step (the original's second link sent failures to d3's callback).
    // Each link sits after the stage's own printing step, so d2 gets what d1 printed, and d3 gets
    // d2's outcome — not d1's.
    d1.chain_deferred(d2);
    d2.chain_deferred(d3);
}

/// Q2: the same links as [`link`], as **one expression**, whose value is the head of the chain (d1,
/// the stage to fire).
pub fn link_in_one<'a>(d1: &'a Deferred, d2: &Deferred, d3: &Deferred) -> &'a Deferred {
    // `chain_deferred` returns the stage it was called on, so the inner call links d2 to d3 and is
    // d2, which the outer call links to d1, and the whole expression is d1. (Chaining the calls
    // instead, `d1.chain_deferred(d2).chain_deferred(d3)`, would link d1 to both: d3 would get
    // d1's outcome, not d2's.)
    d1.chain_deferred(d2.chain_deferred(d3))
}
