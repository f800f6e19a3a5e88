//! `grader bench`: how fast is my server? Each server challenge's server is measured three ways,
//! run after run: the learner's, the reference's and a floor (the least a tokio server doing that
//! protocol can cost), interleaved so that machine noise hits all three alike.
//!
//! - the servers are the check runners, built as for grading (the learner's crate optimised) and
//!   started in their bench part (`harness::process::bench`) in the grading sandbox's limits;
//! - the load is `bench::load`'s, driven from here over loopback ([`measure`]);
//! - the figures and ratios are [`figures`], shown as [`chart`] or JSON.
//!
//! It grades nothing unless a plan gives its bench question points, and it never fails a build:
//! the exit status is 2 only when it could not run at all.

mod chart;
mod figures;
mod measure;
mod server;

use crate::compile;
use crate::sealed::{RunFolder, hidden_from_runs};
use crate::target::Target;
use anyhow::{Context, Result, anyhow};
use figures::{ChallengeBench, Runs};
use grader_core::ChallengePlan;
use grader_core::sandbox::Sandbox;
use measure::Settings;
use serde::Serialize;
use server::{Server, Side};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What `grader bench` was asked.
pub struct Options {
    /// Whether the challenges were named (each must then be a server challenge); otherwise every
    /// server challenge of those given is benched.
    pub named: bool,
    /// Runs of each server.
    pub runs: usize,
    pub settings: Settings,
    pub json: bool,
    pub output: Option<PathBuf>,
    pub sealed: bool,
    pub quiet: bool,
}

/// The JSON of `grader bench --format json`.
#[derive(Serialize)]
struct BenchReport<'a> {
    kit: &'static str,
    version: &'static str,
    target: &'a str,
    duration_ms: u64,
    /// The unit of each figure.
    units: Units,
    /// The upper edges of the latency histogram's buckets, in µs.
    latency_histogram_edges_us: &'static [u64],
    challenges: &'a [ChallengeBench],
}

#[derive(Serialize)]
struct Units {
    rate: &'static str,
    latency_p50: &'static str,
    latency_p99: &'static str,
    cpu_per_op: &'static str,
    memory_per_idle: &'static str,
}

const UNITS: Units = Units {
    rate: "ops per second",
    latency_p50: "µs",
    latency_p99: "µs",
    cpu_per_op: "µs of server CPU time",
    memory_per_idle: "bytes of resident memory",
};

