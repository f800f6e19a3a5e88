//! The checks of challenge 8, chain them up.
//!
//! The stages are synchronous (a stage fires its callbacks as soon as it is fired), so each check
//! builds three stages, links them with the learner's `link` or `link_in_one`, fires d1 and looks at
//! what was printed (a buffer handed in through `Transcript::new`) and where each stage ended up.
//! The relay checks use stages of their own, where d2 changes the outcome, to tell a chain
//! (d1 → d2 → d3) from a fan-out (d1 → d2 and d1 → d3), which prints the same three lines.

use challenge::{Deferred, Failure, Outcome as StageOutcome, Transcript, link, link_in_one, stages};
use harness::{Outcome, SharedBuffer, Suite, expect_eq, fail, paused};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            paused("q1-lines", || three_lines(Question::Q1)),
            paused("q1-quiet", quiet_until_fired),
            paused("q1-errors", || errors_reach_the_end(Question::Q1)),
            paused("q1-relay", || relay(Question::Q1)),
            paused("q2-head", head_is_d1),
            paused("q2-errors", || errors_reach_the_end(Question::Q2)),
            paused("q2-relay", || relay(Question::Q2)),
        ],
    )
}

/// Which of the learner's functions links the stages.
#[derive(Clone, Copy)]
enum Question {
    /// `link(d1, d2, d3)`
    Q1,
    /// `link_in_one(d1, d2, d3)`, whose value is ignored here (`q2-head` checks it)
    Q2,
}

impl Question {
    /// Links the stages with the learner's function; fails if that fired one of them (firing it
    /// again would only panic with "already fired").
    fn link(self, d1: &Deferred, d2: &Deferred, d3: &Deferred) -> Outcome {
        match self {
            Question::Q1 => link(d1, d2, d3),
            Question::Q2 => {
                let _head = link_in_one(d1, d2, d3);
            }
        }
        match [d1, d2, d3].iter().position(|d| d.has_fired()) {
            Some(n) => fail(format!(
                "d{} has fired during {}: linking must not fire anything (the caller fires d1)",
                n + 1,
                self.name()
            )),
            None => Ok(()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Question::Q1 => "link",
            Question::Q2 => "link_in_one",
        }
    }
}

/// The given printing stages, writing into a fresh buffer, and the buffer.
fn printing_stages() -> ((Deferred, Deferred, Deferred), SharedBuffer) {
    let buffer = SharedBuffer::default();
    (stages(&Transcript::new(buffer.clone())), buffer)
}

/// The three lines that firing d1 with `shown` must print.
fn lines_for(shown: &str) -> String {
    (1..=3).map(|n| format!("print from d{n}:  {shown}\n")).collect()
}

/// Fails unless the transcript is exactly `expected`.
fn expect_transcript(what: &str, expected: &str, got: &str) -> Outcome {
    if got == expected {
        return Ok(());
    }
    let want: Vec<&str> = expected.lines().collect();
    let lines: Vec<&str> = got.lines().collect();
    if lines == want {
        return fail(format!("{what}: expected {expected:?}, got {got:?}"));
    }
    fail(format!("{what}: expected the lines {want:?}, got {lines:?}"))
}

/// Fails if something was printed or a stage fired while linking.
fn expect_quiet(what: &str, said: &SharedBuffer, stages: [&Deferred; 3]) -> Outcome {
    let text = said.text();
    if !text.is_empty() {
        return fail(format!(
            "{what} printed {:?} before d1 was fired: linking must not fire anything",
            text.lines().collect::<Vec<_>>()
        ));
    }
    if let Some(n) = stages.iter().position(|d| d.has_fired()) {
        return fail(format!(
            "d{} has fired during {what}: linking must not fire anything (the caller fires d1)",
            n + 1
        ));
    }
    Ok(())
}

async fn three_lines(question: Question) -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    question.link(&d1, &d2, &d3)?;
    d1.callback("test");
    expect_transcript(
        &format!("after {} and d1.callback(\"test\")", question.name()),
        &lines_for("test"),
        &said.text(),
    )
}

