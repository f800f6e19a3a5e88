//! Q3, `display_unexpected_answer`: a No shown, errors not taken for one.

use crate::support::*;
use challenge::{AskError, ask, client, display_unexpected_answer};
use harness::rawhttp::{RawHttp, Reply};
use harness::serde_json::Value;
use harness::{Outcome, fail};

pub(crate) async fn prints_no() -> Outcome {
    // Every unexpected answer is shown the same way, whatever it was: the line names no answer.
    for json in unexpected_answers() {
        let mut out = Vec::new();
        if let Err(e) = display_unexpected_answer(&AskError::UnexpectedAnswer(json.clone()), &mut out) {
            fail!("display_unexpected_answer(UnexpectedAnswer({json})) returned an error: {e}");
        }
        let printed = lines(&out);
        let ok = printed.len() == 2
            && printed[0] == "received a No"
            && harness::serde_json::from_str::<Value>(&printed[1]).is_ok_and(|v| v == json);
        if !ok {
            fail!(
                "display_unexpected_answer(UnexpectedAnswer({json})): expected the lines \"received a No\" \
                 (for any unexpected answer, a `maybe` or a missing one too) and the JSON on one line, \
                 got {printed:?}"
            );
        }
    }
    Ok(())
}

pub(crate) async fn errors_not_a_no() -> Outcome {
    // A real transport error, from the given `ask` on a connection the server drops.
    let raw = RawHttp::start([("/dropped", Reply::Drop)]).await?;
    let http = client().or_else(|e| fail(format!("no HTTP client: {e}")))?;
    let dropped = match ask(&http, &raw.url("/dropped")).await {
        Err(error @ AskError::Request(_)) => error,
        other => {
            return fail(format!(
                "the harness expected a dropped connection, got {other:?}"
            ));
        }
    };
    for (what, error) in [("Status(500)", AskError::Status(500)), ("Request(…)", dropped)] {
        let mut out = Vec::new();
        if let Err(e) = display_unexpected_answer(&error, &mut out) {
            return fail(format!(
                "display_unexpected_answer({what}) returned an error: {e}"
            ));
        }
        if !out.is_empty() {
            return fail(format!(
                "display_unexpected_answer({what}): expected nothing printed (a failed request is not \
                 a no), got {:?}",
                String::from_utf8_lossy(&out)
            ));
        }
    }
    Ok(())
}
