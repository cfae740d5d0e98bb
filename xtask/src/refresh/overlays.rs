//! What a new copy of a spec does to the overlays that correct it: the actions that no longer match anything (the
//! correction lapsed: Atlassian moved, renamed or fixed the place), and the corrected places whose upstream text
//! changed between the copies (Atlassian may have fixed them, making the correction unneeded or wrong).

use std::collections::BTreeSet;
use std::fmt;

use generator::load::{Listing, SpecSource};
use generator::overlay::{apply_all_reporting, Lapsed};
use serde_json::Value;

/// The overlays of one spec against its new copy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverlayDrift {
    /// How many actions the overlays have.
    pub actions: usize,
    /// Actions that match nothing in the new copy.
    pub lapsed: Vec<Lapsed>,
    /// Places an action corrects whose upstream value differs between the old and the new copy.
    pub changed: Vec<ChangedPlace>,
    /// The overlays cannot be applied to the new copy for another reason (the generator's message).
    pub error: Option<String>,
}

/// A corrected place that changed upstream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChangedPlace {
    /// The overlay, as the listing names it, and the action ([`generator::overlay::Action::label`]).
    pub overlay: String,
    pub action: String,
    /// The JSON pointer of the place in the spec.
    pub pointer: String,
    /// Whether the new copy still has the place.
    pub gone: bool,
}

/// Applies the overlays of `source` to the old and the new copy (`old` is `Null` when there was none) and compares;
/// `None` when the spec has no overlays.
pub fn overlay_drift(listing: &Listing, source: &SpecSource, old: &Value, new: &Value) -> Option<OverlayDrift> {
    if source.overlays.is_empty() {
        return None;
    }
    let base = listing.spec_dir();
    let mut drift = OverlayDrift::default();
    match apply_all_reporting(&mut new.clone(), &base, &source.overlays) {
        Ok((corrections, lapsed)) => {
            drift.actions = corrections.documents.iter().map(|d| d.actions.len()).sum();
            drift.lapsed = lapsed;
        }
        Err(error) => drift.error = Some(error.to_string()),
    }
    // Where the corrections apply in the old copy; an old copy the overlays do not fit has nothing to compare.
    if let Ok((corrections, _)) = apply_all_reporting(&mut old.clone(), &base, &source.overlays) {
        let mut seen = BTreeSet::new();
        for target in &corrections.targets {
            let Some(document) = corrections.documents.get(target.overlay) else { continue };
            let Some(action) = document.actions.get(target.action) else { continue };
            // The action's target as it was upstream: the raw copies, before any overlay.
            let (before, after) = (old.pointer(&target.pointer), new.pointer(&target.pointer));
            // An action that lapsed is listed as such already.
            let lapsed = drift.lapsed.iter().any(|l| l.overlay == document.name && l.action == action.label());
            if lapsed
                || before.is_none()
                || before == after
                || !seen.insert((target.overlay, target.action, &target.pointer))
            {
                continue;
            }
            drift.changed.push(ChangedPlace {
                overlay: document.name.clone(),
                action: action.label(),
                pointer: target.pointer.clone(),
                gone: after.is_none(),
            });
        }
    }
    Some(drift)
}

impl fmt::Display for OverlayDrift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "  overlays: {} action(s), {} no longer match, {} corrected place(s) changed upstream",
            self.actions,
            self.lapsed.len(),
            self.changed.len()
        )?;
        if let Some(error) = &self.error {
            writeln!(f, "  the overlays cannot be applied to the new copy: {error}")?;
        }
        if !self.lapsed.is_empty() {
            writeln!(f, "  actions that no longer match (edit or remove them):")?;
            for lapsed in &self.lapsed {
                writeln!(f, "    {} {}", lapsed.overlay, lapsed.action)?;
            }
        }
        if !self.changed.is_empty() {
            writeln!(f, "  corrected places that changed upstream (Atlassian may have fixed them; is each correction still needed?):")?;
            for place in &self.changed {
                let gone = if place.gone { " (gone from the new copy)" } else { "" };
                writeln!(f, "    {} {}: `{}`{gone}", place.overlay, place.action, place.pointer)?;
            }
        }
        Ok(())
    }
}