async fn quiet_until_fired() -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    link(&d1, &d2, &d3);
    expect_quiet("link", &said, [&d1, &d2, &d3])
}

async fn errors_reach_the_end(question: Question) -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    question.link(&d1, &d2, &d3)?;
    let boom = Failure::new("boom");
    d1.errback(boom.clone());
    expect_transcript(
        &format!("after {} and d1.errback(Failure::new(\"boom\"))", question.name()),
        &lines_for(&boom.to_string()),
        &said.text(),
    )?;
    for (name, stage) in [("d2", &d2), ("d3", &d3)] {
        match stage.result() {
            Some(Err(failure)) if failure == boom => {}
            Some(Ok(value)) => {
                return fail(format!(
                    "{name} ended on the success path with Ok({value:?}): the failure went to its callback, \
                     not its errback"
                ));
            }
            other => {
                return fail(format!(
                    "after a failure at d1, {name} should hold Err({boom:?}), it holds {other:?}"
                ));
            }
        }
    }
    Ok(())
}

/// Checks that d3 gets d2's outcome: on the success path, where d2 changes the value, and on the
/// error path, where d2 takes care of the failure. The values differ from the `test` and `boom` of
/// the other checks, so that an answer that spells them out cannot pass.
async fn relay(question: Question) -> Outcome {
    let (d1, d2, d3) = (Deferred::new(), Deferred::new(), Deferred::new());
    d2.add_callback(|value| Ok(format!("{value}, passed on by d2")));
    question.link(&d1, &d2, &d3)?;
    d1.callback("ping");
    expect_d3(
        question,
        "d1 fires with `ping` and d2 turns it into `ping, passed on by d2`",
        (Ok("ping".into()), Ok("ping, passed on by d2".into())),
        d3.result(),
    )?;

    let (d1, d2, d3) = (Deferred::new(), Deferred::new(), Deferred::new());
    d2.add_errback(|failure| Ok(format!("d2 took care of {failure}")));
    question.link(&d1, &d2, &d3)?;
    d1.errback(Failure::new("jammed"));
    expect_d3(
        question,
        "d1 fails with `jammed` and d2 takes care of it",
        (
            Err(Failure::new("jammed")),
            Ok("d2 took care of [Failure: jammed]".into()),
        ),
        d3.result(),
    )
}

/// Fails unless d3 holds d2's outcome; `(d1's, d2's)` outcomes tell a fan-out from other mistakes.
fn expect_d3(
    question: Question,
    setup: &str,
    (from_d1, from_d2): (StageOutcome, StageOutcome),
    got: Option<StageOutcome>,
) -> Outcome {
    let Some(got) = got else {
        return fail(format!(
            "with {}, when {setup}, d3 must get d2's outcome {from_d2:?}; d3 never fired",
            question.name()
        ));
    };
    if got == from_d2 {
        return Ok(());
    }
    let cause = if got == from_d1 {
        ": that is d1's outcome, so d3 is linked to d1 rather than to d2"
    } else {
        ""
    };
    fail(format!(
        "with {}, when {setup}, d3 must get d2's outcome {from_d2:?}; it got {got:?}{cause}",
        question.name()
    ))
}

async fn head_is_d1() -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    let head = link_in_one(&d1, &d2, &d3).clone();
    expect_quiet("link_in_one", &said, [&d1, &d2, &d3])?;
    if !head.same_as(&d1) {
        let which = if head.same_as(&d2) {
            "d2"
        } else if head.same_as(&d3) {
            "d3"
        } else {
            "a stage that is none of the three"
        };
        return fail(format!(
            "link_in_one must return d1, the head of the chain; it returned {which}"
        ));
    }
    head.callback("test");
    expect_eq(
        "after firing what link_in_one returned with `test`, the transcript",
        lines_for("test"),
        said.text(),
    )
}
