//! Q2, the first yes: filtering, recovering, stopping early, cancelling the rest.

use crate::support::*;
use challenge::{AskError, filter_answer, get_first_yes, handle_unexpected_answer};
use harness::serde_json::Value;
use harness::time::ms;
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Failure, Outcome, fail};

pub(crate) async fn filter_answer_check() -> Outcome {
    let yes = masked("yes");
    match filter_answer(yes.clone()) {
        Ok(json) if json == yes => {}
        Ok(json) => {
            return fail(format!(
                "filter_answer({yes}): expected Ok with the same JSON, got Ok({json})"
            ));
        }
        Err(e) => {
            return fail(format!(
                "filter_answer({yes}): expected Ok with the same JSON, got Err({e})"
            ));
        }
    }
    for json in unexpected_answers() {
        match filter_answer(json.clone()) {
            Err(AskError::UnexpectedAnswer(carried)) if carried == json => {}
            Err(AskError::UnexpectedAnswer(carried)) => {
                return fail(format!(
                    "filter_answer({json}): expected UnexpectedAnswer carrying that JSON, it carried {carried}"
                ));
            }
            Err(e) => {
                return fail(format!(
                    "filter_answer({json}): expected Err(UnexpectedAnswer(…)), got Err({e})"
                ));
            }
            Ok(got) => {
                return fail(format!(
                    "filter_answer({json}): expected Err(UnexpectedAnswer(…)): only `yes` passes; got Ok({got})"
                ));
            }
        }
    }
    Ok(())
}

pub(crate) async fn handle_unexpected() -> Outcome {
    match handle_unexpected_answer(AskError::UnexpectedAnswer(masked("no"))) {
        Ok(None) => {}
        Ok(Some(json)) => {
            return fail(format!(
                "handle_unexpected_answer(UnexpectedAnswer(no)): expected Ok(None), got Ok(Some({json}))"
            ));
        }
        Err(e) => {
            return fail(format!(
                "handle_unexpected_answer(UnexpectedAnswer(no)): expected Ok(None), got Err({e})"
            ));
        }
    }
    match handle_unexpected_answer(AskError::Status(500)) {
        Err(AskError::Status(500)) => Ok(()),
        Err(e) => fail(format!(
            "handle_unexpected_answer(Status(500)): expected the same error back, got Err({e})"
        )),
        Ok(v) => fail(format!(
            "handle_unexpected_answer(Status(500)): expected Err(Status(500)) passed on, got Ok({v:?}): \
             only an unexpected answer is recovered"
        )),
    }
}

/// What one call of `get_first_yes` did.
pub(crate) struct FirstYes {
    pub(crate) returned: Option<(Value, usize)>,
    pub(crate) out: Vec<String>,
    pub(crate) err: Vec<String>,
    pub(crate) took: Duration,
}

/// Runs `get_first_yes` on the scenario, bounded by `limit`.
pub(crate) async fn run_first_yes(api: &Api, scenario: &str, limit: Duration) -> Outcome<FirstYes> {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let started = Instant::now();
    let result = timeout(limit, get_first_yes(&api.urls, &mut out, &mut err)).await;
    let took = started.elapsed();
    match result {
        Err(_) => Err(Failure::Timeout(format!(
            "{scenario}: get_first_yes was still waiting after {} ms (it printed {:?}): it must stop \
             waiting as soon as a yes has come, or once every request has ended",
            limit.as_millis(),
            String::from_utf8_lossy(&out)
        ))),
        Ok(Err(e)) => fail(format!(
            "{scenario}: expected get_first_yes to return Ok, it returned the error {e} (a failed \
             request is reported on `err` and the search goes on)"
        )),
        Ok(Ok(returned)) => Ok(FirstYes {
            returned,
            out: lines(&out),
            err: lines(&err),
            took,
        }),
    }
}

/// Parses the tuple `print_first_yes` prints: `(<json>, <index>)` or `(None, 0)`.
pub(crate) fn parse_tuple(line: &str) -> Option<Option<(Value, usize)>> {
    let inner = line.trim().strip_prefix('(')?.strip_suffix(')')?;
    if inner == "None, 0" {
        return Some(None);
    }
    let (json, index) = inner.rsplit_once(", ")?;
    Some(Some((
        harness::serde_json::from_str(json).ok()?,
        index.trim().parse().ok()?,
    )))
}

