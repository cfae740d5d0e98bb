//! The rows of the results table, one module per kind of measurement ([`generation`], [`size`], [`compile`]),
//! with what they share: the input labels and the cells of measured runs.

mod compile;
mod generation;
mod size;

use super::inputs::Inputs;
use super::measure::Measurement;
use super::report::Results;
use super::table::{Cell, Row};
use super::{Bench, Input, Outcome};

/// Every row, in the table's order.
pub fn rows(bench: &Bench, results: &Results) -> Vec<Row> {
    let mut rows = generation::rows(bench, &results.generation);
    rows.extend(size::rows(bench, &results.generation));
    rows.extend(compile::rows(&bench.inputs, &results.compiled));
    rows
}

/// The input column.
pub fn label(inputs: &Inputs, input: Input) -> String {
    let ops = inputs.operations(input);
    match input {
        Input::Seed => format!("seed listing ({ops} ops, reads {} specs)", inputs.specs.len()),
        Input::Pruned => format!("seed20-pruned ({ops} ops, {} schemas)", inputs.closure_schemas.len()),
        Input::JiraV2 => format!("Jira REST v2, all {ops} ops"),
        Input::AllSix => format!("all six specs, all {ops} ops"),
    }
}

/// Median wall and CPU time.
pub fn wall(m: &Measurement) -> Cell {
    Cell::Timed { wall: m.median_wall().as_secs_f64(), cpu: m.median_cpu().as_secs_f64() }
}

/// Largest peak RSS.
pub fn rss(m: &Measurement) -> Cell {
    Cell::Bytes(m.peak_rss())
}

/// A failed run's time is shown on its wall-time row only.
pub fn untimed(cell: Cell) -> Cell {
    match cell {
        Cell::Failed { message, .. } => Cell::Failed { after: None, message },
        other => other,
    }
}

/// A measurement's figure, its failure, or why it was not run.
pub fn measured_cell(outcome: Option<&Outcome<Measurement>>, figure: &dyn Fn(&Measurement) -> Cell) -> Cell {
    match outcome {
        None => Cell::Skipped("not run".into()),
        Some(Err(why)) => Cell::Skipped(why.clone()),
        Some(Ok(measured)) => match measured.failure() {
            Some(message) => {
                Cell::Failed { after: Some(measured.median_wall().as_secs_f64()), message: message.to_owned() }
            }
            None => figure(measured),
        },
    }
}

/// The cells of a row without figures of the baselines.
pub fn blank() -> Cell {
    Cell::Text(String::new())
}
