//! The checks of challenge 5, who got "yes" first.
//!
//! The API is a wiremock server ([`MockHttp`]) with one route per request, so each of the three
//! requests gets its own scripted answer and delay (tens of milliseconds; the "slow no" takes 2 s
//! and must not be waited for). A dropped connection, a request that never gets an answer, and the
//! count of requests in flight come from [`RawHttp`], which observes its clients. The callback and
//! errback functions are checked directly. Timestamps are parsed, never compared.

use challenge::{
    AskError, display_unexpected_answer, filter_answer, get_all, get_first_yes, handle_unexpected_answer,
};
use harness::http::{MockHttp, Page};
use harness::rawhttp::{RawHttp, Reply};
use harness::serde_json::{Value, json};
use harness::tokio::time::{Duration, Instant, timeout};
use harness::{Failure, Outcome, Suite, fail, paused, real};

/// The checks, bound to `challenge.toml`.
pub fn suite() -> Suite {
    Suite::new(
        include_str!("../challenge.toml"),
        vec![
            real("all-shapes", all_shapes),
            real("all-concurrent", all_concurrent),
            real("all-errors-in-place", all_errors_in_place),
            paused("filter-answer", filter_answer_check),
            paused("handle-unexpected", handle_unexpected),
            real("stop-waiting", stop_waiting),
            real("first-yes-index", first_yes_index),
            real("all-no", all_no),
            real("maybe-not-yes", maybe_not_yes),
            real("errors-skipped", errors_skipped),
            real("cancels-rest", cancels_rest),
            paused("prints-no", prints_no),
            real("prints-each-no", prints_each_no),
            real("errors-not-a-no", errors_not_a_no),
        ],
    )
}

