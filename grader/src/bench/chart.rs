//! The bench as text: a table of the figures, bars of the ratios to the reference and a latency
//! histogram of the learner's server beside the reference's.

use super::figures::{ChallengeBench, Figure};
use super::server::Side;
use std::fmt::Write;

const BAR: usize = 30;

/// The whole bench of one challenge.
pub fn render(b: &ChallengeBench) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: {} run(s) of each server, {} clients, an op is one {}",
        b.id, b.slug, b.runs, b.clients, b.op
    );
    table(&mut out, b);
    bars(&mut out, b);
    histogram(&mut out, b);
    if let Some(q) = &b.question {
        let verdict = match q.ratio {
            Some(r) if q.passed => format!("within ({})", times(r)),
            Some(r) => format!("over ({})", times(r)),
            None => "not measured".to_string(),
        };
        let _ = writeln!(
            out,
            "  bench question: {} at most {} the reference's: {verdict}, {} of {} point(s)",
            label(q.metric, b.op),
            times(q.max_ratio),
            q.points,
            q.max_points
        );
    }
    out
}

fn label(figure: Figure, op: &str) -> String {
    match figure {
        Figure::Rate => format!("{op}s per second"),
        Figure::LatencyP50 => "latency p50".into(),
        Figure::LatencyP99 => "latency p99".into(),
        Figure::CpuPerOp => format!("CPU per {op}"),
        Figure::MemoryPerIdle => "memory per idle connection".into(),
    }
}

/// A figure's value for people: `12.3k/s`, `1.31 ms`, `61 µs`, `14.2 KiB`.
pub fn value(figure: Figure, v: f64) -> String {
    match figure {
        Figure::Rate if v >= 10_000.0 => format!("{:.1}k/s", v / 1000.0),
        Figure::Rate => format!("{v:.0}/s"),
        Figure::LatencyP50 | Figure::LatencyP99 | Figure::CpuPerOp => micros(v),
        Figure::MemoryPerIdle if v >= 1024.0 * 1024.0 => format!("{:.1} MiB", v / 1024.0 / 1024.0),
        Figure::MemoryPerIdle => format!("{:.1} KiB", v / 1024.0),
    }
}

fn micros(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.2} s", v / 1e6)
    } else if v >= 1000.0 {
        format!("{:.2} ms", v / 1000.0)
    } else if v >= 10.0 {
        format!("{v:.0} µs")
    } else {
        format!("{v:.1} µs")
    }
}

/// A bucket's edge: `10 µs`, `2 ms`, `1 s`.
fn edge(micros: u64) -> String {
    match micros {
        m if m >= 1_000_000 => format!("{} s", m / 1_000_000),
        m if m >= 1000 => format!("{} ms", m / 1000),
        m => format!("{m} µs"),
    }
}

fn times(r: f64) -> String {
    format!("{r:.2}×")
}

fn table(out: &mut String, b: &ChallengeBench) {
    let _ = writeln!(
        out,
        "  {:<30}{:>14}{:>14}{:>14}",
        "", "yours", "reference", "floor"
    );
    for figure in Figure::ALL {
        let cells: Vec<String> = Side::ALL
            .iter()
            .map(|&side| {
                b.server(side)
                    .and_then(|s| s.figures.iter().find(|f| f.figure == figure))
                    .map_or_else(|| "—".to_string(), |f| value(figure, f.spread.median))
            })
            .collect();
        if cells.iter().all(|c| c == "—") {
            continue;
        }
        let _ = writeln!(
            out,
            "  {:<30}{:>14}{:>14}{:>14}",
            label(figure, b.op),
            cells[0],
            cells[1],
            cells[2]
        );
    }
    for side in Side::ALL {
        if let Some(failure) = b.server(side).and_then(|s| s.failures.first()) {
            let _ = writeln!(out, "  {} failed: {failure}", side.name());
        }
    }
}

fn bars(out: &mut String, b: &ChallengeBench) {
    let rows: Vec<(Figure, Side, f64, f64, f64)> = Figure::ALL
        .iter()
        .flat_map(|&figure| {
            [Side::Learner, Side::Floor].into_iter().filter_map(move |side| {
                let r = if side == Side::Floor {
                    // The floor against the reference: the inverse of reference / floor.
                    b.ratio(figure, Side::Reference, Side::Floor)
                        .map(|r| (1.0 / r.spread.median, 1.0 / r.spread.max, 1.0 / r.spread.min))
                } else {
                    b.ratio(figure, side, Side::Reference)
                        .map(|r| (r.spread.median, r.spread.min, r.spread.max))
                }?;
                Some((figure, side, r.0, r.1, r.2))
            })
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n  Against the reference (1× is the reference's own figure; │ marks it)"
    );
    let scale = rows.iter().map(|r| r.4).fold(1.0f64, f64::max).max(2.0);
    let mark = ((BAR as f64) / scale).round() as usize;
    let mut last = None;
    for (figure, side, median, min, max) in rows {
        let name = if last == Some(figure) {
            String::new()
        } else {
            let better = if figure.higher_is_better() {
                "higher"
            } else {
                "lower"
            };
            format!("{}, {better} is better", label(figure, b.op))
        };
        last = Some(figure);
        let filled = ((median / scale) * BAR as f64).round().clamp(0.0, BAR as f64) as usize;
        let bar: String = (0..BAR)
            .map(|i| match (i < filled, i == mark) {
                (_, true) => '│',
                (true, false) => '█',
                (false, false) => ' ',
            })
            .collect();
        let _ = writeln!(
            out,
            "  {name:<44}{:<10}{bar} {}  (runs {}–{})",
            side.name(),
            times(median),
            times(min),
            times(max)
        );
    }
}

fn histogram(out: &mut String, b: &ChallengeBench) {
    let (Some(yours), Some(reference)) = (b.server(Side::Learner), b.server(Side::Reference)) else {
        return;
    };
    let (a, r) = (&yours.latency_histogram, &reference.latency_histogram);
    let (ta, tr) = (a.iter().sum::<u64>(), r.iter().sum::<u64>());
    if ta == 0 || tr == 0 {
        return;
    }
    let count = |h: &Vec<u64>, i: usize| h.get(i).copied().unwrap_or(0);
    let used: Vec<usize> = (0..a.len().max(r.len()))
        .filter(|&i| count(a, i) + count(r, i) > 0)
        .collect();
    let (Some(&first), Some(&last)) = (used.first(), used.last()) else {
        return;
    };
    let width = 20usize;
    let _ = writeln!(
        out,
        "\n  {:<40}{:<27}reference",
        format!("Latency of one {}, share of ops", b.op),
        "yours"
    );
    for i in first..=last {
        let share = |h: &Vec<u64>, total: u64| count(h, i) as f64 / total as f64;
        let (sa, sr) = (share(a, ta), share(r, tr));
        let bar = |s: f64| {
            let n = (s * width as f64).round() as usize;
            format!("{:<w$}", "█".repeat(n.max(usize::from(s > 0.0))), w = width)
        };
        let _ = writeln!(
            out,
            "  {:<40}{} {:>3.0}%  {} {:>3.0}%",
            format!("under {}", edge(bench::stats::BUCKET_EDGES_MICROS[i])),
            bar(sa),
            sa * 100.0,
            bar(sr),
            sr * 100.0
        );
    }
}
