//! The record of verdicts: `tests/verdicts.txt`, what `grader dev wrong` found for each case, keyed
//! by everything the verdict depends on. A case whose key is in the record is not graded again
//! (except the daily sample, below); a case whose crate, checks, harness, grader or toolchain
//! changed has a new key and is graded. This is cargo-mutants' `--in-diff` for the kit's own
//! wrong answers: CI grades what a change can affect, and the record says what the rest gave when
//! it was last graded in full (`grader dev wrong --record`).
//!
//! A few recorded cases are graded anyway, a different few each day (`sample`): a record that
//! does not match what grading gives (a stale record, a flaky check, a hand edit) fails the run.
//! Once a sampled case has given its recorded verdict here, it is not graded again that day
//! (`Confirmed`, in the build folder): a contributor's warm `cargo test` does not wait on the same
//! sample at every run, and a fresh clone (CI) always grades it.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where the record lives in the kit.
pub fn path(kit: &Path) -> PathBuf {
    kit.join("tests").join("verdicts.txt")
}

/// One recorded verdict: the checks a case lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub challenge: String,
    pub case: String,
    pub lost: BTreeSet<String>,
}

/// The record: entries by key.
#[derive(Debug, Default)]
pub struct Record {
    pub entries: BTreeMap<String, Entry>,
}

impl Record {
    /// The record in the kit, or an empty one if there is none.
    pub fn load(kit: &Path) -> Result<Record> {
        let path = path(kit);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(Record::default());
        };
        Record::parse(&text).with_context(|| {
            format!(
                "{} is damaged: `grader dev wrong --record` writes it again",
                path.display()
            )
        })
    }

    /// Lines of `<key> <challenge> <case> <lost,checks|->`; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Record> {
        let mut entries = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split(' ').collect();
            let [key, challenge, case, lost] = fields[..] else {
                anyhow::bail!(
                    "line {}: expected `<key> <challenge> <case> <lost checks>`: {line:?}",
                    n + 1
                );
            };
            let lost = if lost == "-" {
                BTreeSet::new()
            } else {
                lost.split(',').map(str::to_string).collect()
            };
            entries.insert(
                key.to_string(),
                Entry {
                    challenge: challenge.to_string(),
                    case: case.to_string(),
                    lost,
                },
            );
        }
        Ok(Record { entries })
    }

    pub fn render(&self) -> String {
        let mut lines: Vec<(&Entry, &String)> = self.entries.iter().map(|(k, e)| (e, k)).collect();
        lines.sort_by(|a, b| (&a.0.challenge, &a.0.case, a.1).cmp(&(&b.0.challenge, &b.0.case, b.1)));
        let mut out = String::from(
            "# What `grader dev wrong` found for each wrong and correct answer of tests/wrong/ and tests/correct/,\n\
             # by a key over everything the verdict depends on: <key> <challenge> <case> <lost checks, or ->.\n\
             # Written by `cargo run -p grader -- dev wrong --record` (and `--correct --cases tests/correct --record`);\n\
             # a case whose key is here is not graded again by `cargo test` (see grader/src/dev/wrong_record.rs).\n",
        );
        for (e, key) in lines {
            let lost: Vec<&str> = e.lost.iter().map(String::as_str).collect();
            let lost = if lost.is_empty() {
                "-".to_string()
            } else {
                lost.join(",")
            };
            out.push_str(&format!("{key} {} {} {lost}\n", e.challenge, e.case));
        }
        out
    }

    pub fn write(&self, kit: &Path) -> Result<()> {
        let path = path(kit);
        std::fs::write(&path, self.render()).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// Today's sample: for each challenge with recorded cases, whether it is sampled today (every other
/// challenge, alternating by day), and which of its cases (by day, in turn).
pub fn sampled(challenge_index: usize, case_index: usize, cases: usize, day: u64) -> bool {
    if cases == 0 || !(challenge_index as u64 + day).is_multiple_of(2) {
        return false;
    }
    (day / 2 + challenge_index as u64) % cases as u64 == case_index as u64
}

/// The sampled cases already graded here today with their recorded verdict, by key: a file per
/// day in `dev wrong`'s build folder, the older days' removed when it is written.
pub struct Confirmed {
    path: PathBuf,
    pub keys: BTreeSet<String>,
}

impl Confirmed {
    pub fn load(work: &Path, day: u64) -> Confirmed {
        let path = work.join(format!("sampled-{day}.txt"));
        let keys = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        Confirmed { path, keys }
    }

    /// Adds `keys` and writes the day's file (best effort: it only saves time).
    pub fn add(&mut self, keys: impl IntoIterator<Item = String>) {
        let before = self.keys.len();
        self.keys.extend(keys);
        if self.keys.len() == before {
            return;
        }
        if let Some(dir) = self.path.parent()
            && let Ok(entries) = std::fs::read_dir(dir)
        {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("sampled-") && entry.path() != self.path {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        let text: String = self.keys.iter().map(|k| format!("{k}\n")).collect();
        let _ = std::fs::write(&self.path, text);
    }
}

/// Days since 1970 (UTC): the sample changes once a day and is the same all day long.
pub fn today() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmed_sample_is_kept_for_its_day_only() {
        let work = tempfile::tempdir().unwrap();
        let mut today = Confirmed::load(work.path(), 10);
        today.add(["k1".to_string()]);
        assert!(Confirmed::load(work.path(), 10).keys.contains("k1"));
        let mut tomorrow = Confirmed::load(work.path(), 11);
        assert!(tomorrow.keys.is_empty());
        tomorrow.add(["k2".to_string()]);
        assert!(
            !work.path().join("sampled-10.txt").exists(),
            "the older day's file goes"
        );
    }

    #[test]
    fn a_record_reads_back_what_it_wrote() {
        let mut r = Record::default();
        r.entries.insert(
            "k1".into(),
            Entry {
                challenge: "c04".into(),
                case: "burst".into(),
                lost: ["no-burst".to_string(), "b".to_string()].into(),
            },
        );
        r.entries.insert(
            "k0".into(),
            Entry {
                challenge: "c01".into(),
                case: "odd".into(),
                lost: BTreeSet::new(),
            },
        );
        let text = r.render();
        assert!(text.contains("k0 c01 odd -\n"));
        assert!(text.contains("k1 c04 burst b,no-burst\n"));
        assert!(
            text.find("k0").unwrap() < text.find("k1").unwrap(),
            "by challenge"
        );
        assert_eq!(Record::parse(&text).unwrap().entries, r.entries);
        assert!(Record::parse("k c01 odd\n").is_err());
    }

    #[test]
    fn half_the_challenges_give_one_case_a_day_and_all_cases_come_in_turn() {
        let mut seen = BTreeSet::new();
        for day in 0..40 {
            let today: Vec<usize> = (0..5).filter(|&i| sampled(3, i, 5, day)).collect();
            assert!(today.len() <= 1);
            seen.extend(today);
            let challenges = (0..14).filter(|&c| (0..3).any(|i| sampled(c, i, 3, day))).count();
            assert_eq!(challenges, 7, "day {day}");
        }
        assert_eq!(seen.len(), 5, "every case of a challenge is sampled in turn");
    }
}
