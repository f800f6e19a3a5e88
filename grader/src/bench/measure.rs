//! One measurement of one server: idle connections held (memory), a short warm-up, then the load
//! for the set time (rate, latency, CPU).

use bench::load::Workload;
use bench::procfs;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

/// How long opening the idle connections may take.
const IDLE_LIMIT: Duration = Duration::from_secs(15);

/// How hard and how long to push.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long the load runs in each measurement.
    pub duration: Duration,
    /// How many idle connections are held to measure memory.
    pub idle: usize,
}

/// What one measurement of one server gave.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub ops: u64,
    pub elapsed: Duration,
    /// Server CPU time spent during the load.
    pub cpu: Duration,
    /// Every op's latency, sorted.
    pub latencies: Vec<Duration>,
    /// Resident memory the server took per idle connection, in bytes.
    pub memory_per_idle: Option<f64>,
}

impl Sample {
    pub fn rate(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn cpu_per_op_micros(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / (self.ops.max(1) as f64)
    }

    pub fn latency_micros(&self, q: f64) -> Option<f64> {
        bench::stats::percentile(&self.latencies, q).map(|d| d.as_secs_f64() * 1e6)
    }
}

/// Measures the server `pid` listening on `addr` under `workload`.
pub async fn measure(
    workload: &'static dyn Workload,
    addr: SocketAddr,
    pid: u32,
    settings: Settings,
) -> Result<Sample, String> {
    // Memory first, while the server has served next to nothing: after a load, idle connections
    // would reuse the memory the load's connections freed, and seem to cost nothing.
    let memory_per_idle = tokio::time::timeout(IDLE_LIMIT, hold_idle(workload, addr, pid, settings.idle))
        .await
        .map_err(|_| {
            format!(
                "the idle connections were not all taken on within {} s",
                IDLE_LIMIT.as_secs()
            )
        })??;
    // Warm-up: the first connections pay for lazy set-up (the runtime's threads, allocations).
    drive(workload, addr, Duration::from_millis(150)).await?;
    let cpu_before = procfs::cpu_time(pid).ok_or("cannot read the server's CPU time")?;
    let start = Instant::now();
    let mut latencies = drive(workload, addr, settings.duration).await?;
    let elapsed = start.elapsed();
    let cpu_after = procfs::cpu_time(pid).ok_or("the server ended during the load")?;
    latencies.sort();
    Ok(Sample {
        ops: latencies.len() as u64,
        elapsed,
        cpu: cpu_after.saturating_sub(cpu_before),
        latencies,
        memory_per_idle,
    })
}

/// Runs the workload's clients against `addr` for `duration`; every op's latency.
async fn drive(
    workload: &'static dyn Workload,
    addr: SocketAddr,
    duration: Duration,
) -> Result<Vec<Duration>, String> {
    let until = Instant::now() + duration;
    // A client stuck on a server that stopped answering fails the measurement, not the bench.
    let limit = duration + Duration::from_secs(10);
    let clients: Vec<_> = workload
        .run(addr, until)
        .into_iter()
        .map(|client| tokio::spawn(tokio::time::timeout(limit, client)))
        .collect();
    let mut all = Vec::new();
    for client in clients {
        match client.await {
            Ok(Ok(Ok(latencies))) => all.extend(latencies),
            Ok(Ok(Err(e))) => return Err(format!("a client failed: {e}")),
            Ok(Err(_)) => return Err(format!("a client got no answer within {} s", limit.as_secs())),
            Err(e) => return Err(format!("a client panicked: {e}")),
        }
    }
    if all.is_empty() {
        return Err("no op completed".into());
    }
    Ok(all)
}

/// Opens `count` idle connections and returns the server's resident memory per connection.
async fn hold_idle(
    workload: &'static dyn Workload,
    addr: SocketAddr,
    pid: u32,
    count: usize,
) -> Result<Option<f64>, String> {
    if count == 0 || workload.idle(addr).is_none() {
        return Ok(None);
    }
    let settle = Duration::from_millis(100);
    // One connection first, not counted: it pays for what the server sets up lazily.
    let _first = match workload.idle(addr) {
        Some(open) => Some(
            open.await
                .map_err(|e| format!("an idle connection failed: {e}"))?,
        ),
        None => None,
    };
    tokio::time::sleep(settle).await;
    let before = procfs::resident_bytes(pid).ok_or("cannot read the server's memory")?;
    let mut held = Vec::with_capacity(count);
    // In batches, so that the listen backlog never overflows.
    for batch in (0..count).collect::<Vec<_>>().chunks(64) {
        let opened = futures::future::join_all(batch.iter().filter_map(|_| workload.idle(addr))).await;
        for stream in opened {
            held.push(stream.map_err(|e| format!("an idle connection failed: {e}"))?);
        }
    }
    tokio::time::sleep(settle).await;
    let after = procfs::resident_bytes(pid).ok_or("the server ended while connections were idle")?;
    drop(held);
    Ok(Some(after.saturating_sub(before) as f64 / count as f64))
}