/// Checks that `get_first_yes` returned and printed (as its last line) the yes of request `index`,
/// or `None` and `(None, 0)`.
pub(crate) fn expect_first(scenario: &str, run: &FirstYes, expected: Option<usize>) -> Outcome {
    let want = match expected {
        Some(i) => format!("the yes of request {i}"),
        None => "None".into(),
    };
    let returned_ok = match (&run.returned, expected) {
        (Some((json, i)), Some(e)) => *i == e && json["answer"] == "yes",
        (None, None) => true,
        _ => false,
    };
    if !returned_ok {
        let got = match &run.returned {
            Some((json, i)) => format!("({json}, {i})"),
            None => "None".into(),
        };
        return fail(format!(
            "{scenario}: expected get_first_yes to return {want}, it returned {got}"
        ));
    }
    let last = run.out.last().map(String::as_str).unwrap_or("");
    let printed_ok = match (parse_tuple(last), expected) {
        (Some(Some((json, i))), Some(e)) => i == e && json["answer"] == "yes",
        (Some(None), None) => true,
        _ => false,
    };
    if !printed_ok {
        let wanted = match expected {
            Some(i) => format!("({{\"answer\":\"yes\",…}}, {i})"),
            None => "(None, 0)".into(),
        };
        return fail(format!(
            "{scenario}: expected the last line printed to be {wanted} (print it with `print_first_yes`), got {last:?}"
        ));
    }
    Ok(())
}

pub(crate) async fn stop_waiting() -> Outcome {
    let routes = [
        Route::Answer("no", 0),
        Route::Answer("yes", 50),
        Route::Answer("no", 2000),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, Some(1))?;
    if run.took >= Duration::from_millis(900) {
        return fail(format!(
            "{scenario}: expected the yes well before 1 s, it came after {} ms",
            run.took.as_millis()
        ));
    }
    Ok(())
}

pub(crate) async fn first_yes_index() -> Outcome {
    // The yes is the first answer to arrive, and it answers request 2.
    let routes = [
        Route::Answer("no", 80),
        Route::Answer("no", 300),
        Route::Answer("yes", 20),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, Duration::from_secs(2)).await?;
    expect_first(&scenario, &run, Some(2))
}

pub(crate) async fn all_no() -> Outcome {
    let routes = [
        Route::Answer("no", 0),
        Route::Answer("no", 20),
        Route::Answer("no", 40),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, None)
}

pub(crate) async fn maybe_not_yes() -> Outcome {
    let routes = [
        Route::Answer("maybe", 0),
        Route::Answer("yes", 40),
        Route::Answer("maybe", 80),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, Some(1))
}

pub(crate) async fn first_by_completion() -> Outcome {
    // Two yeses: request 0 answers late, request 2 early. The first yes *to arrive* is request 2's;
    // taking the answers in request order (awaiting them one by one, `buffered`, `join_all`) waits
    // for request 0's.
    let routes = [
        Route::Answer("yes", 800),
        Route::Answer("no", 0),
        Route::Answer("yes", 30),
    ];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    let got = match &run.returned {
        Some((json, i)) => format!("({json}, {i})"),
        None => "None".into(),
    };
    let is_yes = run
        .returned
        .as_ref()
        .is_some_and(|(json, _)| json["answer"] == "yes");
    if !is_yes || run.took >= ms(500) {
        return fail(format!(
            "{scenario}: expected the yes that arrives first (request 2's, after 30 ms) to be returned \
             at once, long before request 0's yes (800 ms); got {got} after {} ms: look at the answers \
             in the order they arrive, with every request running at once",
            run.took.as_millis()
        ));
    }
    Ok(())
}

pub(crate) async fn cancels_rest() -> Outcome {
    // The yes comes late enough for both unanswered requests to have reached the server.
    let routes = [Route::Never, Route::Answer("yes", 200), Route::Never];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    if !run
        .returned
        .as_ref()
        .is_some_and(|(json, _)| json["answer"] == "yes")
    {
        return fail(format!("{scenario}: expected get_first_yes to return the yes"));
    }
    // Both unanswered requests must be closed by the client now that the yes is in.
    let sent: usize = api.held(&routes).iter().map(|p| api.raw.count(p)).sum();
    match api.raw.wait_all_closed(ms(500)).await {
        Ok(()) if sent == 2 => Ok(()),
        Ok(()) => fail(format!(
            "{scenario}: expected both unanswered requests to have been sent, the server saw {sent}"
        )),
        Err(open) => fail(format!(
            "{scenario}: {} of the unanswered requests still had their connection open 500 ms after \
             get_first_yes returned: the requests still running must be cancelled (dropped), not left \
             running in spawned tasks",
            open.len()
        )),
    }
}
