//! What the checks share: the scripted API, reading what was printed, the masked JSON, and what
//! the learner's Q3 display prints (for Q2's checks to judge modulo it).

use harness::rawhttp::{RawHttp, Reply};
use harness::serde_json::{Value, json};
use harness::time::ms;
use harness::tokio::time::Duration;
use harness::{Outcome, fail};

/// How long `get_all` or `get_first_yes` may take in a check whose slowest answer takes less.
pub(crate) const LIMIT: Duration = Duration::from_secs(1);

/// What yesno.wtf sends: more than the answer, which `ask` masks away.
pub(crate) fn api_body(answer: &str) -> Value {
    json!({ "answer": answer, "forced": false, "image": format!("https://yesno.wtf/assets/{answer}/1.gif") })
}

/// One scripted route of the API: an answer after a delay, a 500, or a misbehaviour.
#[derive(Clone)]
pub(crate) enum Route {
    Answer(&'static str, u64),
    ServerError(u64),
    /// The connection is closed without an answer.
    Dropped,
    /// The request never gets an answer.
    Never,
}

impl Route {
    fn reply(&self) -> Reply {
        match self {
            Route::Answer(answer, delay) => Reply::json(&api_body(answer)).delay(ms(*delay)),
            Route::ServerError(delay) => Reply::ok("Internal Server Error")
                .status(500)
                .content_type("text/plain")
                .delay(ms(*delay)),
            Route::Dropped => Reply::Drop,
            Route::Never => Reply::Hold,
        }
    }
}

/// The API, on [`RawHttp`]: `routes[i]` answers request `i` (at `/api/<i>`); keep it alive while
/// the learner's code runs.
pub(crate) struct Api {
    pub(crate) raw: RawHttp,
    pub(crate) urls: Vec<String>,
}

impl Api {
    /// The paths of the routes that never answer.
    pub(crate) fn held(&self, routes: &[Route]) -> Vec<String> {
        routes
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Route::Never))
            .map(|(i, _)| format!("/api/{i}"))
            .collect()
    }
}

pub(crate) async fn api(routes: &[Route]) -> Outcome<Api> {
    let paths: Vec<String> = (0..routes.len()).map(|i| format!("/api/{i}")).collect();
    let raw = RawHttp::start(paths.iter().zip(routes).map(|(p, r)| (p.as_str(), r.reply()))).await?;
    let urls = paths.iter().map(|p| raw.url(p)).collect();
    Ok(Api { raw, urls })
}

pub(crate) fn describe(routes: &[Route]) -> String {
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

pub(crate) fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Checks a masked answer: exactly `answer` and `meta`, and `meta` exactly `req_time`,
/// `resp_time` (text) and `duration` (seconds, not negative).
pub(crate) fn expect_masked(what: &str, json: &Value, answer: &str) -> Outcome {
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

pub(crate) fn masked(answer: &str) -> Value {
    json!({
        "answer": answer,
        "meta": { "req_time": "2025-01-01 00:00:00.000000", "resp_time": "2025-01-01 00:00:00.100000", "duration": 0.1 },
    })
}

/// The masked JSONs that are not a yes: a no, a maybe, `"answer": null` (what `ask` gives when
/// the API sent no answer), and no `answer` at all.
pub(crate) fn unexpected_answers() -> [Value; 4] {
    let mut null = masked("no");
    null["answer"] = Value::Null;
    let mut missing = masked("no");
    if let Some(o) = missing.as_object_mut() {
        o.remove("answer");
    }
    [masked("no"), masked("maybe"), null, missing]
}

/// What the learner's `display_unexpected_answer` (Q3) prints for `error`, line by line; `None`
/// when it panics or fails. Q2's checks use it to judge what `get_first_yes` prints modulo Q3's
/// answer: a mistake in the display costs Q3's points, not Q2's.
pub(crate) fn displayed(error: &challenge::AskError) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let shown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        challenge::display_unexpected_answer(error, &mut out)
    }));
    match shown {
        Ok(Ok(())) => Some(lines(&out)),
        _ => None,
    }
}

/// A line with every number (`2025`, `0.137`, `1.2e-5`) replaced by `#`: two displays of noes that
/// differ only in their times and durations read the same.
pub(crate) fn shape(line: &str) -> String {
    let mut shaped = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            while chars
                .peek()
                .is_some_and(|n| n.is_ascii_digit() || matches!(n, '.' | 'e' | 'E' | '+' | '-'))
            {
                chars.next();
            }
            shaped.push('#');
        } else {
            shaped.push(c);
        }
    }
    shaped
}
