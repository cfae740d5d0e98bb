//! Reading the tests' result lines, and judging them against the expected failures and the negative controls.
//!
//! A test prints `PASS <spec> <operationId> <call>` or `FAIL <spec> <operationId> <call> <kind>: <detail>` after
//! `CONFORMANCE `. A call ends as expected when it passes; when it fails and `expected-failures.json` lists it
//! (with the reason); or, for a negative control (a call named `negative_*`), when it fails with a `violation`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::Result;

/// A call that is known to fail, with why: read from `xtask/conformance/expected-failures.json`, an array of these.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedFailure {
    /// The listing's name of the spec, e.g. `jira-platform-v2`.
    pub spec: String,
    #[serde(rename = "operationId")]
    pub operation_id: String,
    /// The call's name: `full`, `required`, `example`.
    pub call: String,
    pub reason: String,
    /// Not to be sent at all: it breaks the server for the calls after it (Prism's faker loops on its response).
    #[serde(default)]
    pub skip: bool,
}

/// The expected failures; none when the file does not exist. A call listed twice is an error.
pub fn load_expected(path: &Path) -> Result<Vec<ExpectedFailure>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", path.display()).into()),
    };
    let expected: Vec<ExpectedFailure> = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut seen = std::collections::BTreeSet::new();
    for (i, entry) in expected.iter().enumerate() {
        if !seen.insert(entry.key()) {
            return Err(format!(
                "{}: entry {i} lists `{} {} {}` again: one entry per call",
                path.display(),
                entry.spec,
                entry.operation_id,
                entry.call
            )
            .into());
        }
    }
    Ok(expected)
}

impl ExpectedFailure {
    /// What the entry is about: spec, operationId and call.
    fn key(&self) -> (&str, &str, &str) {
        (&self.spec, &self.operation_id, &self.call)
    }
}

/// Prism's `--seed` per spec (`xtask/conformance/seeds.json`): its schema faker recurses without end on some
/// recursive schemas with some seeds, so a spec that hits that gets another seed.
#[derive(Debug, Clone, Deserialize)]
pub struct Seeds {
    /// The seed of every spec not listed in `specs`.
    pub default: u64,
    #[serde(default)]
    pub specs: BTreeMap<String, u64>,
}

impl Seeds {
    pub fn seed(&self, spec: &str) -> u64 {
        self.specs.get(spec).copied().unwrap_or(self.default)
    }
}

/// The seeds; seed 2 for every spec when the file does not exist.
pub fn load_seeds(path: &Path) -> Result<Seeds> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Seeds { default: 2, specs: BTreeMap::new() }),
        Err(e) => Err(format!("{}: {e}", path.display()).into()),
    }
}

/// One result line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    pub spec: String,
    pub operation: String,
    pub call: String,
    /// `None` for a pass; else the failure's kind and detail.
    pub failure: Option<(String, String)>,
    /// The call was not sent (`SKIP`).
    pub skipped: bool,
}

/// Parses `PASS spec op call`, `FAIL spec op call kind: detail` or `SKIP spec op call`; `None` for anything else.
pub fn parse(line: &str) -> Option<CallResult> {
    let mut words = line.splitn(5, ' ');
    let status = words.next()?;
    let (spec, operation, call) = (words.next()?.to_owned(), words.next()?.to_owned(), words.next()?.to_owned());
    let failure = match status {
        "PASS" | "SKIP" => None,
        "FAIL" => {
            let rest = words.next().unwrap_or_default();
            let (kind, detail) = rest.split_once(": ").unwrap_or((rest, ""));
            Some((kind.to_owned(), detail.to_owned()))
        }
        _ => return None,
    };
    Some(CallResult { spec, operation, call, failure, skipped: status == "SKIP" })
}

/// How a call ended, measured against what was expected of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// A negative control whose broken request was reported: the check can fail.
    Caught,
    /// A listed expected failure that failed; holds the listed reason.
    ExpectedFailure(String),
    /// A listed expected failure that was not sent, as the list says; holds the listed reason.
    Skipped(String),
    /// A listed expected failure that passed: the entry is out of date.
    UnexpectedPass(String),
    Fail,
}

impl Verdict {
    fn label(&self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Caught => "CAUGHT",
            Verdict::ExpectedFailure(_) => "XFAIL",
            Verdict::Skipped(_) => "XSKIP",
            Verdict::UnexpectedPass(_) => "XPASS",
            Verdict::Fail => "FAIL",
        }
    }
}

