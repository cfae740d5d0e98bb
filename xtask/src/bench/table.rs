//! The results table: cells, ratios ours/theirs, targets and verdicts, rendered as a Markdown table whose columns are
//! padded to their widest cell, so that it reads the same in a terminal and in `BENCHMARKS.md`.

use std::fmt::Write as _;

/// One measured figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Wall-clock seconds, with the CPU seconds beside them (compared by wall time).
    Timed {
        wall: f64,
        cpu: f64,
    },
    /// Seconds per operation, wall and CPU (the marginal cost of one more operation).
    PerOperation {
        wall: f64,
        cpu: f64,
    },
    Bytes(u64),
    Count(u64),
    Text(String),
    /// A run that failed: how long it took to fail, and the first error line (a footnote).
    Failed {
        after: Option<f64>,
        message: String,
    },
    /// Not measured, and why (a footnote).
    Skipped(String),
}

impl Cell {
    fn number(&self) -> Option<(u8, f64)> {
        match self {
            Cell::Timed { wall, .. } => Some((0, *wall)),
            Cell::Bytes(bytes) => Some((1, *bytes as f64)),
            Cell::Count(count) => Some((2, *count as f64)),
            Cell::PerOperation { wall, .. } => Some((3, *wall)),
            _ => None,
        }
    }
}

/// Whether a target is met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No target on this row.
    None,
    Pass(String),
    Fail(String),
    /// The figure could not be measured.
    Unknown,
    /// Ours is measured, the baseline it is judged against is not.
    NoBaseline,
}

impl Verdict {
    /// `Pass` or `Fail` with a detail, `Unknown` without a measurement.
    pub fn check(ok: Option<bool>, detail: impl Into<String>) -> Verdict {
        match ok {
            Some(true) => Verdict::Pass(detail.into()),
            Some(false) => Verdict::Fail(detail.into()),
            None => Verdict::Unknown,
        }
    }

