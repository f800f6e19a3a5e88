//! Given: the yes/no API client (the original's `_getJsonUrl` and `_maskJson`), the error type, and
//! the printers. You do not need to change this file.

use reqwest::Client;
use serde_json::{Value, json};
use std::fmt;
use std::io::{self, Write};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The live API: answers `{"answer": "yes" | "no" | "maybe", "forced": …, "image": …}` at random.
pub const DEFAULT_URL: &str = "https://yesno.wtf/api";

/// Why a request did not give a `yes`.
#[derive(Debug)]
pub enum AskError {
    /// The request failed on the way: no connection, a connection dropped before the answer, a
    /// body that is not JSON.
    Request(reqwest::Error),
    /// The server answered with a status that is not a success, such as 500.
    Status(u16),
    /// Q2: an answer other than `yes` (`no`, `maybe`, …), with the masked JSON it came in.
    UnexpectedAnswer(Value),
}

impl fmt::Display for AskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AskError::Request(error) => {
                // reqwest's message is "error sending request for url (…)"; the causes say why.
                write!(f, "{error}")?;
                let mut cause = std::error::Error::source(error);
                while let Some(inner) = cause {
                    write!(f, ": {inner}")?;
                    cause = inner.source();
                }
                Ok(())
            }
            AskError::Status(status) => write!(f, "the server answered with status {status}"),
            AskError::UnexpectedAnswer(json) => write!(f, "unexpected answer: {json}"),
        }
    }
}

impl std::error::Error for AskError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AskError::Request(error) => Some(error),
            _ => None,
        }
    }
}

/// An HTTP client for [`ask`]. Create one and share it: it keeps connections for reuse.
pub fn client() -> io::Result<Client> {
    Client::builder().build().map_err(io::Error::other)
}

/// Asks the API at `url` once and returns its answer masked to
/// `{"answer": …, "meta": {"req_time": …, "resp_time": …, "duration": …}}`: the times are UTC,
/// `YYYY-MM-DD HH:MM:SS.ffffff`, and `duration` is in seconds.
///
/// Any answer is `Ok`, `no` included: telling a yes from the rest is [`crate::filter_answer`]'s job.
pub async fn ask(client: &Client, url: &str) -> Result<Value, AskError> {
    let req_time = SystemTime::now();
    let started = Instant::now();
    let response = client.get(url).send().await.map_err(AskError::Request)?;
    if !response.status().is_success() {
        return Err(AskError::Status(response.status().as_u16()));
    }
    let body: Value = response.json().await.map_err(AskError::Request)?;
    let duration = started.elapsed().as_secs_f64();
    Ok(json!({
        "answer": body.get("answer").cloned().unwrap_or(Value::Null),
        "meta": {
            "req_time": timestamp(req_time),
            "resp_time": timestamp(SystemTime::now()),
            "duration": duration,
        },
    }))
}

/// `2025-06-01 12:34:56.789012` (UTC), the shape of Python's `str(datetime)`.
fn timestamp(time: SystemTime) -> String {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        of_day / 3_600,
        of_day / 60 % 60,
        of_day % 60,
        since_epoch.subsec_micros()
    )
}

/// Prints every result, in order, as pretty JSON (the original's `pprint` of the `DeferredList`):
/// `[{"Ok": {"answer": …, "meta": …}}, {"Err": "the server answered with status 500"}, …]`.
pub fn print_all(results: &[Result<Value, AskError>], out: &mut impl Write) -> io::Result<()> {
    let shown: Vec<Value> = results
        .iter()
        .map(|result| match result {
            Ok(json) => json!({ "Ok": json }),
            Err(error) => json!({ "Err": error.to_string() }),
        })
        .collect();
    writeln!(out, "{:#}", Value::Array(shown))
}

/// Prints the first yes and its request's index, `({"answer":"yes","meta":{…}}, 1)`, or `(None, 0)`
/// when no request said yes.
pub fn print_first_yes(first: Option<(&Value, usize)>, out: &mut impl Write) -> io::Result<()> {
    match first {
        Some((json, index)) => writeln!(out, "({json}, {index})"),
        None => writeln!(out, "(None, 0)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_are_utc_with_microseconds() {
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        assert_eq!(timestamp(t), "2023-11-14 22:13:20.123456");
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01 00:00:00.000000");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(timestamp(leap), "2000-02-29 00:00:00.000000");
    }

    #[test]
    fn printers() {
        let mut out = Vec::new();
        let results = vec![Ok(json!({"answer": "yes"})), Err(AskError::Status(500))];
        print_all(&results, &mut out).unwrap();
        print_first_yes(Some((&json!({"answer": "yes"}), 2)), &mut out).unwrap();
        print_first_yes(None, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "[\n  {\n    \"Ok\": {\n      \"answer\": \"yes\"\n    }\n  },\n  {\n    \"Err\": \"the server answered with status 500\"\n  }\n]\n({\"answer\":\"yes\"}, 2)\n(None, 0)\n"
        );
    }
}
