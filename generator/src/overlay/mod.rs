//! Spec corrections as OpenAPI Overlays (<https://spec.openapis.org/overlay/v1.0.0.html>).
//!
//! The listing names the overlay documents of a spec (`x-overlays` on its `x-common` entry). [`apply_all`] applies
//! them in order to the parsed JSON before it becomes an `openapiv3::OpenAPI`, so every later stage sees the
//! corrected document, and records which action touched which JSON pointer ([`Corrections`]), so that a value an
//! overlay set (an `x-rust-type`, an evidence check) can be traced back to its file and action.

mod apply;
pub mod document;

use std::path::Path;

use serde_json::Value;

pub use document::{Action, Evidence, EvidenceBody, EvidenceKind, EvidenceSubject, OverlayDocument};

use crate::error::Result;

/// The overlays applied to one spec, and what each action touched.
#[derive(Debug, Clone, Default)]
pub struct Corrections {
    /// The documents, in the order they were applied.
    pub documents: Vec<OverlayDocument>,
    /// Every JSON pointer an action wrote or removed, in the order of application.
    pub touches: Vec<Touch>,
}

/// One place an action changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touch {
    /// A JSON pointer into the corrected document (for a removal: where the removed node was).
    pub pointer: String,
    /// Which document of [`Corrections::documents`].
    pub overlay: usize,
    /// Which action of that document ([`Action::index`]).
    pub action: usize,
}

impl Corrections {
    /// The overlay and action that last changed `pointer` or a node holding it, if any.
    pub fn provenance(&self, pointer: &str) -> Option<(&OverlayDocument, &Action)> {
        let touch = self.touches.iter().rev().find(|touch| within(pointer, &touch.pointer))?;
        self.action(touch)
    }

    /// The overlay and action that changed `pointer`, a node holding it, or a node inside it.
    pub fn related(&self, pointer: &str) -> Option<(&OverlayDocument, &Action)> {
        let touch = self
            .touches
            .iter()
            .rev()
            .find(|touch| within(pointer, &touch.pointer) || within(&touch.pointer, pointer))?;
        self.action(touch)
    }

    fn action(&self, touch: &Touch) -> Option<(&OverlayDocument, &Action)> {
        let document = self.documents.get(touch.overlay)?;
        Some((document, document.actions.get(touch.action)?))
    }

    /// The listing-relative names of the documents, in order.
    pub fn names(&self) -> Vec<&str> {
        self.documents.iter().map(|d| d.name.as_str()).collect()
    }
}

/// Whether `pointer` is `outer` or inside it.
fn within(pointer: &str, outer: &str) -> bool {
    pointer.strip_prefix(outer).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Reads the overlay documents `names` (relative to `base`, the listing's folder) and applies them in order.
pub fn apply_all(document: &mut Value, base: &Path, names: &[String]) -> Result<Corrections> {
    let mut corrections = Corrections::default();
    for name in names {
        let overlay = OverlayDocument::load(&base.join(name), name)?;
        apply::apply(document, &overlay, corrections.documents.len(), &mut corrections.touches)?;
        corrections.documents.push(overlay);
    }
    Ok(corrections)
}