    fn text(&self) -> String {
        let with = |word: &str, detail: &str| {
            if detail.is_empty() {
                word.to_owned()
            } else {
                format!("{word} ({detail})")
            }
        };
        match self {
            Verdict::None => String::new(),
            Verdict::Pass(detail) => with("pass", detail),
            Verdict::Fail(detail) => with("**FAIL**", detail),
            Verdict::Unknown => "not measured".to_owned(),
            Verdict::NoBaseline => "unknown (theirs not measured)".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub what: String,
    pub input: String,
    pub ours: Cell,
    pub target: String,
    pub verdict: Verdict,
    pub oag: Cell,
    pub progenitor: Cell,
    /// Whether ours/theirs means something on this row (not for warning counts).
    pub ratio: bool,
}

pub const HEADER: [&str; 9] =
    ["measurement", "input", "ours", "target", "verdict", "openapi-generator", "ours/oag", "progenitor", "ours/prog"];

/// The table, and the footnotes its failed and skipped cells point to (`[1] ...`).
pub fn render(rows: &[Row]) -> (String, Vec<String>) {
    let mut notes: Vec<String> = Vec::new();
    // A failure is specific to a tool and input; a reason for not measuring is shared by every cell it applies to.
    let mut note = |text: String| {
        let index = match notes.iter().position(|known| known == &text) {
            Some(index) => index,
            None => {
                notes.push(text);
                notes.len() - 1
            }
        };
        format!("[{}]", index + 1)
    };
    let mut lines: Vec<Vec<String>> = vec![HEADER.iter().map(|h| (*h).to_owned()).collect()];
    for row in rows {
        let mut show = |who: &str, cell: &Cell| match cell {
            Cell::Failed { after, message } => {
                let marker = note(format!("{who}, {}: {message}", row.input));
                match after {
                    Some(secs) => format!("**fails** after {} {marker}", secs_text(*secs)),
                    None => format!("**fails** {marker}"),
                }
            }
            Cell::Skipped(why) => format!("– {}", note(why.clone())),
            other => cell_text(other),
        };
        let ours = show("ours", &row.ours);
        let oag = show("openapi-generator", &row.oag);
        let progenitor = show("progenitor", &row.progenitor);
        let ratio_text = |theirs: &Cell| if row.ratio { ratio(&row.ours, theirs) } else { String::new() };
        lines.push(vec![
            row.what.clone(),
            row.input.clone(),
            ours,
            row.target.clone(),
            row.verdict.text(),
            oag,
            ratio_text(&row.oag),
            progenitor,
            ratio_text(&row.progenitor),
        ]);
    }
    let numbered = notes.iter().enumerate().map(|(i, text)| format!("[{}] {text}", i + 1)).collect();
    (markdown(&lines), numbered)
}

/// A Markdown table with the first line as header, every column padded to its widest cell.
pub fn markdown(lines: &[Vec<String>]) -> String {
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    let width = |column: usize| lines.iter().filter_map(|line| line.get(column)).map(|c| c.chars().count()).max();
    let widths: Vec<usize> = (0..columns).map(|column| width(column).unwrap_or(0).max(3)).collect();
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let cells: Vec<String> = cells.collect();
        out.push('|');
        for (i, width) in widths.iter().enumerate() {
            let cell = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = width - cell.chars().count();
            let _ = write!(out, " {cell}{} |", " ".repeat(pad));
        }
        out.push('\n');
    };
    for (i, cells) in lines.iter().enumerate() {
        line(&mut cells.iter().map(|cell| cell.replace('|', "\\|")));
        if i == 0 {
            line(&mut widths.iter().map(|width| "-".repeat(*width)));
        }
    }
    out
}

/// ours/theirs for two figures of the same kind (times by wall time), if both are measured and theirs is positive.
pub fn ratio_of(ours: &Cell, theirs: &Cell) -> Option<f64> {
    match (ours.number(), theirs.number()) {
        (Some((kind, ours)), Some((theirs_kind, theirs))) if kind == theirs_kind && theirs > 0.0 => Some(ours / theirs),
        _ => None,
    }
}

/// [`ratio_of`] as text, else `–`.
pub fn ratio(ours: &Cell, theirs: &Cell) -> String {
    ratio_of(ours, theirs).map(ratio_text).unwrap_or_else(|| "–".to_owned())
}

pub fn ratio_text(ratio: f64) -> String {
    if ratio >= 10.0 {
        format!("{ratio:.0}×")
    } else if ratio >= 1.0 {
        format!("{ratio:.1}×")
    } else if ratio >= 0.1 {
        format!("{ratio:.2}×")
    } else {
        format!("{ratio:.3}×")
    }
}

pub fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Timed { wall, cpu } => format!("{} (CPU {})", secs_text(*wall), secs_text(*cpu)),
        Cell::PerOperation { wall, cpu } => format!("{}/op (CPU {})", millis_text(*wall), millis_text(*cpu)),
        Cell::Bytes(bytes) => bytes_text(*bytes),
        Cell::Count(count) => count_text(*count),
        Cell::Text(text) => text.clone(),
        Cell::Failed { .. } => "fails".to_owned(),
        Cell::Skipped(_) => "–".to_owned(),
    }
}

pub fn secs_text(secs: f64) -> String {
    if secs < 1.0 {
        format!("{secs:.3} s")
    } else if secs < 100.0 {
        format!("{secs:.2} s")
    } else {
        format!("{secs:.0} s")
    }
}

/// Seconds as milliseconds: `51.2 ms`, `136 ms`.
pub fn millis_text(secs: f64) -> String {
    let ms = secs * 1000.0;
    if ms.abs() < 100.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

pub fn bytes_text(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.2} GiB", mib / 1024.0)
    } else if mib >= 10.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{mib:.1} MiB")
    }
}

