//! Runtime figures: the criterion benches of `atlassian-client-benches` (`generated-client/benches`) with a short
//! measurement time, read back from criterion's `estimates.json` files (median point estimates).

use std::path::Path;

use serde_json::Value;

use super::measure::Cmd;
use super::{Bench, Outcome};
use crate::Result;

/// Criterion's warm-up and measurement time per benchmark, in seconds (the benches' own defaults are 1 s and 3 s).
pub const WARM_UP: &str = "0.5";
pub const MEASUREMENT: &str = "2";

#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Criterion's benchmark id.
    pub id: String,
    /// Median, nanoseconds.
    pub median_ns: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeFigures {
    pub figures: Vec<Figure>,
    /// The sizes of the decoded documents, bytes: the spec's `getIssue` example, the loopback server's issue.
    pub example_bytes: Option<u64>,
    pub issue_bytes: Option<u64>,
}

impl RuntimeFigures {
    pub fn median(&self, id: &str) -> Option<f64> {
        self.figures.iter().find(|figure| figure.id == id).map(|figure| figure.median_ns)
    }
}

pub fn run(bench: &mut Bench) -> Outcome<RuntimeFigures> {
    let home = bench.dir.join("criterion");
    if home.exists() {
        std::fs::remove_dir_all(&home).map_err(|e| format!("cannot remove {}: {e}", home.display()))?;
    }
    let cmd = Cmd::new(bench.cargo())
        .env("CARGO_TARGET_DIR", bench.dir.join("targets").join("runtime"))
        .env("CRITERION_HOME", &home)
        .args(["bench", "--locked", "-p", "atlassian-client-benches", "--bench", "*", "--"])
        .args(["--warm-up-time", WARM_UP, "--measurement-time", MEASUREMENT, "--noplot"])
        .dir(&bench.root);
    eprintln!("bench: runtime benches (criterion, {MEASUREMENT} s per benchmark)");
    bench.run_logged("runtime-criterion", &cmd).map_err(|e| e.to_string())?;
    let figures = read_estimates(&home).map_err(|e| e.to_string())?;
    if figures.is_empty() {
        return Err(format!("criterion wrote no estimates under {}", home.display()));
    }
    let benches = bench.root.join("generated-client").join("benches");
    let example_bytes = std::fs::metadata(benches.join("data").join("get_issue_capture.json")).ok().map(|m| m.len());
    let issue_bytes =
        std::fs::read_to_string(benches.join("loopback.rs")).ok().and_then(|text| raw_const_len(&text, "ISSUE"));
    Ok(RuntimeFigures { figures, example_bytes, issue_bytes })
}

/// Every `<id>/new/estimates.json` below criterion's folder, sorted by id.
fn read_estimates(home: &Path) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    let mut pending = vec![home.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            if !path.is_dir() {
                continue;
            }
            let estimates = path.join("new").join("estimates.json");
            if estimates.exists() {
                let text = std::fs::read_to_string(&estimates)?;
                let id = path.strip_prefix(home).unwrap_or(&path).to_string_lossy().into_owned();
                let median_ns = median_estimate(&text)
                    .ok_or_else(|| format!("no median.point_estimate in {}", estimates.display()))?;
                figures.push(Figure { id, median_ns });
            } else if path.file_name().is_some_and(|name| name != "report") {
                pending.push(path);
            }
        }
    }
    figures.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(figures)
}

/// `median.point_estimate` of criterion's `estimates.json`, in nanoseconds.
pub fn median_estimate(json: &str) -> Option<f64> {
    let value: Value = serde_json::from_str(json).ok()?;
    value.pointer("/median/point_estimate")?.as_f64()
}

/// The length of a `pub const NAME: &str = r#"..."#;` in Rust source.
fn raw_const_len(text: &str, name: &str) -> Option<u64> {
    let start = text.find(&format!("pub const {name}: &str = r#\""))?;
    let rest = &text[start..];
    let open = rest.find("r#\"")? + 3;
    let close = rest[open..].find("\"#;")?;
    Some(close as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterions_median() {
        let json = r#"{"mean":{"point_estimate":1250.5},"median":{"confidence_interval":{},"point_estimate":1200.25}}"#;
        assert_eq!(median_estimate(json), Some(1200.25));
        assert_eq!(median_estimate("{}"), None);
        assert_eq!(median_estimate("not json"), None);
    }

    #[test]
    fn measures_a_raw_string_constant() {
        let text = "/// doc\npub const ISSUE: &str = r#\"{\"a\":1}\"#;\n";
        assert_eq!(raw_const_len(text, "ISSUE"), Some(7));
        assert_eq!(raw_const_len(text, "OTHER"), None);
    }

    #[test]
    fn finds_estimates_in_nested_folders() {
        let dir = tempfile::tempdir().expect("a temp dir");
        for (id, median) in [("decode_value", 10.0), ("group/fn", 20.0)] {
            let new = dir.path().join(id).join("new");
            std::fs::create_dir_all(&new).expect("dirs");
            std::fs::write(new.join("estimates.json"), format!(r#"{{"median":{{"point_estimate":{median}}}}}"#))
                .expect("write");
        }
        std::fs::create_dir_all(dir.path().join("report")).expect("dirs");
        let figures = read_estimates(dir.path()).expect("reads");
        assert_eq!(
            figures,
            [Figure { id: "decode_value".into(), median_ns: 10.0 }, Figure { id: "group/fn".into(), median_ns: 20.0 }]
        );
    }
}
