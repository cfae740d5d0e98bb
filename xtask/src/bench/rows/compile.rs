//! Compile rows: per crate (seed listing, every Jira REST v2 operation) the operations it holds, `cargo build` and
//! its peak memory, `cargo check` and the warnings; then the marginal cost of one more operation, from the two
//! crates of each generator in this run.

use std::collections::BTreeMap;

use super::{blank, label, measured_cell, rss, untimed, wall};
use crate::bench::compile::CompileRun;
use crate::bench::inputs::Inputs;
use crate::bench::measure::Measurement;
use crate::bench::table::{Cell, Row, Verdict};
use crate::bench::targets::{
    below_bytes, ratio_at_most, unless_ours_fails, JIRA_V2_BUILD_RATIO, JIRA_V2_BUILD_RSS, JIRA_V2_CHECK_RATIO,
    MARGINAL_BUILD_RATIO, SEED_BUILD_RATIO, SEED_CHECK_RATIO,
};
use crate::bench::{Input, Outcome, Tool};

pub fn rows(inputs: &Inputs, compiled: &BTreeMap<(Tool, Input), CompileRun>) -> Vec<Row> {
    let mut rows = Vec::new();
    let cell = |tool: Tool,
                input: Input,
                what: fn(&CompileRun) -> &Outcome<Measurement>,
                figure: &dyn Fn(&Measurement) -> Cell| {
        match compiled.get(&(tool, input)) {
            Some(run) => match &run.refused {
                Some(why) => Cell::Failed { after: None, message: why.clone() },
                None => measured_cell(Some(what(run)), figure),
            },
            None => Cell::Skipped("not run".into()),
        }
    };
    let build = |tool: Tool, input: Input| cell(tool, input, |run| &run.build, &wall);
    let check = |tool: Tool, input: Input| cell(tool, input, |run| &run.check, &wall);
    for input in [Input::Seed, Input::JiraV2] {
        let input_label = match input {
            Input::Seed => format!("seed listing ({} ops; theirs: seed20-pruned)", inputs.operations(input)),
            _ => label(inputs, input),
        };
        let ours = compiled.get(&(Tool::Ours, input));
        let (build_ratio, check_ratio) = match input {
            Input::Seed => (SEED_BUILD_RATIO, SEED_CHECK_RATIO),
            _ => (JIRA_V2_BUILD_RATIO, JIRA_V2_CHECK_RATIO),
        };
        let row = |what: &str, ours: Cell, (target, verdict): (String, Verdict), oag: Cell, progenitor: Cell| Row {
            what: what.into(),
            input: input_label.clone(),
            ours,
            target,
            verdict,
            oag,
            progenitor,
            ratio: true,
        };

        let operations = operations_cell(ours);
        let expected = inputs.operations(input);
        let verdict = match &operations {
            Cell::Count(_) => Verdict::Pass(String::new()),
            Cell::Failed { .. } => Verdict::Fail(String::new()),
            _ => Verdict::Unknown,
        };
        rows.push(Row {
            ratio: false,
            ..row(
                "operations compiled (default features)",
                operations,
                (format!("= {expected} (the input's)"), verdict),
                blank(),
                blank(),
            )
        });

        let (ours_build, oag_build) = (build(Tool::Ours, input), build(Tool::Oag, input));
        let target = ratio_at_most(&ours_build, &oag_build, build_ratio);
        rows.push(row("cargo build", ours_build, target, oag_build, build(Tool::Progenitor, input)));

        let peak = |tool: Tool| untimed(cell(tool, input, |run| &run.build, &rss));
        let ours_rss = peak(Tool::Ours);
        let target = match input {
            Input::JiraV2 => below_bytes(&ours_rss, JIRA_V2_BUILD_RSS),
            _ => (String::new(), Verdict::None),
        };
        rows.push(row("cargo build peak RSS", ours_rss, target, peak(Tool::Oag), peak(Tool::Progenitor)));

        let (ours_check, oag_check) = (check(Tool::Ours, input), check(Tool::Oag, input));
        let target = ratio_at_most(&ours_check, &oag_check, check_ratio);
        rows.push(row("cargo check", ours_check, target, oag_check, check(Tool::Progenitor, input)));

        let warnings = |tool: Tool| warnings_cell(compiled.get(&(tool, input)));
        let ours_warnings = warnings(Tool::Ours);
        let clean = ours
            .filter(|r| r.refused.is_none())
            .and_then(|r| r.warnings.as_ref().ok())
            .map(|w| w.build.warnings + w.clippy.warnings + w.build.errors + w.clippy.errors == 0);
        let verdict = unless_ours_fails(&ours_warnings, Verdict::check(clean, String::new()));
        rows.push(Row {
            ratio: false,
            ..row(
                "warnings: build / clippy",
                ours_warnings,
                ("0 / 0 (clippy clean)".into(), verdict),
                warnings(Tool::Oag),
                warnings(Tool::Progenitor),
            )
        });
    }

    let extra = inputs.operations(Input::JiraV2).saturating_sub(inputs.operations(Input::Seed));
    let input = format!("Jira REST v2 − seed listing ({extra} ops more)");
    for (what, figure, limit) in [
        ("marginal cargo build per op", (&build) as &dyn Fn(Tool, Input) -> Cell, Some(MARGINAL_BUILD_RATIO)),
        ("marginal cargo check per op", &check, None),
    ] {
        let per_op = |tool: Tool| marginal(&figure(tool, Input::JiraV2), &figure(tool, Input::Seed), extra);
        let (ours, oag) = (per_op(Tool::Ours), per_op(Tool::Oag));
        let (target, verdict) = match limit {
            Some(limit) => ratio_at_most(&ours, &oag, limit),
            None => (String::new(), Verdict::None),
        };
        rows.push(Row {
            what: what.into(),
            input: input.clone(),
            ours,
            target,
            verdict,
            oag,
            progenitor: per_op(Tool::Progenitor),
            ratio: true,
        });
    }
    rows
}

