//! Emitted-size rows: files, lines and types of each generator's output, and our seed crate's types against the
//! `$ref` closure of its operations.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::label;
use crate::bench::generation::{GenRun, Generation};
use crate::bench::inputs::closure_coverage;
use crate::bench::size::{self, Size};
use crate::bench::table::{Cell, Row, Verdict};
use crate::bench::{Bench, Input, Outcome, Tool};

pub fn rows(bench: &Bench, gen: &Generation) -> Vec<Row> {
    let mut rows = Vec::new();
    for input in [Input::Seed, Input::Pruned, Input::JiraV2] {
        let sizes: BTreeMap<Tool, Outcome<Size>> =
            Tool::ALL.iter().map(|tool| (*tool, size_of(*tool, gen.runs.get(&(*tool, input))))).collect();
        let cell = |tool: Tool, f: fn(&Size) -> u64| match &sizes[&tool] {
            Ok(size) => Cell::Count(f(size)),
            Err(why) => failed_or_skipped(gen.runs.get(&(tool, input)), why),
        };
        for (what, f) in [
            ("emitted .rs files", (|s: &Size| s.files) as fn(&Size) -> u64),
            ("emitted lines", |s: &Size| s.lines),
            ("emitted types", |s: &Size| s.types),
        ] {
            let (target, verdict) = match (what, input, &sizes[&Tool::Ours]) {
                ("emitted types", Input::Seed, Ok(size)) => closure_verdict(bench, size),
                ("emitted types", Input::Seed, Err(_)) => (closure_target(bench), Verdict::Unknown),
                _ => (String::new(), Verdict::None),
            };
            rows.push(Row {
                what: what.into(),
                input: label(&bench.inputs, input),
                ours: cell(Tool::Ours, f),
                target,
                verdict,
                oag: cell(Tool::Oag, f),
                progenitor: cell(Tool::Progenitor, f),
                ratio: true,
            });
        }
    }
    rows
}

fn size_of(tool: Tool, run: Option<&GenRun>) -> Outcome<Size> {
    let run = run.ok_or("not run")?;
    match &run.outcome {
        Ok(measured) if measured.failure().is_none() => size::measure(tool, &run.out).map_err(|e| e.to_string()),
        Ok(_) => Err("generation failed".into()),
        Err(why) => Err(why.clone()),
    }
}

/// The cell of a size whose generation failed or did not run: the generation's own failure or reason.
fn failed_or_skipped(run: Option<&GenRun>, why: &str) -> Cell {
    match run.map(|run| &run.outcome) {
        Some(Ok(measured)) => match measured.failure() {
            Some(message) => Cell::Failed { after: None, message: message.to_owned() },
            None => Cell::Skipped(why.to_owned()),
        },
        _ => Cell::Skipped(why.to_owned()),
    }
}

fn closure_target(bench: &Bench) -> String {
    format!("{}-schema closure + inline types", bench.inputs.closure_schemas.len())
}

fn closure_verdict(bench: &Bench, size: &Size) -> (String, Verdict) {
    let inputs = &bench.inputs;
    let (found, missing, extra) = closure_coverage(&size.type_names, &inputs.closure_schemas, &inputs.all_schemas);
    let inline = size.types.saturating_sub(found as u64);
    let mut detail = format!("{found}/{} closure + {inline} inline", inputs.closure_schemas.len());
    if !missing.is_empty() {
        let _ = write!(detail, "; missing {}", missing.join(", "));
    }
    if !extra.is_empty() {
        let _ = write!(detail, "; outside the closure: {}", extra.join(", "));
    }
    (closure_target(bench), Verdict::check(Some(missing.is_empty() && extra.is_empty()), detail))
}
