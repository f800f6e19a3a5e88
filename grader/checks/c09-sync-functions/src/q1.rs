//! Q1, `hello_world()`: its value, and that it is complete at its first poll (`now_or_never`,
//! which pins the future itself: the signature does not promise `Unpin`, and no check needs it).

use crate::support::within;
use challenge::hello_world;
use harness::futures::FutureExt;
use harness::{Outcome, expect_eq, fail};

pub(crate) async fn value() -> Outcome {
    let got = within("hello_world().await", hello_world()).await?;
    expect_eq("hello_world().await", "Hello World", got)
}

pub(crate) async fn ready() -> Outcome {
    // Only the readiness is judged here: the value is `q1-value`'s point.
    if hello_world().now_or_never().is_none() {
        fail!(
            "hello_world() was still pending at its first poll: expected a future that is already \
             complete, like Twisted's `succeed`, not one that waits for something"
        );
    }
    Ok(())
}
