//! Generation rows: wall time and peak RSS of each generator on each input, and the parse floors.

use super::{blank, label, measured_cell, rss, untimed, wall};
use crate::bench::generation::{GenRun, Generation};
use crate::bench::measure::Measurement;
use crate::bench::table::{self, secs_text, Cell, Row, Verdict};
use crate::bench::targets::{
    below_bytes, below_secs, secs, ALL_SIX_GEN_SECS, FLOOR_FACTOR, JIRA_V2_GEN_RSS, JIRA_V2_GEN_SECS, OAG_PRUNED_SECS,
    PROGENITOR_PRUNED_SECS,
};
use crate::bench::{Bench, Input, Tool};

pub fn rows(bench: &Bench, gen: &Generation) -> Vec<Row> {
    let inputs = &bench.inputs;
    let mut rows = Vec::new();
    let floor_secs = |input: Input| gen.floors.get(&input).and_then(|f| f.as_ref().ok()).map(|m| m.median_wall());
    for input in Input::ALL {
        let run = |tool: Tool| gen.runs.get(&(tool, input));
        let ours_wall = gen_cell(run(Tool::Ours), wall);
        let ours_rss = untimed(gen_cell(run(Tool::Ours), rss));
        let (target, verdict) = match input {
            Input::Seed => match floor_secs(Input::Seed) {
                Some(floor) => {
                    let floor = floor.as_secs_f64();
                    let ours = secs(&ours_wall);
                    (
                        format!("≤ {FLOOR_FACTOR}× parse floor ({})", secs_text(floor)),
                        Verdict::check(
                            ours.map(|s| s <= FLOOR_FACTOR * floor),
                            ours.map(|s| table::ratio_text(s / floor) + " floor").unwrap_or_default(),
                        ),
                    )
                }
                None => ("≤ 2× parse floor".to_owned(), Verdict::Unknown),
            },
            Input::Pruned => (
                format!("< {PROGENITOR_PRUNED_SECS:.2} s (progenitor), < {OAG_PRUNED_SECS:.2} s (oag)"),
                Verdict::check(
                    secs(&ours_wall).map(|s| s < PROGENITOR_PRUNED_SECS.min(OAG_PRUNED_SECS)),
                    String::new(),
                ),
            ),
            Input::JiraV2 => below_secs(&ours_wall, JIRA_V2_GEN_SECS),
            Input::AllSix => below_secs(&ours_wall, ALL_SIX_GEN_SECS),
        };
        rows.push(Row {
            what: "gen wall".into(),
            input: label(inputs, input),
            ours: ours_wall,
            target,
            verdict,
            oag: gen_cell(run(Tool::Oag), wall),
            progenitor: gen_cell(run(Tool::Progenitor), wall),
            ratio: true,
        });
        let (target, verdict) = match input {
            Input::JiraV2 => below_bytes(&ours_rss, JIRA_V2_GEN_RSS),
            _ => (String::new(), Verdict::None),
        };
        rows.push(Row {
            what: "gen peak RSS".into(),
            input: label(inputs, input),
            ours: ours_rss,
            target,
            verdict,
            oag: untimed(gen_cell(run(Tool::Oag), rss)),
            progenitor: untimed(gen_cell(run(Tool::Progenitor), rss)),
            ratio: true,
        });
    }
    for (input, what) in
        [(Input::Seed, "6 spec files"), (Input::JiraV2, "Jira REST v2 spec"), (Input::Pruned, "seed20-pruned spec")]
    {
        let floor = gen.floors.get(&input);
        let cell = |f: &dyn Fn(&Measurement) -> Cell| match floor {
            Some(Ok(m)) => match m.failure() {
                Some(message) => Cell::Failed { after: None, message: message.to_owned() },
                None => f(m),
            },
            Some(Err(why)) => Cell::Skipped(why.clone()),
            None => Cell::Skipped("not run".into()),
        };
        for (name, value) in [("parse floor wall", cell(&wall)), ("parse floor peak RSS", cell(&rss))] {
            rows.push(Row {
                what: name.into(),
                input: what.into(),
                ours: value,
                target: String::new(),
                verdict: Verdict::None,
                oag: blank(),
                progenitor: blank(),
                ratio: false,
            });
        }
    }
    rows
}

/// A generator run's figure, its failure, or why it was not run.
pub fn gen_cell(run: Option<&GenRun>, figure: impl Fn(&Measurement) -> Cell) -> Cell {
    measured_cell(run.map(|run| &run.outcome), &figure)
}
