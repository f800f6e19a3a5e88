//! Q1, the client at the edges of its input and of a reply: a reply the server ends by closing
//! instead of `\n` (still a reply: printed), and input that is not UTF-8 (`could not read the
//! input: <reason>`, exit code 1). Part of `client-lost` and `client-transcript`.

use crate::q1_client::{Received, Reply, holds_reply, lines_of, one_message, reference_server, run_client};
use harness::tcp::Server;
use harness::{Outcome, fail, show_bytes};
use std::sync::Arc;

/// A server that replies without `\r\n` and closes: the client prints what came + `\n` and
/// returns 0 at the end of its input. (One line of input: a new connection for each line is
/// `client-transcript`'s point, and so is flushing: what was written counts, flushed or not.)
pub(crate) async fn cut_reply() -> Outcome {
    let received = Received::default();
    let record = Arc::clone(&received);
    let server = Server::start(|l| reference_server(l, record, Reply::Cut)).await?;
    let run = run_client(&server.addr.to_string(), b"hello\n").await?;
    let what = "a server replied `You are from 127.0.0.1 on port <port>, saying \"<text>\"` without \
                `\\r\\n` and closed, to the input b\"hello\\n\"";
    let written = format!("{}{}", run.output, run.unflushed);
    // One line that holds the reply: how the client prints a reply (exactly its text, then `\n`) is
    // `client-transcript`'s point, and so is flushing.
    let printed = written
        .strip_suffix('\n')
        .is_some_and(|line| !line.contains('\n') && holds_reply(line, "hello"));
    if !printed || !run.errors.is_empty() || run.code != 0 {
        fail!(
            "{what}: expected the reply printed as it came + `\\n`, nothing on `errors` and the exit \
             code 0 (a reply ended by the close instead of `\\n` is still a reply, not a lost \
             connection); got the output {written:?}, `errors` {:?}, the exit code {} (the server \
             received {} lines)",
            run.errors,
            run.code,
            lines_of(&received).len()
        );
    }
    Ok(())
}

/// Input whose second line is not UTF-8: the first line is answered, then `could not read the
/// input: <reason>` + `\n` on `errors`, exit code 1, and the lines after it are not sent.
pub(crate) async fn unreadable_input() -> Outcome {
    let received = Received::default();
    let record = Arc::clone(&received);
    let server = Server::start(|l| reference_server(l, record, Reply::Whole)).await?;
    let input = b"hello\n\xff\xfe bad\nagain\n";
    let run = run_client(&server.addr.to_string(), input).await?;
    let what = format!(
        "for the input {} (its second line is not UTF-8)",
        show_bytes(input)
    );
    let sent = lines_of(&received);
    let first = run.errors.split_inclusive('\n').next().unwrap_or_default();
    if !one_message(first, "could not read the input: ") || run.code != 1 {
        fail!(
            "{what}: expected `errors` to be \"could not read the input: <reason>\\n\" and the exit code 1, \
             got `errors` {:?} and the exit code {} (the server received {} lines; input that cannot \
             be read is a failure, like a lost connection)",
            run.errors,
            run.code,
            sent.len()
        );
    }
    if sent.first().map(Vec::as_slice) != Some(b"hello\r\n".as_slice()) || sent.len() > 1 {
        fail!(
            "{what}: expected the server to receive `hello` + `\\r\\n` only (the client stops at the \
             line it cannot read), got {}",
            sent.iter().map(|l| show_bytes(l)).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}
