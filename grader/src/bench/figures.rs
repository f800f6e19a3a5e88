//! The figures of a bench: per server, each figure over the runs (min / median / max); per run the
//! ratios of the learner's figure to the reference's and to the floor's, summarised the same way;
//! and the bench question's verdict. This is what `--format json` writes, field for field.

use super::measure::Sample;
use super::server::Side;
use bench::stats::{Spread, buckets};
use grader_core::plan::{BenchMetric, BenchPlan};
use serde::Serialize;

/// Every figure the bench takes, in the order reports show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// Ops per second (higher is better).
    Rate,
    /// Latency of an op, 50th percentile, µs.
    LatencyP50,
    /// Latency of an op, 99th percentile, µs.
    LatencyP99,
    /// Server CPU per op, µs.
    CpuPerOp,
    /// Resident memory per idle connection, bytes.
    MemoryPerIdle,
}

impl Figure {
    pub const ALL: [Figure; 5] = [
        Figure::Rate,
        Figure::LatencyP50,
        Figure::LatencyP99,
        Figure::CpuPerOp,
        Figure::MemoryPerIdle,
    ];

    /// The figure of one sample, when it has one.
    pub fn of(self, sample: &Sample) -> Option<f64> {
        match self {
            Figure::Rate => Some(sample.rate()),
            Figure::LatencyP50 => sample.latency_micros(0.50),
            Figure::LatencyP99 => sample.latency_micros(0.99),
            Figure::CpuPerOp => Some(sample.cpu_per_op_micros()),
            Figure::MemoryPerIdle => sample.memory_per_idle,
        }
    }

    /// Whether more is better (only the rate).
    pub fn higher_is_better(self) -> bool {
        self == Figure::Rate
    }

    pub fn of_metric(metric: BenchMetric) -> Figure {
        match metric {
            BenchMetric::CpuPerOp => Figure::CpuPerOp,
            BenchMetric::LatencyP99 => Figure::LatencyP99,
            BenchMetric::MemoryPerIdle => Figure::MemoryPerIdle,
        }
    }
}

/// One server's runs, as measured.
#[derive(Debug, Default)]
pub struct Runs {
    pub samples: Vec<Result<Sample, String>>,
}

/// A figure over the runs, for one server.
#[derive(Debug, Serialize)]
pub struct FigureSpread {
    pub figure: Figure,
    #[serde(flatten)]
    pub spread: Spread,
    /// Each successful run's value, in run order.
    pub runs: Vec<f64>,
}

/// One server's part of the results.
#[derive(Debug, Serialize)]
pub struct ServerFigures {
    pub server: &'static str,
    /// Each figure over the runs that succeeded.
    pub figures: Vec<FigureSpread>,
    /// Runs that failed, and why.
    pub failures: Vec<String>,
    /// Latencies of every run together, counted under the edges of
    /// `bench::stats::BUCKET_EDGES_MICROS` (µs).
    pub latency_histogram: Vec<u64>,
}

/// A ratio over the runs: `of` / `to`, each run's own (the three servers of a run ran side by
/// side in time, so machine noise hits them alike).
#[derive(Debug, Serialize)]
pub struct Ratio {
    pub figure: Figure,
    pub of: &'static str,
    pub to: &'static str,
    #[serde(flatten)]
    pub spread: Spread,
}

/// The bench question's verdict.
#[derive(Debug, Serialize)]
pub struct Question {
    pub metric: Figure,
    pub max_ratio: f64,
    /// The learner's figure over the reference's (median of the runs), if both were measured.
    pub ratio: Option<f64>,
    pub passed: bool,
    pub points: u32,
    pub max_points: u32,
}

/// One challenge's bench.
#[derive(Debug, Serialize)]
pub struct ChallengeBench {
    pub id: String,
    pub slug: String,
    /// What one op is: `connection`, `message`, `key`.
    pub op: &'static str,
    pub clients: usize,
    pub idle_connections: usize,
    pub runs: usize,
    pub servers: Vec<ServerFigures>,
    pub ratios: Vec<Ratio>,
    pub question: Option<Question>,
}

impl ChallengeBench {
    pub fn server(&self, side: Side) -> Option<&ServerFigures> {
        self.servers.iter().find(|s| s.server == side.name())
    }

    pub fn ratio(&self, figure: Figure, of: Side, to: Side) -> Option<&Ratio> {
        self.ratios
            .iter()
            .find(|r| r.figure == figure && r.of == of.name() && r.to == to.name())
    }
}

