//! In which order the challenges run, a few at a time: the longest first, by how long each took the
//! last time this target was graded. Started in plan order, a long challenge that comes last runs
//! alone at the end while the other worker idles; longest first keeps both busy until near the end.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How long each challenge took the last time, in ms, by id.
pub type Durations = BTreeMap<String, u64>;

/// The ids in the order to run them: those never timed first (in the order given, which is the
/// plan's), then the rest by their last duration, longest first.
pub fn order<'a>(ids: &[&'a str], last: &Durations) -> Vec<&'a str> {
    let mut ordered: Vec<&str> = ids.to_vec();
    // A stable sort: ties keep the plan's order.
    ordered.sort_by_key(|id| std::cmp::Reverse(last.get(*id).copied().unwrap_or(u64::MAX)));
    ordered
}

/// Where the durations of the target whose state folder is `folder` are kept.
pub fn file(folder: &Path) -> PathBuf {
    folder.join("durations.json")
}

/// The durations saved at `path`; none when there are none yet or the file is unreadable (the
/// order is only a matter of speed).
pub fn load(path: &Path) -> Durations {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Saves `new` over the durations at `path`, keeping those of challenges not graded this time.
pub fn save(path: &Path, new: &Durations) {
    let mut all = load(path);
    all.extend(new.iter().map(|(id, ms)| (id.clone(), *ms)));
    if let Ok(text) = serde_json::to_string_pretty(&all) {
        // Write then rename: a grader running at the same time reads the old file or the new one.
        let temp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&temp, text).is_ok() {
            let _ = std::fs::rename(&temp, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn durations(pairs: &[(&str, u64)]) -> Durations {
        pairs.iter().map(|(id, ms)| (id.to_string(), *ms)).collect()
    }

    #[test]
    fn plan_order_when_nothing_was_timed() {
        assert_eq!(
            order(&["c01", "c02", "c03"], &Durations::new()),
            ["c01", "c02", "c03"]
        );
    }

    #[test]
    fn longest_first_and_the_untimed_before_them() {
        let last = durations(&[("c01", 120), ("c02", 600), ("c03", 5), ("c06", 1500)]);
        assert_eq!(
            order(&["c01", "c02", "c03", "c04", "c06"], &last),
            ["c04", "c06", "c02", "c01", "c03"]
        );
    }

    #[test]
    fn ties_keep_the_plan_order() {
        let last = durations(&[("c01", 7), ("c02", 7)]);
        assert_eq!(order(&["c01", "c02"], &last), ["c01", "c02"]);
    }

    #[test]
    fn saving_keeps_the_challenges_not_graded_this_time() {
        let folder = tempfile::tempdir().unwrap();
        let path = file(folder.path());
        assert!(load(&path).is_empty());
        save(&path, &durations(&[("c01", 100), ("c02", 200)]));
        save(&path, &durations(&[("c02", 250)]));
        assert_eq!(load(&path), durations(&[("c01", 100), ("c02", 250)]));
    }
}
