//! A plausible class of 30 on the kit's real plans, written to disk to look at in a browser:
//!
//! ```text
//! cargo test -p grader --bins batch::tests::demo -- --ignored
//! chromium --headless --no-sandbox --screenshot=/tmp/class-demo/shot.png \
//!     --window-size=1280,2400 file:///tmp/class-demo/class.html
//! ```
//!
//! The folder is `$CLASS_DEMO_DIR`, else `/tmp/class-demo`. Learners are made up by a seeded
//! generator: each has an ability and gets through the curriculum in order up to some challenge,
//! the last one half done; checks have a difficulty of their own, so the item analysis has
//! something to find.

use super::fixtures;
use crate::batch::class_report::{self, ClassEntry, Outcome};
use crate::batch::submission_page;
use grader_core::{ChallengePlan, Report, Status};
use std::path::{Path, PathBuf};

const NAMES: [&str; 30] = [
    "aaliyah-brooks",
    "ben.okafor",
    "camille_durand",
    "dmitri-volkov",
    "elena.garcia",
    "farah-haddad",
    "gus-lindqvist",
    "hana.sato",
    "ines_moreau",
    "jamal-wright",
    "kai.nakamura",
    "lena-fischer",
    "<mallory> & co",
    "noor.rahman",
    "oscar-perez",
    "priya.shah",
    "quentin_leroy",
    "rosa-bianchi",
    "sam.oconnor",
    "tariq-aziz",
    "uma.iyer",
    "victor-hugo",
    "wen.zhang",
    "xavier_dupont",
    "yara-haddad",
    "zoë o'brien",
    "amir.tehrani",
    "beatriz-costa",
    "chen.wei",
    "dana-kowalski",
];

/// splitmix64: a seeded generator, so the demo class is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A check's difficulty in 0..0.7, fixed by its ids: most are easy, a few are hard.
fn difficulty(plan: &ChallengePlan, check: &str) -> f64 {
    let seed = format!("{}{check}", plan.id)
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
    Rng(seed).next().powi(3) * 0.7
}

fn learner(plans: &[ChallengePlan], index: usize) -> Report {
    let mut rng = Rng(index as u64 * 7919 + 1);
    if index == 4 {
        // One learner of the class got everything.
        return fixtures::report(plans, |_, _, _| Status::Pass);
    }
    let ability = 0.35 + 0.63 * rng.next();
    let reached = ((ability * 15.0 + rng.next() * 4.0 - 2.0) as usize).clamp(1, plans.len());
    let broken = rng.next() < 0.08;
    let statuses: Vec<Vec<Status>> = plans
        .iter()
        .enumerate()
        .map(|(j, plan)| {
            let last = j + 1 == reached;
            plan.checks()
                .map(|(q, c)| {
                    if j >= reached || (last && q.id != "q1") {
                        Status::Todo
                    } else if last && broken {
                        Status::CompileError
                    } else if rng.next() < (ability - difficulty(plan, &c.id) + 0.35).clamp(0.02, 0.995) {
                        Status::Pass
                    } else {
                        match rng.next() {
                            r if r < 0.75 => Status::Fail,
                            r if r < 0.85 => Status::Timeout,
                            r if r < 0.95 => Status::Panic,
                            _ => Status::Crash,
                        }
                    }
                })
                .collect()
        })
        .collect();
    fixtures::report(plans, |plan, q, c| {
        let j = plans.iter().position(|p| p.id == plan.id).unwrap_or(0);
        let k = plan
            .checks()
            .position(|(q2, c2)| q2.id == q.id && c2.id == c.id)
            .unwrap_or(0);
        statuses[j][k]
    })
}

/// The kit's real plans.
pub fn kit_plans() -> Vec<ChallengePlan> {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    grader_core::plan::discover(&kit).expect("the kit's plans")
}

/// The reports of the 28 graded learners, in the order of [`NAMES`].
pub fn reports(plans: &[ChallengePlan]) -> Vec<Report> {
    (0..NAMES.len() - 2).map(|i| learner(plans, i)).collect()
}

/// The class: the graded learners of `reports`, and two submissions that could not be graded.
pub fn entries(reports: &[Report]) -> Vec<ClassEntry<'_>> {
    let mut entries: Vec<ClassEntry> = NAMES
        .iter()
        .zip(reports)
        .map(|(name, report)| ClassEntry {
            name,
            href: Some(format!("reports/{name}/report.html")),
            outcome: Outcome::Graded(report),
        })
        .collect();
    let reasons = [
        "there is no Cargo.toml at the top of this folder, so it is not a copy of the kit's exercises/",
        "the grader could not start cargo (No such file or directory): is Rust installed on the grading machine?",
    ];
    for (name, reason) in NAMES[reports.len()..].iter().zip(reasons) {
        entries.push(ClassEntry {
            name,
            href: None,
            outcome: Outcome::NotGraded { reason },
        });
    }
    entries
}

pub const TITLE: &str = "Networking with tokio — autumn class";

#[test]
#[ignore = "writes a demo class to disk for looking at; run it by name"]
fn write_a_demo_class() {
    let plans = kit_plans();
    let out =
        std::env::var_os("CLASS_DEMO_DIR").map_or_else(|| PathBuf::from("/tmp/class-demo"), PathBuf::from);
    let reports = reports(&plans);
    for (name, report) in NAMES.iter().zip(&reports) {
        let dir = out.join("reports").join(name);
        std::fs::create_dir_all(&dir).expect("the demo folder is writable");
        std::fs::write(dir.join("report.html"), submission_page::render(name, report)).expect("written");
    }
    let page = class_report::render(TITLE, &plans, &entries(&reports));
    std::fs::write(out.join("class.html"), page).expect("written");
    println!("wrote {}", out.join("class.html").display());
}