pub fn classify(result: &CallResult, expected: &[ExpectedFailure]) -> Verdict {
    let listed =
        expected.iter().find(|e| e.spec == result.spec && e.operation_id == result.operation && e.call == result.call);
    let negative = result.call.starts_with("negative_");
    match (&result.failure, listed) {
        (_, Some(entry)) if result.skipped && entry.skip => Verdict::Skipped(entry.reason.clone()),
        _ if result.skipped => Verdict::Fail,
        (Some((kind, _)), _) if negative && kind == "violation" => Verdict::Caught,
        (_, _) if negative => Verdict::Fail,
        (Some(_), Some(entry)) => Verdict::ExpectedFailure(entry.reason.clone()),
        (None, Some(entry)) => Verdict::UnexpectedPass(entry.reason.clone()),
        (None, None) => Verdict::Pass,
        (Some(_), None) => Verdict::Fail,
    }
}

/// A line for one call: its verdict, name, and for anything but a pass, what happened.
pub fn describe(result: &CallResult, verdict: &Verdict) -> String {
    let mut line = format!("{:<6} {} {} {}", verdict.label(), result.spec, result.operation, result.call);
    match (&result.failure, verdict) {
        (None, Verdict::UnexpectedPass(reason)) => {
            line.push_str(&format!(
                ": passed, but expected-failures.json expects a failure ({reason}): remove the entry"
            ));
        }
        (None, Verdict::Fail) if result.skipped => line.push_str(": not sent, but not listed as skipped"),
        (None, Verdict::Fail) => line.push_str(": the broken request was not reported"),
        (None, Verdict::Skipped(reason)) => line.push_str(&format!(": not sent ({reason})")),
        (Some((kind, detail)), Verdict::ExpectedFailure(reason)) => {
            line.push_str(&format!(": {kind}: {detail} (expected: {reason})"));
        }
        (Some((kind, detail)), _) => line.push_str(&format!(": {kind}: {detail}")),
        (None, _) => {}
    }
    line
}

/// The outcome of a whole run.
#[derive(Debug, Default)]
pub struct Summary {
    pub passed: usize,
    pub failed: usize,
    pub caught: usize,
    pub expected_failures: usize,
    pub calls: usize,
    pub specs: usize,
    /// Lines for every call that did not simply pass, and for results that are missing.
    pub notes: Vec<String>,
    /// Expected failures of operations that ran, naming a call of them that did not run. (Entries of operations
    /// the listing does not select are not the listing's business: they are ignored.)
    pub stale: Vec<String>,
}

pub fn evaluate(lines: &[String], expected: &[ExpectedFailure], specs: &[&str], tests_run: usize) -> Summary {
    let mut summary = Summary { specs: specs.len(), ..Summary::default() };
    let mut results = Vec::new();
    for line in lines {
        let Some(result) = parse(line) else {
            summary.failed += 1;
            summary.notes.push(format!("FAIL   unreadable result line: {line}"));
            continue;
        };
        let verdict = classify(&result, expected);
        summary.calls += 1;
        match verdict {
            Verdict::Pass => summary.passed += 1,
            Verdict::Caught => summary.caught += 1,
            Verdict::ExpectedFailure(_) | Verdict::Skipped(_) => summary.expected_failures += 1,
            Verdict::UnexpectedPass(_) | Verdict::Fail => summary.failed += 1,
        }
        if verdict != Verdict::Pass {
            summary.notes.push(describe(&result, &verdict));
        }
        results.push(result);
    }
    if tests_run > lines.len() {
        let missing = tests_run - lines.len();
        summary.failed += missing;
        summary.notes.push(format!("FAIL   {missing} test(s) printed no result line (see the test log)"));
    }
    for entry in expected.iter().filter(|e| specs.contains(&e.spec.as_str())) {
        let of_entry = |r: &&CallResult| r.spec == entry.spec && r.operation == entry.operation_id;
        let selected = results.iter().any(|r| of_entry(&r));
        let ran = results.iter().filter(of_entry).any(|r| r.call == entry.call);
        if selected && !ran {
            summary.stale.push(format!("{} {} {}", entry.spec, entry.operation_id, entry.call));
        }
    }
    summary
}

