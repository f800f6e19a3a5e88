//! Q2, what `get_first_yes` shows on the way: failed requests on `err`, each no through
//! `display_unexpected_answer`.
//!
//! What the display itself prints is Q3's answer: these checks first ask the learner's
//! `display_unexpected_answer` what it prints ([`displayed`]) and judge `get_first_yes` modulo that.

use crate::first_yes::{expect_first, run_first_yes};
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
    let routes = [Route::ServerError(40), Route::Dropped, Route::Answer("yes", 300)];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, Some(2))?;
    let why = |i: usize| -> Option<&str> {
        let prefix = format!("request {i} failed: ");
        run.err
            .iter()
            .find_map(|l| l.strip_prefix(&prefix))
            .filter(|why| !why.trim().is_empty())
    };
    let in_place = why(0).is_some_and(|w| w.contains("500")) && why(1).is_some_and(|w| !w.contains("500"));
    if !in_place {
        return fail(format!(
            "{scenario}: expected `request 0 failed: …500…` and `request 1 failed: …` (the dropped \
             connection) on `err`, each with its request's index, got {:?}",
            run.err
        ));
    }
    // A failed request is not a no. Judged only when Q3's display prints nothing for these errors
    // (else the `received a No` comes from the display, and costs Q3's `errors-not-a-no`).
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
        Route::Answer("yes", 200),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    let before_yes = &run.out[..run.out.len().saturating_sub(1)];
    let no = masked("no");
    let shown = displayed(&AskError::UnexpectedAnswer(no.clone())).unwrap_or_default();
    let display_right = shown.len() == 2
        && shown[0] == "received a No"
        && harness::serde_json::from_str::<Value>(&shown[1]).is_ok_and(|v| v == no);
    let ok = if display_right {
        noes(before_yes) == [Some("no".to_string()), Some("no".to_string())]
    } else if let Some(marker) = shown.first() {
        // Q3's display is not right (that costs Q3): look only for its first line, once per no.
        before_yes.iter().filter(|l| *l == marker).count() == 2
    } else {
        // The display shows nothing for a no: there is nothing to look for.
        true
    };
    if !ok {
        return fail(format!(
            "{scenario}: expected each of the two noes shown with `display_unexpected_answer` \
             (`received a No` then its JSON) before the yes; get_first_yes printed {:?}",
            run.out
        ));
    }
    Ok(())
}