pub fn count_text(count: u64) -> String {
    let digits = count.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Nanoseconds as µs or ms.
pub fn nanos_text(nanos: f64) -> String {
    if nanos >= 1_000_000.0 {
        format!("{:.2} ms", nanos / 1_000_000.0)
    } else if nanos >= 1_000.0 {
        format!("{:.2} µs", nanos / 1_000.0)
    } else {
        format!("{nanos:.0} ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_figures() {
        assert_eq!(secs_text(0.2041), "0.204 s");
        assert_eq!(secs_text(2.654), "2.65 s");
        assert_eq!(secs_text(139.6), "140 s");
        assert_eq!(millis_text(0.051_23), "51.2 ms");
        assert_eq!(millis_text(0.1366), "137 ms");
        assert_eq!(millis_text(-0.002), "-2.0 ms");
        assert_eq!(cell_text(&Cell::PerOperation { wall: 0.079, cpu: 0.0815 }), "79.0 ms/op (CPU 81.5 ms)");
        assert_eq!(bytes_text(47 * 1024 * 1024), "47 MiB");
        assert_eq!(bytes_text(5 * 1024 * 1024 + 512 * 1024), "5.5 MiB");
        assert_eq!(bytes_text(2900 * 1024 * 1024), "2.83 GiB");
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(999), "999");
        assert_eq!(count_text(5267), "5,267");
        assert_eq!(count_text(1_234_567), "1,234,567");
        assert_eq!(nanos_text(48_250.0), "48.25 µs");
        assert_eq!(nanos_text(950.4), "950 ns");
        assert_eq!(nanos_text(2_500_000.0), "2.50 ms");
        assert_eq!(Verdict::Unknown.text(), "not measured");
        assert_eq!(Verdict::NoBaseline.text(), "unknown (theirs not measured)");
        assert_eq!(Verdict::Fail("0.65×".into()).text(), "**FAIL** (0.65×)");
    }

    fn secs(wall: f64) -> Cell {
        Cell::Timed { wall, cpu: wall / 2.0 }
    }

    #[test]
    fn ratios_compare_like_with_like() {
        assert_eq!(ratio(&secs(0.1), &secs(2.65)), "0.038×");
        assert_eq!(ratio(&secs(0.3), &secs(0.2)), "1.5×");
        assert_eq!(cell_text(&Cell::Timed { wall: 0.3, cpu: 0.25 }), "0.300 s (CPU 0.250 s)");
        assert_eq!(ratio(&Cell::Bytes(40), &Cell::Bytes(100)), "0.40×");
        assert_eq!(ratio(&Cell::Count(500), &Cell::Count(20)), "25×");
        assert_eq!(ratio(&secs(0.3), &Cell::Bytes(3)), "–");
        let per_op = |wall: f64| Cell::PerOperation { wall, cpu: wall };
        assert_eq!(ratio(&per_op(0.079), &per_op(0.158)), "0.50×");
        assert_eq!(ratio(&per_op(0.079), &secs(0.158)), "–");
        assert_eq!(ratio(&secs(0.3), &secs(0.0)), "–");
        let failed = Cell::Failed { after: Some(0.1), message: "panic".into() };
        assert_eq!(ratio(&secs(0.3), &failed), "–");
    }

    #[test]
    fn renders_a_padded_table_with_shared_footnotes() {
        let panic = || Cell::Failed { after: Some(0.145), message: "panicked at x.rs:1:2: todo".into() };
        let rows = vec![
            Row {
                what: "gen wall".into(),
                input: "seed20-pruned".into(),
                ours: secs(0.05),
                target: "< 0.20 s".into(),
                verdict: Verdict::check(Some(true), ""),
                oag: secs(2.5),
                progenitor: panic(),
                ratio: true,
            },
            Row {
                what: "warnings".into(),
                input: "seed20-pruned".into(),
                ours: Cell::Text("0 / 0".into()),
                target: "0".into(),
                verdict: Verdict::check(Some(false), "3 clippy"),
                oag: Cell::Skipped("not installed".into()),
                progenitor: panic(),
                ratio: false,
            },
        ];
        let (table, notes) = render(&rows);
        let expected = "\
| measurement | input         | ours                  | target   | verdict             | openapi-generator   | ours/oag | progenitor                  | ours/prog |
| ----------- | ------------- | --------------------- | -------- | ------------------- | ------------------- | -------- | --------------------------- | --------- |
| gen wall    | seed20-pruned | 0.050 s (CPU 0.025 s) | < 0.20 s | pass                | 2.50 s (CPU 1.25 s) | 0.020×   | **fails** after 0.145 s [1] | –         |
| warnings    | seed20-pruned | 0 / 0                 | 0        | **FAIL** (3 clippy) | – [2]               |          | **fails** after 0.145 s [1] |           |
";
        assert_eq!(table, expected);
        assert_eq!(notes, ["[1] progenitor, seed20-pruned: panicked at x.rs:1:2: todo", "[2] not installed"]);
    }
}