/// The operations our crate was found to hold, the reason it was not timed, or why it was not compiled.
fn operations_cell(run: Option<&CompileRun>) -> Cell {
    match run {
        None => Cell::Skipped("not run".into()),
        Some(CompileRun { refused: Some(why), .. }) => Cell::Failed { after: None, message: why.clone() },
        Some(CompileRun { operations: Ok(count), .. }) => Cell::Count(*count as u64),
        Some(CompileRun { operations: Err(why), .. }) => Cell::Skipped(why.clone()),
    }
}

fn warnings_cell(run: Option<&CompileRun>) -> Cell {
    match run {
        Some(CompileRun { refused: Some(why), .. }) => Cell::Failed { after: None, message: why.clone() },
        Some(CompileRun { warnings: Ok(w), .. }) => {
            let errors = w.build.errors + w.clippy.errors;
            let text = format!("{} / {}", w.build.warnings, w.clippy.warnings);
            Cell::Text(if errors > 0 { format!("{text} ({errors} errors)") } else { text })
        }
        Some(CompileRun { warnings: Err(why), .. }) => Cell::Skipped(why.clone()),
        None => Cell::Skipped("not compiled (--no-compile)".into()),
    }
}

/// The cost of one more operation: (full − seed) / the operations full has more, wall and CPU time. When either
/// figure is missing, that one's failure or reason (the first's if both).
pub fn marginal(full: &Cell, seed: &Cell, extra_operations: usize) -> Cell {
    match (full, seed) {
        (Cell::Timed { wall: full_wall, cpu: full_cpu }, Cell::Timed { wall: seed_wall, cpu: seed_cpu }) => {
            if extra_operations == 0 {
                return Cell::Skipped("both inputs have as many operations".into());
            }
            let per = extra_operations as f64;
            Cell::PerOperation { wall: (full_wall - seed_wall) / per, cpu: (full_cpu - seed_cpu) / per }
        }
        (Cell::Timed { .. }, missing) | (missing, _) => untimed(missing.clone()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::bench::compile::{Diagnostics, Warnings};
    use crate::bench::measure::Sample;
    use crate::bench::table::render;

    fn timed(wall: f64, cpu: f64) -> Cell {
        Cell::Timed { wall, cpu }
    }

    /// Inputs of 20 seed operations and 588 Jira REST v2 operations (no files: the rows only count).
    fn inputs() -> Inputs {
        Inputs {
            seed_listing: PathBuf::new(),
            specs: Vec::new(),
            jira_v2_spec: PathBuf::new(),
            jira_v2_listing: PathBuf::new(),
            pruned_spec: PathBuf::new(),
            pruned_listing: PathBuf::new(),
            seed_operation_ids: (0..20).map(|i| format!("op{i}")).collect(),
            closure_schemas: Default::default(),
            all_schemas: Default::default(),
            jira_v2_operations: 588,
            all_six_operations: 1726,
        }
    }

    fn measured(secs: f64) -> Outcome<Measurement> {
        let wall = Duration::from_secs_f64(secs);
        Ok(Measurement { samples: vec![Sample { wall, cpu: wall, peak_rss: 512 << 20, failure: None }] })
    }

    fn run(build: f64, check: f64) -> CompileRun {
        let clean = Diagnostics::default();
        CompileRun {
            operations: Ok(0),
            refused: None,
            build: measured(build),
            check: measured(check),
            warnings: Ok(Warnings { build: clean, clippy: clean }),
        }
    }

    fn verdict<'a>(rows: &'a [Row], what: &str, input: &str) -> &'a Verdict {
        let row = rows.iter().find(|row| row.what == what && row.input.starts_with(input));
        &row.unwrap_or_else(|| panic!("no row {what} / {input}")).verdict
    }

    #[test]
    fn the_ratio_rows_judge_the_figures_of_this_run() {
        let compiled = BTreeMap::from([
            ((Tool::Ours, Input::Seed), CompileRun { operations: Ok(20), ..run(3.0, 2.5) }),
            ((Tool::Oag, Input::Seed), run(5.0, 3.0)),
            ((Tool::Ours, Input::JiraV2), CompileRun { operations: Ok(588), ..run(20.0, 20.0) }),
            ((Tool::Oag, Input::JiraV2), run(60.0, 40.0)),
        ]);
        let rows = rows(&inputs(), &compiled);
        assert_eq!(verdict(&rows, "operations compiled (default features)", "seed"), &Verdict::Pass("".into()));
        assert_eq!(verdict(&rows, "cargo build", "seed"), &Verdict::Pass("0.60×".into()));
        assert_eq!(verdict(&rows, "cargo check", "seed"), &Verdict::Fail("0.83×".into()));
        assert_eq!(verdict(&rows, "cargo build", "Jira"), &Verdict::Pass("0.33×".into()));
        assert_eq!(verdict(&rows, "cargo check", "Jira"), &Verdict::Fail("0.50×".into()));
        assert_eq!(verdict(&rows, "cargo build peak RSS", "Jira"), &Verdict::Pass("".into()));
        // (20 - 3) / 568 against (60 - 5) / 568.
        assert_eq!(
            verdict(&rows, "marginal cargo build per op", "Jira REST v2 − seed listing (568"),
            &Verdict::Pass("0.31×".into())
        );
        let check = rows.iter().find(|row| row.what == "marginal cargo check per op").expect("a check row");
        assert_eq!((&check.target, &check.verdict), (&String::new(), &Verdict::None));
        assert_eq!(check.ours, Cell::PerOperation { wall: 17.5 / 568.0, cpu: 17.5 / 568.0 });
    }

    #[test]
    fn a_crate_refused_before_timing_fails_each_of_its_rows_with_the_reason() {
        let why = "the generated crate holds 587 operations (...), its input 588: not timed";
        let refused = CompileRun { refused: Some(why.into()), ..run(0.0, 0.0) };
        let compiled = BTreeMap::from([
            ((Tool::Ours, Input::Seed), CompileRun { operations: Ok(20), ..run(3.0, 2.5) }),
            ((Tool::Oag, Input::Seed), run(5.0, 3.0)),
            ((Tool::Ours, Input::JiraV2), refused),
            ((Tool::Oag, Input::JiraV2), run(60.0, 40.0)),
        ]);
        let rows = rows(&inputs(), &compiled);
        let fails = Verdict::Fail("ours fails".into());
        assert_eq!(verdict(&rows, "operations compiled (default features)", "Jira"), &Verdict::Fail("".into()));
        for what in ["cargo build", "cargo check", "marginal cargo build per op"] {
            assert_eq!(verdict(&rows, what, "Jira"), &fails, "{what}");
        }
        assert_eq!(verdict(&rows, "cargo build peak RSS", "Jira"), &fails);
        assert_eq!(verdict(&rows, "warnings: build / clippy", "Jira"), &fails);
        assert_eq!(verdict(&rows, "cargo build", "seed"), &Verdict::Pass("0.60×".into()), "the seed crate is timed");
        let (_, notes) = render(&rows);
        let ours: Vec<&str> = notes.iter().filter(|note| note.contains(why)).map(|note| &note[4..]).collect();
        assert_eq!(
            ours,
            [
                format!("ours, Jira REST v2, all 588 ops: {why}"),
                format!("ours, Jira REST v2 − seed listing (568 ops more): {why}")
            ],
            "one footnote for the crate's rows, one for the marginal row"
        );
    }

    #[test]
    fn marginal_cost_is_the_difference_over_the_extra_operations() {
        // The run: ours 32.89 s and 3.81 s, theirs 50.24 s and 4.47 s, over 588 - 20 operations.
        let ours = marginal(&timed(32.89, 34.0), &timed(3.81, 5.0), 568);
        let Cell::PerOperation { wall, cpu } = ours else { panic!("a per-operation figure: {ours:?}") };
        assert!((wall - 0.051_197).abs() < 1e-6, "{wall}");
        assert!((cpu - 29.0 / 568.0).abs() < 1e-9, "{cpu}");
        let theirs = marginal(&timed(50.24, 50.0), &timed(4.47, 4.0), 568);
        let Cell::PerOperation { wall: theirs_wall, .. } = theirs else { panic!("{theirs:?}") };
        assert!((theirs_wall - 0.080_581).abs() < 1e-6, "{theirs_wall}");
        assert_eq!(ratio_at_most(&ours, &theirs, MARGINAL_BUILD_RATIO).1, Verdict::Fail("0.64×".into()));
    }

    #[test]
    fn marginal_cost_needs_both_builds_and_says_which_is_missing() {
        let failed = Cell::Failed { after: Some(12.0), message: "error[E0599]".into() };
        assert_eq!(
            marginal(&failed, &timed(3.0, 3.0), 568),
            Cell::Failed { after: None, message: "error[E0599]".into() },
            "the failure, without the failed run's time"
        );
        let skipped = Cell::Skipped("not installed".into());
        assert_eq!(marginal(&timed(30.0, 30.0), &skipped, 568), skipped);
        assert_eq!(marginal(&skipped, &failed, 568), skipped, "the full crate's reason first");
        assert!(matches!(marginal(&timed(3.0, 3.0), &timed(3.0, 3.0), 0), Cell::Skipped(_)));
    }
}