/// `cargo test -p c05-first-yes`: see [`harness::learner::grade_as_test`].
pub fn grade_as_test(test_name: &str) {
    harness::learner::grade_as_test(suite, test_name);
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// How long `get_all` or `get_first_yes` may take in a check whose slowest answer takes less.
const LIMIT: Duration = Duration::from_secs(1);

/// What yesno.wtf sends: more than the answer, which `ask` masks away.
fn api_body(answer: &str) -> Value {
    json!({ "answer": answer, "forced": false, "image": format!("https://yesno.wtf/assets/{answer}/1.gif") })
}

/// One scripted route of the API: an answer after a delay, a 500, or a raw-TCP misbehaviour.
#[derive(Clone)]
enum Route {
    Answer(&'static str, u64),
    ServerError(u64),
    /// The connection is closed without an answer.
    Dropped,
    /// The request never gets an answer.
    Never,
}

/// The API: `routes[i]` answers request `i`; returns the servers (keep them alive) and the URLs.
struct Api {
    _http: MockHttp,
    raw: RawHttp,
    urls: Vec<String>,
}

async fn api(routes: &[Route]) -> Outcome<Api> {
    let http = MockHttp::start().await;
    let raw = RawHttp::start([("/dropped", Reply::Drop), ("/never", Reply::Hold)]).await?;
    let mut urls = Vec::new();
    for (i, route) in routes.iter().enumerate() {
        let path = format!("/api/{i}");
        let url = match route {
            Route::Answer(answer, delay) => {
                let body = api_body(answer).to_string();
                http.page(&path, Page::new(Some("application/json"), body).delay(ms(*delay)))
                    .await;
                http.url(&path)
            }
            Route::ServerError(delay) => {
                let page = Page::new(Some("text/plain"), "Internal Server Error")
                    .status(500)
                    .delay(ms(*delay));
                http.page(&path, page).await;
                http.url(&path)
            }
            Route::Dropped => raw.url("/dropped"),
            Route::Never => raw.url("/never"),
        };
        urls.push(url);
    }
    Ok(Api {
        _http: http,
        raw,
        urls,
    })
}

fn describe(routes: &[Route]) -> String {
    let parts: Vec<String> = routes
        .iter()
        .map(|r| match r {
            Route::Answer(a, 0) => format!("{a} (at once)"),
            Route::Answer(a, d) => format!("{a} ({d} ms)"),
            Route::ServerError(_) => "a 500".into(),
            Route::Dropped => "a dropped connection".into(),
            Route::Never => "no answer ever".into(),
        })
        .collect();
    parts.join(", ")
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a masked answer: exactly `answer` and `meta`, and `meta` exactly `req_time`,
/// `resp_time` (text) and `duration` (seconds, not negative).
fn expect_masked(what: &str, json: &Value, answer: &str) -> Outcome {
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    if keys(json) != ["answer", "meta"] {
        return fail(format!(
            "{what}: expected an object with just `answer` and `meta`, got {json}"
        ));
    }
    if json["answer"] != answer {
        return fail(format!(
            "{what}: expected the answer {answer:?}, got {}",
            json["answer"]
        ));
    }
    let meta = &json["meta"];
    let ok = keys(meta) == ["duration", "req_time", "resp_time"]
        && meta["req_time"].is_string()
        && meta["resp_time"].is_string()
        && meta["duration"].as_f64().is_some_and(|d| d >= 0.0);
    if !ok {
        return fail(format!(
            "{what}: expected `meta` with `req_time`, `resp_time` and `duration` (as `ask` makes it), got {meta}"
        ));
    }
    Ok(())
}

// ---- Q1 ------------------------------------------------------------------------------------------

/// Runs `get_all`, bounded by [`LIMIT`]; returns its results and what it printed.
async fn run_get_all(urls: &[String]) -> Outcome<(Vec<Result<Value, AskError>>, Vec<u8>)> {
    let mut out = Vec::new();
    match timeout(LIMIT, get_all(urls, &mut out)).await {
        Err(_) => Err(Failure::Timeout(format!(
            "get_all did not return within {} s",
            LIMIT.as_secs()
        ))),
        Ok(Err(e)) => fail(format!("get_all returned an error: {e}")),
        Ok(Ok(results)) => Ok((results, out)),
    }
}

fn show_results(results: &[Result<Value, AskError>]) -> String {
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
fn printed_array(out: &[u8]) -> Outcome<Vec<Value>> {
    let text = String::from_utf8_lossy(out);
    match harness::serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => Ok(items),
        _ => fail(format!(
            "expected get_all to print its results with `print_all` (a JSON array), it printed {:?}",
            text
        )),
    }
}

async fn all_shapes() -> Outcome {
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

async fn all_concurrent() -> Outcome {
    let answer = |a: &str| Reply::json(&api_body(a)).delay(ms(60));
    let raw = RawHttp::start([("/a", answer("yes")), ("/b", answer("no")), ("/c", answer("no"))]).await?;
    let urls: Vec<String> = ["/a", "/b", "/c"].iter().map(|p| raw.url(p)).collect();
    let (results, _) = run_get_all(&urls).await?;
    if results.iter().filter(|r| r.is_ok()).count() != 3 {
        return fail(format!(
            "three answers after 60 ms each: expected 3 Ok results, got {}",
            show_results(&results)
        ));
    }
    let peak = raw.peak_in_flight();
    if peak != 3 {
        return fail(format!(
            "three answers after 60 ms each: expected all 3 requests in flight at the server at once, \
             saw at most {peak} (is each request awaited before the next one starts?)"
        ));
    }
    Ok(())
}

async fn all_errors_in_place() -> Outcome {
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

// ---- Q2 ------------------------------------------------------------------------------------------

fn masked(answer: &str) -> Value {
    json!({
        "answer": answer,
        "meta": { "req_time": "2025-01-01 00:00:00.000000", "resp_time": "2025-01-01 00:00:00.100000", "duration": 0.1 },
    })
}

async fn filter_answer_check() -> Outcome {
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
    let mut missing = masked("no");
    if let Some(o) = missing.as_object_mut() {
        o.remove("answer");
    }
    for json in [masked("no"), masked("maybe"), missing] {
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

async fn handle_unexpected() -> Outcome {
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
struct FirstYes {
    returned: Option<(Value, usize)>,
    out: Vec<String>,
    err: Vec<String>,
    took: Duration,
}

/// Runs `get_first_yes` on the scenario, bounded by `limit`.
async fn run_first_yes(api: &Api, scenario: &str, limit: Duration) -> Outcome<FirstYes> {
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
        Ok(Err(e)) => fail(format!("{scenario}: get_first_yes returned an error: {e}")),
        Ok(Ok(returned)) => Ok(FirstYes {
            returned,
            out: lines(&out),
            err: lines(&err),
            took,
        }),
    }
}

/// Parses the tuple `print_first_yes` prints: `(<json>, <index>)` or `(None, 0)`.
fn parse_tuple(line: &str) -> Option<Option<(Value, usize)>> {
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
fn expect_first(scenario: &str, run: &FirstYes, expected: Option<usize>) -> Outcome {
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

async fn stop_waiting() -> Outcome {
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

async fn first_yes_index() -> Outcome {
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

async fn all_no() -> Outcome {
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

async fn maybe_not_yes() -> Outcome {
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

async fn errors_skipped() -> Outcome {
    let routes = [Route::ServerError(0), Route::Dropped, Route::Answer("yes", 50)];
    let api = api(&routes).await?;
    let scenario = describe(&routes);
    let run = run_first_yes(&api, &scenario, LIMIT).await?;
    expect_first(&scenario, &run, Some(2))?;
    let reported = |i: usize| {
        let prefix = format!("request {i} failed: ");
        run.err
            .iter()
            .any(|l| l.strip_prefix(&prefix).is_some_and(|why| !why.trim().is_empty()))
    };
    if !(reported(0) && reported(1)) {
        return fail(format!(
            "{scenario}: expected `request 0 failed: …` and `request 1 failed: …` on `err`, got {:?}",
            run.err
        ));
    }
    Ok(())
}

async fn cancels_rest() -> Outcome {
    let routes = [Route::Never, Route::Answer("yes", 30), Route::Never];
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
    match api.raw.wait_all_closed(ms(500)).await {
        Ok(()) if api.raw.count("/never") == 2 => Ok(()),
        Ok(()) => fail(format!(
            "{scenario}: expected both unanswered requests to have been sent, the server saw {}",
            api.raw.count("/never")
        )),
        Err(open) => fail(format!(
            "{scenario}: {} of the unanswered requests still had their connection open 500 ms after \
             get_first_yes returned: the requests still running must be cancelled (dropped), not left \
             running in spawned tasks",
            open.len()
        )),
    }
}

// ---- Q3 ------------------------------------------------------------------------------------------

async fn prints_no() -> Outcome {
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
fn noes(out: &[String]) -> Vec<Option<String>> {
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

async fn prints_each_no() -> Outcome {
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

async fn errors_not_a_no() -> Outcome {
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
