//! Q2, the limit: how many requests are in flight at the server, when they start, and in which
//! order.

use crate::support::{
    DOWNLOAD_LIMIT, GCC_SIZES, Line, expect_lines_any_order, expect_peak, gcc_paths, gcc_server, path_of,
    run_download, sized_server,
};
use crate::worker::download_on_worker;
use challenge::{download, gcc_urls};
use harness::rawhttp::{RawHttp, Reply, Visit};
use harness::time::{ms, show};
use harness::tokio::time::{Duration, Instant, sleep, timeout};
use harness::{Failure, Outcome, fail};

pub async fn peak_two() -> Outcome {
    let (server, urls) = gcc_server(|_| ms(50)).await?;
    run_download(&urls, 2).await?;
    expect_peak(&server, urls.len(), 2)
}

pub async fn peak_other() -> Outcome {
    // Three independent runs side by side, each against its own server; 100 ms answers leave time
    // for every request allowed to be in flight to get there, even on a busy machine.
    let scenario = |n: usize, max_run: usize| async move {
        let (server, urls) = sized_server(n, ms(100)).await?;
        run_download(&urls, max_run).await?;
        expect_peak(&server, n, max_run)
    };
    let (one, three, five) = harness::tokio::join!(scenario(3, 1), scenario(7, 3), scenario(4, 5));
    let failures: Vec<Failure> = [one, three, five].into_iter().filter_map(Result::err).collect();
    match failures.iter().find(|f| matches!(f, Failure::Timeout(_))) {
        Some(timeout) => Err(timeout.clone()),
        None if failures.is_empty() => Ok(()),
        None => fail(
            failures
                .iter()
                .map(|f| match f {
                    Failure::Fail(m) | Failure::Timeout(m) => m.as_str(),
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// How long `zero_max_run` waits for the first request before it calls `download` stuck.
const FIRST_REQUEST_PATIENCE: Duration = Duration::from_secs(1);

pub async fn zero_max_run() -> Outcome {
    let (server, urls) = sized_server(3, ms(30)).await?;
    let mut out = Vec::new();
    let call = timeout(DOWNLOAD_LIMIT, download(&urls, 0, &mut out));
    // `Semaphore::new(0)` never gives a permit: no request ever leaves. Say so as soon as it is
    // clear, rather than at the end of the 2 s.
    let stuck = async {
        sleep(FIRST_REQUEST_PATIENCE).await;
        if !server.visits().is_empty() {
            // Requests are going out: `call` decides.
            std::future::pending::<()>().await;
        }
    };
    let result = harness::tokio::select! {
        result = call => result,
        () = stuck => {
            return fail(format!(
                "with max_run = 0, which counts as 1, expected the requests to go one at a time; {} s after \
                 download was called, not one had reached the server (does a semaphore with 0 permits wait \
                 forever?)",
                FIRST_REQUEST_PATIENCE.as_secs()
            ));
        }
    };
    let lines: Vec<String> = match result {
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "download(3 URLs, max_run = 0) did not return within 2 s; it had printed {:?}",
                String::from_utf8_lossy(&out)
            )));
        }
        Ok(Err(e)) => {
            return fail(format!(
                "with max_run = 0, which counts as 1, expected a line per URL; download returned an error: {e}"
            ));
        }
        Ok(Ok(())) => String::from_utf8_lossy(&out)
            .lines()
            .map(str::to_string)
            .collect(),
    };
    expect_peak(&server, urls.len(), 0)?;
    let expected: Vec<Line> = urls.iter().map(|u| Line::size(u, 1_048_576)).collect();
    expect_lines_any_order("with max_run = 0", &expected, &lines)
}

pub async fn all_requested() -> Outcome {
    // The seven tarballs, three of them failing (a 500, a dropped connection, a 404: no route),
    // and the first one listed again at the end: each entry of the list is requested once — no
    // retry of a failure, no entry skipped or merged with another.
    let paths = gcc_paths();
    let (server_error, dropped, missing) = (2, 4, 5);
    let routes = paths
        .iter()
        .zip(GCC_SIZES)
        .enumerate()
        .filter(|(i, _)| *i != missing)
        .map(|(i, (path, bytes))| {
            let reply = match i {
                _ if i == server_error => Reply::sized(bytes).status(500).delay(ms(10)),
                _ if i == dropped => Reply::Drop,
                _ => Reply::sized(bytes).delay(ms(10)),
            };
            (path.as_str(), reply)
        });
    let server = RawHttp::start(routes).await?;
    let mut urls = gcc_urls(&server.url(""));
    urls.push(urls[0].clone());
    // A `download` that gives up early (an error returned, no return) may leave URLs unrequested:
    // that is `error-terminates`' business, and then only a URL requested too often is judged here.
    let returned = run_download(&urls, 2).await.is_ok();
    let expected = |path: &str| urls.iter().filter(|u| path_of(u) == path).count();
    let what = |i: usize| match i {
        _ if i == server_error => " (a 500)",
        _ if i == dropped => " (a dropped connection)",
        _ if i == missing => " (a 404)",
        0 => " (listed twice)",
        _ => "",
    };
    let wrong: Vec<String> = paths
        .iter()
        .enumerate()
        .filter_map(|(i, path)| {
            let (n, want) = (server.count(path), expected(path));
            (n > want || (returned && n != want))
                .then(|| format!("{path}{} requested {n} times, expected {want}", what(i)))
        })
        .collect();
    if !wrong.is_empty() {
        let retried = [server_error, dropped, missing]
            .iter()
            .any(|&i| server.count(&paths[i]) > 1);
        fail!(
            "{} URLs (the first listed twice, three failing), max_run = 2: expected each entry of the \
             list requested once; {}{}",
            urls.len(),
            wrong.join(", "),
            if retried {
                " (a failed request is reported, not tried again)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

pub async fn slow_no_block() -> Outcome {
    // max_run = 2; the first URL answers after 250 ms, the four others after 20 ms each. With a
    // slot freed as each response arrives, the four quick ones go through the other slot one after
    // the other (0, 20, 40, 60 ms, plus the client's own time) while the slow one is still pending.
    let quick = ["/q1", "/q2", "/q3", "/q4"];
    let mut routes = vec![("/slow", Reply::sized(1_048_576).delay(ms(250)))];
    routes.extend(quick.iter().map(|p| (*p, Reply::sized(1_048_576).delay(ms(20)))));
    let server = RawHttp::start(routes).await?;
    let urls: Vec<String> = std::iter::once("/slow")
        .chain(quick)
        .map(|p| server.url(p))
        .collect();
    run_download(&urls, 2).await?;
    let visits = server.visits();
    let Some(slow_answered) = visits.iter().find(|v| v.path == "/slow").and_then(|v| v.answered) else {
        return fail(
            "with max_run = 2, expected the slow URL (the first) to be requested; download returned without requesting it",
        );
    };
    let late: Vec<&str> = quick
        .iter()
        .filter(|p| !visits.iter().any(|v| v.path == **p && v.arrived < slow_answered))
        .copied()
        .collect();
    if late.is_empty() {
        Ok(())
    } else {
        fail(format!(
            "with max_run = 2, one slow response (250 ms) and four quick ones (20 ms), expected the \
             quick ones to go through the free slot while the slow one was pending; {late:?} only \
             started after it (does a slow request hold up the others, as `buffered` or batches do?)"
        ))
    }
}

/// From the first request's arrival to the last answer, at the server.
fn server_span(visits: &[Visit]) -> Option<Duration> {
    let first = visits.iter().map(|v| v.arrived).min()?;
    let last = visits.iter().map(|v| v.answered).max()??;
    Some(last.duration_since(first))
}

pub async fn total_time() -> Outcome {
    let delay = ms(50);
    let (server, urls) = gcc_server(|_| delay).await?;
    let started = Instant::now();
    run_download(&urls, 2).await?;
    let wall = started.elapsed();
    // 7 URLs, 2 at a time: 4 rounds of 50 ms. One at a time would take 7 rounds, no limit 1.
    let rounds = urls.len().div_ceil(2) as u32;
    let expected = delay * rounds;
    let Some(span) = server_span(&server.visits()) else {
        return fail(
            "7 URLs, max_run = 2: expected the server to be busy about 200 ms; no request reached it",
        );
    };
    let low = expected - ms(5);
    let high = expected + delay * 2;
    if span >= low && span < high {
        Ok(())
    } else {
        fail(format!(
            "7 URLs, max_run = 2, each answered after 50 ms: expected the server to be busy about \
             {} ms (4 rounds), it was busy {} ms (download took {} ms)",
            expected.as_millis(),
            span.as_millis(),
            wall.as_millis()
        ))
    }
}

pub async fn start_order() -> Outcome {
    // max_run = 2, four URLs. The first two start at once; the first answer comes at 60 ms, the
    // second at 100 ms, and each frees the slot for the next URL of the list: the third starts at
    // about 60 ms, the fourth at about 100 ms. Starts 40 ms apart: their order is not a race.
    let paths = ["/first", "/second", "/third", "/fourth"];
    let delays = [60, 100, 60, 10];
    let server = RawHttp::start(
        paths
            .iter()
            .zip(delays)
            .map(|(p, d)| (*p, Reply::sized(1_048_576).delay(ms(d)))),
    )
    .await?;
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    // Called from a task on a runtime worker, as a server's handler would: see `worker`.
    match timeout(DOWNLOAD_LIMIT, download_on_worker(&urls, 2)).await {
        Err(_) => {
            return Err(Failure::Timeout(format!(
                "download(4 URLs, max_run = 2), called from a task, did not return within {}",
                show(DOWNLOAD_LIMIT)
            )));
        }
        Ok(None) => fail!("download(4 URLs, max_run = 2), called from a task, did not return"),
        Ok(Some((Err(e), _))) => {
            fail!("download(4 URLs, max_run = 2), called from a task, returned an error: {e}")
        }
        Ok(Some((Ok(()), _))) => {}
    }
    if server.peak_in_flight() > 2 {
        // More than two at once: the limit is `peak-two`'s business, and the starts are a race.
        return Ok(());
    }
    let mut visits = server.visits();
    visits.sort_by_key(|v| v.arrived);
    let Some(first) = visits.first().map(|v| v.arrived) else {
        fail!("with max_run = 2 and 4 URLs, expected 4 requests; none reached the server");
    };
    let started = |path: &str| visits.iter().find(|v| v.path == path).map(|v| v.arrived);
    // A later URL that starts clearly (20 ms) before an earlier one breaks the list's order; two
    // starts closer than that are taken as simultaneous (when a slot is freed is `slow-no-block`'s
    // business, how many go at once `peak-two`'s).
    let overtaken = paths.iter().enumerate().find_map(|(i, early)| {
        let early_at = started(early)?;
        paths[i + 1..]
            .iter()
            .find(|late| started(late).is_some_and(|late_at| late_at + ms(20) < early_at))
            .map(|late| (*early, *late))
    });
    if let Some((early, late)) = overtaken {
        let seen: Vec<String> = visits
            .iter()
            .map(|v| format!("{} at {}", v.path, show(v.arrived.duration_since(first))))
            .collect();
        fail!(
            "with max_run = 2, four URLs /first, /second, /third, /fourth, the first answered after \
             60 ms and the second after 100 ms: expected them to start in the order of the list \
             (/first and /second at once, then each freed slot to the next URL), but {late} started \
             before {early}, with `download` called from a task on a runtime worker; the server \
             saw {} (are the URLs taken in another order than the list's? Or is a task spawned \
             per URL that waits for its slot inside the task? A worker runs the task spawned last \
             first: take the slot before spawning, or drive the requests from one task, as \
             `join_all` does)",
            seen.join(", ")
        );
    }
    Ok(())
}
