//! Q2, what `get_first_yes` shows on the way: failed requests on `err`, each no through
//! `display_unexpected_answer`.
//!
//! What the display itself prints is Q3's answer: these checks first ask the learner's
//! `display_unexpected_answer` what it prints ([`displayed`]) and judge `get_first_yes` modulo that.

use crate::q2_first_yes::{expect_first, run_first_yes};
use crate::support::*;
use challenge::{AskError, ask, client};
use harness::serde_json::Value;
use harness::{Outcome, fail};

/// The `(JSON answer)` of each `received a No` line, in order; `None` when the next line is not JSON.
pub(crate) fn noes(out: &[String]) -> Vec<Option<String>> {
    out.iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == "received a No")
        .map(|(i, _)| {
            out.get(i + 1)
                .and_then(|l| harness::serde_json::from_str::<Value>(l).ok())
                .and_then(|v| v["answer"].as_str().map(str::to_string))
        })
        .collect()
}

pub(crate) async fn errors_skipped() -> Outcome {
    // The dropped connection (request 1) fails at once, the 500 (request 0) after 40 ms: the
    // indexes on `err` must be the requests', not the order of arrival. The yes comes well after.
    let routes = [Route::ServerError(40), Route::Dropped, Route::Answer("yes", 150)];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, Some(2))?;
    // What the given `ask` makes of the dropped connection: the error whose Display is expected.
    let dropped = match ask(
        &client().or_else(|e| fail(format!("no HTTP client: {e}")))?,
        &api.urls[1],
    )
    .await
    {
        Err(error @ AskError::Request(_)) => error,
        other => {
            return fail(format!(
                "the harness expected a dropped connection, got {other:?}"
            ));
        }
    };
    // `<error>` is the error's Display: exactly it for the 500; for the dropped connection, at
    // least reqwest's own message (its causes may word the hang-up differently from one try to
    // the next).
    let status = AskError::Status(500).to_string();
    let sending = match &dropped {
        AskError::Request(e) => e.to_string(),
        _ => dropped.to_string(),
    };
    let why = |i: usize| -> Option<&str> {
        let prefix = format!("request {i} failed: ");
        run.err.iter().find_map(|l| l.strip_prefix(&prefix))
    };
    let in_place = why(0).is_some_and(|w| w.contains("500")) && why(1).is_some_and(|w| !w.contains("500"));
    if !in_place {
        return fail(format!(
            "{scenario}: expected `request 0 failed: {status}` and `request 1 failed: {dropped}` (the \
             dropped connection) on `err`, each with its request's index, got {:?}",
            run.err
        ));
    }
    let displayed_ok = why(0) == Some(status.as_str()) && why(1).is_some_and(|w| w.starts_with(&sending));
    if !displayed_ok {
        let debug = run
            .err
            .iter()
            .any(|l| l.contains("Status(") || l.contains("Request("));
        fail!(
            "{scenario}: expected `request 0 failed: {status}` and `request 1 failed: {dropped}`, the \
             error being its message (`{{error}}`, its Display, as print_all shows it), got {:?}{}",
            run.err,
            if debug {
                " (is it the Debug form, `{error:?}`?)"
            } else {
                ""
            }
        );
    }
    // A failed request is not a no. Judged only when Q3's display prints nothing for these errors
    // (else the `received a No` comes from the display, and costs Q3's `errors-not-a-no`).
    let silent = |e: &AskError| displayed(e).is_some_and(|l| l.is_empty());
    if silent(&AskError::Status(500)) && silent(&dropped) && !noes(&run.out).is_empty() {
        return fail(format!(
            "{scenario}: expected no `received a No` (there is no no here: a failed request is not a \
             no), get_first_yes printed {:?}",
            run.out
        ));
    }
    Ok(())
}

pub(crate) async fn prints_each_no() -> Outcome {
    let routes = [
        Route::Answer("no", 0),
        Route::Answer("no", 30),
        Route::Answer("yes", 120),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    let before_yes = &run.out[..run.out.len().saturating_sub(1)];
    // What the learner's own display (Q3) prints for a no; the two noes of the run differ from it
    // only in their times, which `shape` ignores. Whether that display is right is Q3's business.
    let Some(block) = displayed(&AskError::UnexpectedAnswer(masked("no"))) else {
        // The display panics or fails: Q3's business, and nothing to look for here.
        return Ok(());
    };
    if block.is_empty() {
        // The display shows nothing for a no: there is nothing to look for.
        return Ok(());
    }
    let expected: Vec<String> = block.iter().chain(&block).map(|l| shape(l)).collect();
    let got: Vec<String> = before_yes.iter().map(|l| shape(l)).collect();
    if got != expected {
        fail!(
            "{scenario}: expected each of the two noes shown with `display_unexpected_answer` before \
             the yes, i.e. what your display prints for a no, {block:?}, twice (times aside), then \
             the yes; get_first_yes printed {:?}",
            run.out
        );
    }
    Ok(())
}
