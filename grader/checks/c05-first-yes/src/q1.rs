//! Q1, `get_all`: shapes, concurrency, errors in their place.

use crate::support::*;
use challenge::{AskError, get_all};
use harness::rawhttp::{RawHttp, Reply};
use harness::serde_json::{Value, json};
use harness::time::ms;
use harness::tokio::time::timeout;
use harness::{Failure, Outcome, fail};

/// Runs `get_all`, bounded by [`LIMIT`]; returns its results and what it printed.
pub(crate) async fn run_get_all(urls: &[String]) -> Outcome<(Vec<Result<Value, AskError>>, Vec<u8>)> {
    let mut out = Vec::new();
    match timeout(LIMIT, get_all(urls, &mut out)).await {
        Err(_) => Err(Failure::Timeout(format!(
            "get_all did not return within {} s",
            LIMIT.as_secs()
        ))),
        Ok(Err(e)) => fail(format!(
            "expected get_all to return every result (a failed request is one of them), it returned \
             the error {e}"
        )),
        Ok(Ok(results)) => Ok((results, out)),
    }
}

pub(crate) fn show_results(results: &[Result<Value, AskError>]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(json) => format!("Ok({json})"),
            Err(e) => format!("Err({e})"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// Parses what `print_all` printed.
pub(crate) fn printed_array(out: &[u8]) -> Outcome<Vec<Value>> {
    let text = String::from_utf8_lossy(out);
    match harness::serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => Ok(items),
        _ => fail(format!(
            "expected get_all to print its results with `print_all` (a JSON array), it printed {:?}",
            text
        )),
    }
}

pub(crate) async fn all_shapes() -> Outcome {
    // Arrival order b, c, a; the results must follow the requests: a, b, c.
    let routes = [
        Route::Answer("yes", 60),
        Route::Answer("no", 0),
        Route::Answer("maybe", 30),
    ];
    let api = api(&routes).await?;
    let (results, out) = run_get_all(&api.urls).await?;
    let expected = ["yes", "no", "maybe"];
    let scenario = describe(&routes);
    if results.len() != 3 {
        return fail(format!(
            "{scenario}: expected 3 results, got {}: {}",
            results.len(),
            show_results(&results)
        ));
    }
    for (i, (result, answer)) in results.iter().zip(expected).enumerate() {
        match result {
            Ok(json) => expect_masked(&format!("{scenario}: result {i}"), json, answer)?,
            Err(e) => return fail(format!("{scenario}: expected result {i} to be Ok, got Err({e})")),
        }
    }
    let printed = printed_array(&out)?;
    let returned: Vec<Value> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|json| json!({ "Ok": json }))
        .collect();
    if printed != returned {
        return fail(format!(
            "{scenario}: expected get_all to print what it returns, {}, it printed {}",
            Value::Array(returned),
            Value::Array(printed)
        ));
    }
    Ok(())
}

pub(crate) async fn all_concurrent() -> Outcome {
    // Each answer waits 200 ms: all three requests must be at the server within that time.
    let answer = |a: &str| Reply::json(&api_body(a)).delay(ms(200));
    let raw = RawHttp::start([("/a", answer("yes")), ("/b", answer("no")), ("/c", answer("no"))]).await?;
    let urls: Vec<String> = ["/a", "/b", "/c"].iter().map(|p| raw.url(p)).collect();
    let (results, _) = run_get_all(&urls).await?;
    if results.iter().filter(|r| r.is_ok()).count() != 3 {
        return fail(format!(
            "three answers after 200 ms each: expected 3 Ok results, got {}",
            show_results(&results)
        ));
    }
    let peak = raw.peak_in_flight();
    if peak != 3 {
        return fail(format!(
            "three answers after 200 ms each: expected all 3 requests in flight at the server at once, \
             saw at most {peak} (is each request awaited before the next one starts?)"
        ));
    }
    Ok(())
}

pub(crate) async fn all_errors_in_place() -> Outcome {
    // Arrival in request order, so that only the places of the errors are checked here.
    let routes = [Route::Dropped, Route::ServerError(30), Route::Answer("yes", 60)];
    let api = api(&routes).await?;
    let (results, out) = run_get_all(&api.urls).await?;
    let scenario = describe(&routes);
    let places_ok = results.len() == 3
        && matches!(results[0], Err(AskError::Request(_)))
        && matches!(results[1], Err(AskError::Status(500)))
        && results[2].as_ref().is_ok_and(|json| json["answer"] == "yes");
    if !places_ok {
        return fail(format!(
            "{scenario}: expected [Err(Request(…)), Err(Status(500)), Ok(yes)], got {}",
            show_results(&results)
        ));
    }
    let printed = printed_array(&out)?;
    let shapes_ok = printed.len() == 3
        && printed[0]["Err"].is_string()
        && printed[1]["Err"].is_string()
        && printed[2]["Ok"]["answer"] == "yes";
    if !shapes_ok {
        return fail(format!(
            "{scenario}: expected get_all to print [{{\"Err\": …}}, {{\"Err\": …}}, {{\"Ok\": …}}], it printed {}",
            Value::Array(printed)
        ));
    }
    Ok(())
}
