//! What Q1's and Q2's checks share: the two ways of linking, the printing stages, and the checks
//! both questions make of their links (the lines, the error path, the relay from d2 to d3).

use challenge::{Deferred, Failure, Outcome as StageOutcome, Transcript, link, link_in_one, stages};
use harness::{Outcome, SharedBuffer, ensure, fail};

/// Which of the learner's functions links the stages.
#[derive(Clone, Copy)]
pub(crate) enum Question {
    /// `link(d1, d2, d3)`
    Q1,
    /// `link_in_one(d1, d2, d3)`, whose value is ignored here (`q2-head` checks it)
    Q2,
}

impl Question {
    /// Links the stages with the learner's function; fails if that fired one of them (firing it
    /// again would only panic with "already fired").
    pub(crate) fn link(self, d1: &Deferred, d2: &Deferred, d3: &Deferred) -> Outcome {
        match self {
            Question::Q1 => link(d1, d2, d3),
            Question::Q2 => {
                let _head = link_in_one(d1, d2, d3);
            }
        }
        if let Some(n) = [d1, d2, d3].iter().position(|d| d.has_fired()) {
            fail!(
                "d{} has fired during {}: linking must not fire anything (the caller fires d1)",
                n + 1,
                self.name()
            );
        }
        Ok(())
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Question::Q1 => "link",
            Question::Q2 => "link_in_one",
        }
    }
}

/// The given printing stages, writing into a fresh buffer, and the buffer.
pub(crate) fn printing_stages() -> ((Deferred, Deferred, Deferred), SharedBuffer) {
    let buffer = SharedBuffer::default();
    (stages(&Transcript::new(buffer.clone())), buffer)
}

/// The three lines that firing d1 with `shown` must print.
pub(crate) fn lines_for(shown: &str) -> String {
    (1..=3).map(|n| format!("print from d{n}:  {shown}\n")).collect()
}

/// Fails unless the transcript is exactly `expected`.
pub(crate) fn expect_transcript(what: &str, expected: &str, got: &str) -> Outcome {
    if got == expected {
        return Ok(());
    }
    let want: Vec<&str> = expected.lines().collect();
    let lines: Vec<&str> = got.lines().collect();
    if lines == want {
        fail!("{what}: expected {expected:?}, got {got:?}");
    }
    fail!("{what}: expected the lines {want:?}, got {lines:?}")
}

/// Fails if something was printed or a stage fired while linking.
pub(crate) fn expect_quiet(what: &str, said: &SharedBuffer, stages: [&Deferred; 3]) -> Outcome {
    let text = said.text();
    ensure!(
        text.is_empty(),
        "{what} printed {:?} before d1 was fired: linking must not fire anything",
        text.lines().collect::<Vec<_>>()
    );
    if let Some(n) = stages.iter().position(|d| d.has_fired()) {
        fail!(
            "d{} has fired during {what}: linking must not fire anything (the caller fires d1)",
            n + 1
        );
    }
    Ok(())
}

/// Firing d1 with `test` prints the three lines, in order.
pub(crate) async fn three_lines(question: Question) -> Outcome {
    let ((d1, d2, d3), said) = printing_stages();
    question.link(&d1, &d2, &d3)?;
    d1.callback("test");
    expect_transcript(
        &format!("after {} and d1.callback(\"test\")", question.name()),
        &lines_for("test"),
        &said.text(),
    )
}

/// A failure at d1 prints the three lines, and d2 and d3 end on their error paths with it.
pub(crate) async fn errors_reach_the_end(question: Question) -> Outcome {
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
            Some(Ok(value)) => fail!(
                "{name} ended on the success path with Ok({value:?}): the failure went to its \
                 callback, not its errback"
            ),
            other => fail!("after a failure at d1, {name} should hold Err({boom:?}), it holds {other:?}"),
        }
    }
    Ok(())
}

/// d3 gets d2's outcome: on the success path, where d2 changes the value, and on the error path,
/// where d2 takes care of the failure. The values differ from the `test` and `boom` of the other
/// checks, so that an answer that spells them out cannot pass.
pub(crate) async fn relay(question: Question) -> Outcome {
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
    let name = question.name();
    let Some(got) = got else {
        fail!("with {name}, when {setup}, d3 must get d2's outcome {from_d2:?}; d3 never fired");
    };
    if got == from_d2 {
        return Ok(());
    }
    let cause = if got == from_d1 {
        ": that is d1's outcome, so d3 is linked to d1 rather than to d2"
    } else {
        ""
    };
    fail!("with {name}, when {setup}, d3 must get d2's outcome {from_d2:?}; it got {got:?}{cause}")
}
