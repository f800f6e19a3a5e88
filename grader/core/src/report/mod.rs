//! The report formats: a table for people, JSON for machines (docs/GRADER.md), and the result
//! files of the platforms a class is graded on (docs/FORMATS.md). Every format is a pure function
//! of a [`Report`]: grade once, render as many times as needed (`grader batch` writes several).

mod classroom;
mod exercism;
mod gradescope;
mod json;
mod junit;
mod labels;
mod next;
mod output;
mod table;
mod text;

use anyhow::{Result, anyhow};
pub use classroom::to_classroom;
pub use exercism::to_exercism;
pub use gradescope::to_gradescope;
pub use json::to_json;
pub use junit::to_junit;
pub use next::{NextStep, Upcoming, next_step, render_next};
pub use output::write_report;
pub use table::{TableOptions, render_challenge, render_table, render_table_parts};

use crate::Report;

/// A way to render a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The table a learner reads.
    Table,
    /// The JSON report of docs/GRADER.md.
    Json,
    /// Gradescope's `results.json`.
    Gradescope,
    /// JUnit XML, for CI test widgets.
    Junit,
    /// Exercism's test-runner `results.json`, version 3.
    Exercism,
    /// GitHub Classroom's runner result.
    Classroom,
}

/// How to render, beyond the format itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// The table lists passing checks of passing challenges too.
    pub verbose: bool,
    /// The Classroom result base64-encoded on one line (the other formats ignore it).
    pub base64: bool,
    /// Keep the table's ANSI styles (for a terminal, through `anstream`); without it the table is
    /// plain text, as a file should be.
    pub color: bool,
    /// The challenge after those graded, for the table's next step once they all pass.
    pub upcoming: Option<Upcoming>,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Table,
        Format::Json,
        Format::Gradescope,
        Format::Junit,
        Format::Exercism,
        Format::Classroom,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Gradescope => "gradescope",
            Format::Junit => "junit",
            Format::Exercism => "exercism",
            Format::Classroom => "classroom",
        }
    }

    /// The file `grader batch` writes this format to, in each submission's folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Table => "report.txt",
            Format::Json => "report.json",
            Format::Gradescope => "gradescope.json",
            Format::Junit => "junit.xml",
            Format::Exercism => "exercism.json",
            Format::Classroom => "classroom.json",
        }
    }

    /// The report in this format, ending with a line break. Options a format has no use for are
    /// ignored (`grader batch` renders several formats with one set): [`check_options`] is where
    /// a command line that asks for something pointless is refused.
    pub fn render(self, report: &Report, options: &RenderOptions) -> Result<String> {
        Ok(match self {
            Format::Table => {
                let table = render_table(
                    report,
                    &TableOptions {
                        verbose: options.verbose,
                        upcoming: options.upcoming.clone(),
                        compact: false,
                    },
                );
                if options.color {
                    table
                } else {
                    anstream::adapter::strip_str(&table).to_string()
                }
            }
            Format::Json => {
                let mut json = to_json(report);
                json.push('\n');
                json
            }
            Format::Gradescope => to_gradescope(report),
            Format::Junit => to_junit(report)?,
            Format::Exercism => to_exercism(report),
            Format::Classroom => to_classroom(report, options.base64),
        })
    }
}

/// Whether `options` make sense for `formats`, checked before grading so that a typo costs
/// nothing: `--base64` needs `classroom` among them.
pub fn check_options(formats: &[Format], options: &RenderOptions) -> Result<()> {
    if options.base64 && !formats.contains(&Format::Classroom) {
        let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
        return Err(anyhow!(
            "--base64 only applies to --format classroom (GitHub Classroom reads its result \
             base64-encoded), not to {}; add --format classroom or drop --base64",
            names.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_name_and_file() {
        let mut names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        let mut files: Vec<&str> = Format::ALL.iter().map(|f| f.file_name()).collect();
        names.sort_unstable();
        names.dedup();
        files.sort_unstable();
        files.dedup();
        assert_eq!((names.len(), files.len()), (6, 6));
    }

    #[test]
    fn base64_needs_classroom() {
        let options = RenderOptions {
            base64: true,
            ..RenderOptions::default()
        };
        assert!(check_options(&[Format::Classroom], &options).is_ok());
        assert!(check_options(&[Format::Json, Format::Classroom], &options).is_ok());
        let error = check_options(&[Format::Junit], &options).expect_err("junit has no base64");
        assert!(format!("{error:#}").contains("not to junit"), "{error:#}");
    }
}
