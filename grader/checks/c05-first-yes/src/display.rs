//! Q3, `display_unexpected_answer`: every No shown, errors not taken for one.

use crate::first_yes::run_first_yes;
use crate::support::*;
use challenge::{AskError, display_unexpected_answer};
use harness::serde_json::Value;
use harness::{Outcome, fail};

pub(crate) async fn prints_no() -> Outcome {
    let no = masked("no");
    let mut out = Vec::new();
    if let Err(e) = display_unexpected_answer(&AskError::UnexpectedAnswer(no.clone()), &mut out) {
        return fail(format!("display_unexpected_answer returned an error: {e}"));
    }
    let printed = lines(&out);
    let ok = printed.len() == 2
        && printed[0] == "received a No"
        && harness::serde_json::from_str::<Value>(&printed[1]).is_ok_and(|v| v == no);
    if !ok {
        return fail(format!(
            "display_unexpected_answer(UnexpectedAnswer({no})): expected the lines \"received a No\" and \
             the JSON, got {printed:?}"
        ));
    }
    Ok(())
}

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

pub(crate) async fn prints_each_no() -> Outcome {
    let routes = [
        Route::Answer("no", 0),
        Route::Answer("no", 20),
        Route::Answer("yes", 60),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    let got = noes(&run.out);
    let expected = vec![Some("no".to_string()), Some("no".to_string())];
    if got != expected {
        return fail(format!(
            "{scenario}: expected `received a No` then its JSON for each of the two noes, before the \
             yes; get_first_yes printed {:?}",
            run.out
        ));
    }
    Ok(())
}

pub(crate) async fn errors_not_a_no() -> Outcome {
    let mut out = Vec::new();
    if let Err(e) = display_unexpected_answer(&AskError::Status(500), &mut out) {
        return fail(format!("display_unexpected_answer returned an error: {e}"));
    }
    if !out.is_empty() {
        return fail(format!(
            "display_unexpected_answer(Status(500)): expected nothing printed (a failed request is not \
             a no), got {:?}",
            String::from_utf8_lossy(&out)
        ));
    }
    let routes = [
        Route::Answer("no", 0),
        Route::ServerError(20),
        Route::Answer("yes", 50),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    let got = noes(&run.out);
    if got.len() != 1 {
        return fail(format!(
            "{scenario}: expected one `received a No` (for the no), got {}: {:?}",
            got.len(),
            run.out
        ));
    }
    Ok(())
}
