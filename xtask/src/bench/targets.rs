//! The targets the table judges figures against, and how: generation against absolute times and memory (from
//! `shared/notes/baselines.md` for the baselines), the generated crate's compile time as ratios to
//! openapi-generator on the same row of the same run (issue 14), its build's peak memory absolutely.

use super::table::{bytes_text, ratio_of, ratio_text, secs_text, Cell, Verdict};

/// Generation of `seed20-pruned`: faster than progenitor and openapi-generator in `baselines.md`.
pub const PROGENITOR_PRUNED_SECS: f64 = 0.20;
pub const OAG_PRUNED_SECS: f64 = 2.65;
/// Generation of every Jira REST v2 operation, and of every operation of the six specs.
pub const JIRA_V2_GEN_SECS: f64 = 0.45;
pub const JIRA_V2_GEN_RSS: u64 = 100 * 1024 * 1024;
pub const ALL_SIX_GEN_SECS: f64 = 1.0;
/// Generation of the seed listing: at most this many times the floor of only parsing its specs.
pub const FLOOR_FACTOR: f64 = 2.0;
/// openapi-generator's `seed20-pruned` crate in `baselines.md`: `cargo build` seconds (for the calibration line).
pub const OAG_PRUNED_BUILD_SECS: f64 = 3.44;

/// Compile time of the generated crate, ours / openapi-generator's.
pub const JIRA_V2_BUILD_RATIO: f64 = 0.35;
pub const JIRA_V2_CHECK_RATIO: f64 = 0.45;
pub const SEED_BUILD_RATIO: f64 = 0.6;
pub const SEED_CHECK_RATIO: f64 = 0.7;
/// The marginal `cargo build` time of one more operation, ours / openapi-generator's.
pub const MARGINAL_BUILD_RATIO: f64 = 0.35;
/// Peak memory of the build of every Jira REST v2 operation.
pub const JIRA_V2_BUILD_RSS: u64 = 1024 * 1024 * 1024;

/// The wall time of a timed cell.
pub fn secs(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Timed { wall, .. } => Some(*wall),
        _ => None,
    }
}

/// A verdict that could not be reached because ours fails is a failure; any other stays.
pub fn unless_ours_fails(ours: &Cell, verdict: Verdict) -> Verdict {
    match (ours, verdict) {
        (Cell::Failed { .. }, Verdict::Unknown) => Verdict::Fail("ours fails".to_owned()),
        (_, verdict) => verdict,
    }
}

pub fn below_secs(cell: &Cell, limit: f64) -> (String, Verdict) {
    let verdict = Verdict::check(secs(cell).map(|s| s < limit), String::new());
    (format!("< {}", secs_text(limit)), unless_ours_fails(cell, verdict))
}

pub fn below_bytes(cell: &Cell, limit: u64) -> (String, Verdict) {
    let bytes = match cell {
        Cell::Bytes(bytes) => Some(*bytes),
        _ => None,
    };
    let verdict = Verdict::check(bytes.map(|b| b < limit), String::new());
    (format!("< {}", bytes_text(limit)), unless_ours_fails(cell, verdict))
}

/// Ours at most `limit` times openapi-generator's figure on the same row: pass or FAIL from the measured ratio
/// (shown beside the verdict); FAIL when ours fails; unknown when theirs is missing or failed; not measured when
/// ours is not.
pub fn ratio_at_most(ours: &Cell, theirs: &Cell, limit: f64) -> (String, Verdict) {
    let target = format!("≤ {limit}× openapi-generator");
    let verdict = match ratio_of(ours, theirs) {
        Some(ratio) => Verdict::check(Some(ratio <= limit), ratio_text(ratio)),
        None if ratio_of(ours, ours).is_some() => Verdict::NoBaseline,
        None => Verdict::Unknown,
    };
    (target, unless_ours_fails(ours, verdict))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(wall: f64) -> Cell {
        Cell::Timed { wall, cpu: wall }
    }

    #[test]
    fn a_ratio_above_its_target_fails() {
        let (target, verdict) = ratio_at_most(&secs(32.89), &secs(50.24), JIRA_V2_BUILD_RATIO);
        assert_eq!(target, "≤ 0.35× openapi-generator");
        assert_eq!(verdict, Verdict::Fail("0.65×".into()));
    }

    #[test]
    fn a_ratio_at_or_below_its_target_passes() {
        assert_eq!(ratio_at_most(&secs(3.0), &secs(5.0), SEED_BUILD_RATIO).1, Verdict::Pass("0.60×".into()));
        assert_eq!(ratio_at_most(&secs(1.0), &secs(5.0), SEED_CHECK_RATIO).1, Verdict::Pass("0.20×".into()));
        let per_op = |wall: f64| Cell::PerOperation { wall, cpu: wall };
        assert_eq!(
            ratio_at_most(&per_op(0.020), &per_op(0.080), MARGINAL_BUILD_RATIO).1,
            Verdict::Pass("0.25×".into())
        );
    }

    #[test]
    fn a_ratio_is_unknown_when_theirs_is_missing_or_failed() {
        let missing = Cell::Skipped("not installed".into());
        assert_eq!(ratio_at_most(&secs(3.0), &missing, SEED_BUILD_RATIO).1, Verdict::NoBaseline);
        let failed = Cell::Failed { after: Some(4.0), message: "error[E0428]".into() };
        assert_eq!(ratio_at_most(&secs(3.0), &failed, SEED_BUILD_RATIO).1, Verdict::NoBaseline);
        assert_eq!(ratio_at_most(&secs(3.0), &secs(0.0), SEED_BUILD_RATIO).1, Verdict::NoBaseline);
    }

    #[test]
    fn our_failure_fails_a_ratio_target_whatever_theirs() {
        let failed = Cell::Failed { after: None, message: "holds 587 operations".into() };
        assert_eq!(ratio_at_most(&failed, &secs(50.0), JIRA_V2_BUILD_RATIO).1, Verdict::Fail("ours fails".into()));
        let missing = Cell::Skipped("not installed".into());
        assert_eq!(ratio_at_most(&failed, &missing, JIRA_V2_BUILD_RATIO).1, Verdict::Fail("ours fails".into()));
        let not_run = Cell::Skipped("not run (--no-compile)".into());
        assert_eq!(ratio_at_most(&not_run, &secs(50.0), JIRA_V2_BUILD_RATIO).1, Verdict::Unknown);
    }

    #[test]
    fn an_absolute_target_fails_when_ours_fails_and_is_unknown_when_not_run() {
        let failed = Cell::Failed { after: None, message: "killed by signal 9".into() };
        assert_eq!(below_bytes(&failed, JIRA_V2_BUILD_RSS).1, Verdict::Fail("ours fails".into()));
        assert_eq!(
            below_bytes(&Cell::Bytes(2 << 30), JIRA_V2_BUILD_RSS),
            ("< 1.00 GiB".into(), Verdict::Fail("".into()))
        );
        assert_eq!(below_bytes(&Cell::Bytes(900 << 20), JIRA_V2_BUILD_RSS).1, Verdict::Pass("".into()));
        assert_eq!(below_secs(&Cell::Skipped("not run".into()), JIRA_V2_GEN_SECS).1, Verdict::Unknown);
    }
}
