//! Summaries: percentiles of one run's latencies, and min / median / max over runs.

use serde::Serialize;
use std::time::Duration;

/// The value at quantile `q` (0.0 to 1.0) of `sorted`, nearest rank; `None` when empty.
pub fn percentile(sorted: &[Duration], q: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Min, median and max of a figure over the runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    /// `None` when there are no values.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 1 {
            v[mid]
        } else {
            (v[mid - 1] + v[mid]) / 2.0
        };
        Some(Spread {
            min: v[0],
            median,
            max: v[v.len() - 1],
        })
    }

    /// How far apart the runs are, relative to the median: (max − min) / median.
    pub fn relative_width(&self) -> f64 {
        if self.median == 0.0 {
            0.0
        } else {
            (self.max - self.min) / self.median
        }
    }
}

/// The upper edges of the latency histogram's buckets, in µs: 1-2-5 steps from 10 µs to 10 s, so
/// that latencies from 10 µs to 100 ms fit on one screen with round labels.
pub const BUCKET_EDGES_MICROS: [u64; 19] = [
    10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
    1_000_000, 2_000_000, 5_000_000, 10_000_000,
];

/// Latencies counted by bucket: bucket `i` holds those under `BUCKET_EDGES_MICROS[i]` (and at least
/// the edge before); the last bucket also holds everything slower.
pub fn buckets(latencies: &[Duration]) -> Vec<u64> {
    let mut counts = vec![0u64; BUCKET_EDGES_MICROS.len()];
    for l in latencies {
        let micros = l.as_micros() as u64;
        let i = BUCKET_EDGES_MICROS
            .iter()
            .position(|&edge| micros < edge)
            .unwrap_or(BUCKET_EDGES_MICROS.len() - 1);
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 0.5), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&v, 0.99), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&v, 1.0), Some(Duration::from_millis(100)));
        assert_eq!(percentile(&v[..1], 0.99), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn a_spread_has_the_median_of_odd_and_even_runs() {
        let s = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.min, s.median, s.max), (1.0, 2.0, 3.0));
        assert_eq!(Spread::of(&[1.0, 2.0, 4.0, 3.0]).unwrap().median, 2.5);
        assert_eq!(Spread::of(&[f64::NAN]), None);
        assert!((s.relative_width() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn buckets_hold_what_is_under_their_edge() {
        let b = buckets(&[
            Duration::from_micros(1),
            Duration::from_micros(10),
            Duration::from_micros(19),
            Duration::from_micros(999),
            Duration::from_secs(60),
        ]);
        assert_eq!(b.len(), BUCKET_EDGES_MICROS.len());
        assert_eq!((b[0], b[1], b[6]), (1, 2, 1));
        assert_eq!(
            b[BUCKET_EDGES_MICROS.len() - 1],
            1,
            "slower than the last edge: the last bucket"
        );
        assert_eq!(b.iter().sum::<u64>(), 5);
    }
}