/// Puts the runs of the three servers together.
pub fn summarise(
    id: &str,
    slug: &str,
    op: &'static str,
    clients: usize,
    idle_connections: usize,
    runs: &[(Side, Runs)],
    plan: Option<&BenchPlan>,
) -> ChallengeBench {
    let side_runs = |side: Side| runs.iter().find(|(s, _)| *s == side).map(|(_, r)| r);
    let servers = runs
        .iter()
        .map(|(side, r)| {
            let ok: Vec<&Sample> = r.samples.iter().filter_map(|s| s.as_ref().ok()).collect();
            let all: Vec<_> = ok.iter().flat_map(|s| s.latencies.iter().copied()).collect();
            ServerFigures {
                server: side.name(),
                figures: Figure::ALL
                    .iter()
                    .filter_map(|&figure| {
                        let values: Vec<f64> = ok.iter().filter_map(|s| figure.of(s)).collect();
                        Spread::of(&values).map(|spread| FigureSpread {
                            figure,
                            spread,
                            runs: values,
                        })
                    })
                    .collect(),
                failures: r
                    .samples
                    .iter()
                    .filter_map(|s| s.as_ref().err().cloned())
                    .collect(),
                latency_histogram: buckets(&all),
            }
        })
        .collect();
    let mut ratios = Vec::new();
    for (of, to) in [
        (Side::Learner, Side::Reference),
        (Side::Learner, Side::Floor),
        (Side::Reference, Side::Floor),
    ] {
        let (Some(a), Some(b)) = (side_runs(of), side_runs(to)) else {
            continue;
        };
        for figure in Figure::ALL {
            let per_run: Vec<f64> = a
                .samples
                .iter()
                .zip(&b.samples)
                .filter_map(|(x, y)| {
                    let (x, y) = (figure.of(x.as_ref().ok()?)?, figure.of(y.as_ref().ok()?)?);
                    (y > 0.0).then_some(x / y)
                })
                .collect();
            if let Some(spread) = Spread::of(&per_run) {
                ratios.push(Ratio {
                    figure,
                    of: of.name(),
                    to: to.name(),
                    spread,
                });
            }
        }
    }
    let mut bench = ChallengeBench {
        id: id.to_string(),
        slug: slug.to_string(),
        op,
        clients,
        idle_connections,
        runs: runs.first().map_or(0, |(_, r)| r.samples.len()),
        servers,
        ratios,
        question: None,
    };
    bench.question = plan.map(|plan| question(&bench, plan));
    bench
}

/// The bench question: the learner's figure within `max_ratio` of the reference's. A learner whose
/// server could not be measured does not pass.
pub fn question(bench: &ChallengeBench, plan: &BenchPlan) -> Question {
    let metric = Figure::of_metric(plan.metric);
    let ratio = bench
        .ratio(metric, Side::Learner, Side::Reference)
        .map(|r| r.spread.median);
    let passed = ratio.is_some_and(|r| r <= plan.max_ratio);
    Question {
        metric,
        max_ratio: plan.max_ratio,
        ratio,
        passed,
        points: if passed { plan.points } else { 0 },
        max_points: plan.points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn sample(ops: u64, cpu_ms: u64) -> Result<Sample, String> {
        Ok(Sample {
            ops,
            elapsed: Duration::from_secs(1),
            cpu: Duration::from_millis(cpu_ms),
            latencies: vec![Duration::from_micros(100); ops as usize],
            memory_per_idle: None,
        })
    }

    fn runs(samples: Vec<Result<Sample, String>>) -> Runs {
        Runs { samples }
    }

    #[test]
    fn ratios_are_taken_run_by_run_and_the_question_reads_the_median() {
        let measured = vec![
            (
                Side::Learner,
                runs(vec![sample(100, 300), sample(100, 200), Err("crashed".into())]),
            ),
            (
                Side::Reference,
                runs(vec![sample(100, 100), sample(100, 100), sample(100, 100)]),
            ),
            (
                Side::Floor,
                runs(vec![sample(100, 50), sample(100, 50), sample(100, 50)]),
            ),
        ];
        let plan = BenchPlan {
            points: 3,
            metric: BenchMetric::CpuPerOp,
            max_ratio: 2.0,
        };
        let b = summarise("c01", "identity", "connection", 16, 0, &measured, Some(&plan));
        let r = b.ratio(Figure::CpuPerOp, Side::Learner, Side::Reference).unwrap();
        assert_eq!((r.spread.min, r.spread.median, r.spread.max), (2.0, 2.5, 3.0));
        assert_eq!(
            b.ratio(Figure::CpuPerOp, Side::Reference, Side::Floor)
                .unwrap()
                .spread
                .median,
            2.0
        );
        assert_eq!(b.server(Side::Learner).unwrap().failures, ["crashed"]);
        let q = b.question.as_ref().unwrap();
        assert!(!q.passed);
        assert_eq!((q.points, q.max_points), (0, 3));
        assert!(
            b.ratio(Figure::MemoryPerIdle, Side::Learner, Side::Reference)
                .is_none()
        );
    }

    #[test]
    fn a_server_never_measured_fails_the_question() {
        let measured = vec![
            (Side::Learner, runs(vec![Err("did not start".into())])),
            (Side::Reference, runs(vec![sample(10, 10)])),
        ];
        let plan = BenchPlan {
            points: 0,
            metric: BenchMetric::LatencyP99,
            max_ratio: 5.0,
        };
        let b = summarise("c10", "echo", "message", 16, 0, &measured, Some(&plan));
        assert!(!b.question.unwrap().passed);
    }
}