impl Summary {
    /// The report; its last line is `N passed, M failed`.
    pub fn print(&self, out: &mut impl Write, took: Duration, log: &Path) -> std::io::Result<()> {
        writeln!(out)?;
        for note in &self.notes {
            writeln!(out, "{note}")?;
        }
        for stale in &self.stale {
            writeln!(out, "note: expected-failures.json lists {stale}, which did not run")?;
        }
        writeln!(
            out,
            "{} calls of {} spec(s) in {:.1} s: {} negative control(s) caught, {} expected failure(s); test log: {}",
            self.calls,
            self.specs,
            took.as_secs_f64(),
            self.caught,
            self.expected_failures,
            log.display()
        )?;
        writeln!(out, "{} passed, {} failed", self.passed, self.failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Vec<ExpectedFailure> {
        serde_json::from_str(
            r#"[{"spec": "confluence-v2", "operationId": "getPages", "call": "full", "reason": "Prism recursion"},
                {"spec": "jira-software", "operationId": "getRepository", "call": "full", "reason": "hangs", "skip": true}]"#,
        )
        .expect("expected failures")
    }

    #[test]
    fn result_lines_parse() {
        assert_eq!(
            parse("FAIL jira-platform-v2 getIssue full violation: query.fieldsbykeys [type] must be boolean"),
            Some(CallResult {
                spec: "jira-platform-v2".into(),
                operation: "getIssue".into(),
                call: "full".into(),
                failure: Some(("violation".into(), "query.fieldsbykeys [type] must be boolean".into())),
                skipped: false,
            })
        );
        assert_eq!(parse("PASS a b c").map(|r| r.failure), Some(None));
        assert_eq!(parse("SKIP a b c").map(|r| r.skipped), Some(true));
        assert_eq!(parse("START a b c"), None);
        assert_eq!(parse("PASS a b"), None);
    }

    #[test]
    fn verdicts_follow_the_expectations() {
        let expected = expected();
        let verdict = |line: &str| classify(&parse(line).expect("line"), &expected);
        assert_eq!(verdict("PASS jira-platform-v2 getIssue full"), Verdict::Pass);
        assert_eq!(verdict("FAIL jira-platform-v2 getIssue full decode: x"), Verdict::Fail);
        assert_eq!(
            verdict("FAIL confluence-v2 getPages full status: 500"),
            Verdict::ExpectedFailure("Prism recursion".into())
        );
        assert_eq!(verdict("PASS confluence-v2 getPages full"), Verdict::UnexpectedPass("Prism recursion".into()));
        assert_eq!(verdict("FAIL s op negative_wrong_type violation: x"), Verdict::Caught);
        assert_eq!(verdict("FAIL s op negative_wrong_type status: 500"), Verdict::Fail);
        assert_eq!(verdict("PASS s op negative_missing_body"), Verdict::Fail);
        assert_eq!(verdict("SKIP jira-software getRepository full"), Verdict::Skipped("hangs".into()));
        assert_eq!(verdict("SKIP confluence-v2 getPages full"), Verdict::Fail);
    }

    #[test]
    fn the_summary_counts_and_ends_with_the_totals() {
        let lines: Vec<String> = [
            "PASS jira-platform-v2 getIssue full",
            "FAIL jira-platform-v2 getIssue negative_wrong_type violation: x",
            "PASS confluence-v2 getPages full",
            "FAIL jira-platform-v2 getWorklog full status: 404",
        ]
        .map(String::from)
        .to_vec();
        let summary = evaluate(&lines, &expected(), &["jira-platform-v2", "confluence-v2"], 5);
        assert_eq!((summary.passed, summary.failed, summary.caught, summary.calls), (1, 3, 1, 4));
        let mut out = Vec::new();
        summary.print(&mut out, Duration::from_secs(1), Path::new("log")).expect("print");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.ends_with("1 passed, 3 failed\n"), "{text}");
        assert!(text.contains("XPASS  confluence-v2 getPages full"), "{text}");
        assert!(text.contains("1 test(s) printed no result line"), "{text}");
    }

    #[test]
    fn an_expected_failure_of_an_operation_that_ran_without_its_call_is_noted() {
        let lines = ["PASS confluence-v2 getPages required".to_owned()];
        let summary = evaluate(&lines, &expected(), &["confluence-v2"], 1);
        assert_eq!(summary.stale, ["confluence-v2 getPages full"]);
        assert!(evaluate(&lines, &expected(), &["jira-platform-v2"], 1).stale.is_empty());
    }

    #[test]
    fn entries_of_operations_the_listing_does_not_select_are_ignored() {
        // A listing with one operation of each of the two specs the list has entries for, neither of them listed.
        let lines: Vec<String> =
            ["PASS confluence-v2 getSpaces full", "PASS jira-software getBoard full"].map(String::from).to_vec();
        let summary = evaluate(&lines, &expected(), &["confluence-v2", "jira-software"], 2);
        assert_eq!((summary.passed, summary.failed, summary.expected_failures), (2, 0, 0));
        assert!(summary.stale.is_empty(), "{:?}", summary.stale);
    }

    #[test]
    fn a_call_listed_twice_is_an_error_naming_the_file_and_the_call() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("expected-failures.json");
        let entry = r#"{"spec": "confluence-v2", "operationId": "getPages", "call": "full", "reason": "r"}"#;
        std::fs::write(&path, format!("[{entry}, {entry}]")).expect("write");
        let error = load_expected(&path).expect_err("a duplicate").to_string();
        assert!(error.contains("expected-failures.json: entry 1 lists `confluence-v2 getPages full` again"), "{error}");
        std::fs::write(&path, r#"[{"spec": "confluence-v2", "operationId": "getPages", "call": "full"}]"#)
            .expect("write");
        let error = load_expected(&path).expect_err("no reason").to_string();
        assert!(error.contains("missing field `reason` at line 1"), "{error}");
    }
}