/// Benches the server challenges among `asked` (the command line's, as the grade selects them).
pub fn run(
    kit: &Path,
    plans: &[ChallengePlan],
    asked: &[&ChallengePlan],
    target: &Target,
    sandbox: &Sandbox,
    options: &Options,
) -> Result<u8> {
    let selected = servers(plans, asked, options.named)?;
    let reference = Target::solutions(kit);
    let progress = !options.quiet;
    if progress {
        anstream::eprintln!(
            "Building the servers of {} challenge(s), yours and the reference…",
            selected.len()
        );
    }
    let learner = compile::build(kit, target, plans, &selected, progress, options.sealed)?;
    let references = compile::build(kit, &reference, plans, &selected, progress, false)?;
    // The sandbox of grading, but on the machine's loopback: the load comes from this process.
    let mut sandbox = sandbox.clone();
    sandbox.isolate_network = false;
    let folder = if options.sealed {
        sandbox.hide = hidden_from_runs(kit);
        Some(RunFolder::new(&sandbox.hide)?)
    } else {
        None
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the load generator's runtime")?;
    let mut results = Vec::new();
    for plan in &selected {
        let workload = bench::load::workload(&plan.id).expect("selected challenges have a load");
        let mut runs: Vec<(Side, Runs)> = Side::ALL.iter().map(|&s| (s, Runs::default())).collect();
        let runner = |side: Side| -> Result<PathBuf, String> {
            let built = if side == Side::Learner {
                &learner
            } else {
                &references
            };
            let exe = built.runners.get(&plan.id).ok_or_else(|| {
                let error = built
                    .errors
                    .get(&plan.id)
                    .map_or("no runner was built", |e| e.as_str());
                format!(
                    "it does not compile: {}",
                    error.lines().next().unwrap_or_default()
                )
            })?;
            match &folder {
                Some(folder) => folder
                    .install(exe, &format!("{}-{}", plan.id, side.name()))
                    .map_err(|e| format!("{e:#}")),
                None => Ok(exe.clone()),
            }
        };
        let exes: Vec<(Side, Result<PathBuf, String>)> = Side::ALL.iter().map(|&s| (s, runner(s))).collect();
        for run in 0..options.runs {
            if progress {
                anstream::eprintln!("{} {}: run {}/{}", plan.id, plan.slug, run + 1, options.runs);
            }
            // Each run starts with the next server, so that no server always goes first.
            for k in 0..Side::ALL.len() {
                let (side, exe) = &exes[(run + k) % exes.len()];
                let sample = exe.clone().and_then(|exe| {
                    let mut server = Server::start(&exe, *side, &sandbox, folder.as_ref())
                        .map_err(|e| format!("{e:#}"))?;
                    let measured = runtime.block_on(measure::measure(
                        workload,
                        server.addr,
                        server.pid(),
                        options.settings,
                    ));
                    measured.map_err(|why| server.explain(why))
                });
                if let Some((_, r)) = runs.iter_mut().find(|(s, _)| s == side) {
                    r.samples.push(sample);
                }
            }
        }
        // Idle connections were held for the servers whose load holds them (memory was measured).
        let held = runs
            .iter()
            .flat_map(|(_, r)| &r.samples)
            .any(|s| s.as_ref().is_ok_and(|s| s.memory_per_idle.is_some()));
        let idle = if held { options.settings.idle } else { 0 };
        results.push(figures::summarise(
            &plan.id,
            &plan.slug,
            workload.op(),
            workload.clients(),
            idle,
            &runs,
            plan.bench.as_ref(),
        ));
    }
    let text = if options.json {
        let report = BenchReport {
            kit: "tokio-challenges",
            version: env!("CARGO_PKG_VERSION"),
            target: &target.label,
            duration_ms: (options.settings.duration.as_secs_f64() * 1000.0) as u64,
            units: UNITS,
            latency_histogram_edges_us: &bench::stats::BUCKET_EDGES_MICROS,
            challenges: &results,
        };
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        results.iter().map(chart::render).collect::<Vec<_>>().join("\n")
    };
    match &options.output {
        Some(path) => grader_core::report::write_report(path, &text)?,
        None => anstream::print!("{text}"),
    }
    Ok(0)
}

/// The server challenges among `asked`: all of them, or, when they were `named`, each one (a named
/// challenge that is not a server is an error that lists the server challenges).
fn servers<'a>(
    plans: &[ChallengePlan],
    asked: &[&'a ChallengePlan],
    named: bool,
) -> Result<Vec<&'a ChallengePlan>> {
    let is_server = |p: &ChallengePlan| p.bench.is_some() && bench::load::workload(&p.id).is_some();
    if let Some(plan) = asked.iter().find(|p| named && !is_server(p)) {
        let names: Vec<&str> = plans
            .iter()
            .filter(|p| is_server(p))
            .map(|p| p.id.as_str())
            .collect();
        return Err(anyhow!(
            "{} {} is not a server challenge: the bench measures {}",
            plan.id,
            plan.slug,
            names.join(", ")
        ));
    }
    Ok(asked.iter().copied().filter(|p| is_server(p)).collect())
}

/// The settings from the command line's numbers.
pub fn settings(seconds: f64, idle: usize) -> Result<Settings> {
    if !(0.1..=10.0).contains(&seconds) {
        return Err(anyhow!("--seconds must be between 0.1 and 10"));
    }
    if idle > 5_000 {
        return Err(anyhow!("--idle is at most 5000 connections"));
    }
    Ok(Settings {
        duration: Duration::from_secs_f64(seconds),
        idle,
    })
}
