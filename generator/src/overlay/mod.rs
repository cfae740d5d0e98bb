//! Spec corrections as OpenAPI Overlays (<https://spec.openapis.org/overlay/v1.0.0.html>).
//!
//! The listing names the overlay documents of a spec (`x-overlays` on its `x-common` entry). [`apply_all`] applies
//! them in order to the parsed JSON before it becomes an `openapiv3::OpenAPI`, so every later stage sees the
//! corrected document, and records which action touched which JSON pointer ([`Corrections`]), so that a value an
//! overlay set (an `x-rust-type`, an evidence check) can be traced back to its file and action.

mod apply;
pub mod document;
mod evidence;
pub mod summary;

use std::path::Path;

use serde_json::Value;

pub use document::{Action, Evidence, EvidenceBody, EvidenceKind, EvidenceSubject, OverlayDocument};

use crate::error::{pointer_token, Error, Result};

/// The overlays applied to one spec, and what each action touched.
#[derive(Debug, Clone, Default)]
pub struct Corrections {
    /// The documents, in the order they were applied.
    pub documents: Vec<OverlayDocument>,
    /// Every JSON pointer an action wrote or removed, in the order of application.
    pub touches: Vec<Touch>,
    /// Every node an action's target selected (before the action changed it), in the order of application.
    pub targets: Vec<Touch>,
}

/// An action that matched nothing (see [`apply_all_reporting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lapsed {
    /// The overlay document's file.
    pub path: std::path::PathBuf,
    /// How the listing names it.
    pub overlay: String,
    /// The action's index, description and target ([`Action::label`]).
    pub action: String,
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

/// Checks what needs the corrected document as OpenAPI: every `x-evidence` body names an operation and status,
/// or a component schema, that it has.
pub fn check_corrected(document: &openapiv3::OpenAPI, corrections: &Corrections) -> Result<()> {
    evidence::check(document, corrections)
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
        apply::apply(document, &overlay, corrections.documents.len(), &mut corrections, None)?;
        corrections.documents.push(overlay);
    }
    check_rust_types(document, &corrections)?;
    Ok(corrections)
}

/// Like [`apply_all`], for `refresh-specs`: an action that matches nothing is skipped and returned, so that every
/// correction that lapsed with a new copy of the spec is reported at once.
pub fn apply_all_reporting(document: &mut Value, base: &Path, names: &[String]) -> Result<(Corrections, Vec<Lapsed>)> {
    let mut corrections = Corrections::default();
    let mut lapsed = Vec::new();
    for name in names {
        let overlay = OverlayDocument::load(&base.join(name), name)?;
        let mut skipped = Vec::new();
        apply::apply(document, &overlay, corrections.documents.len(), &mut corrections, Some(&mut skipped))?;
        lapsed.extend(skipped.into_iter().filter_map(|index| overlay.actions.get(index)).map(|action| Lapsed {
            path: overlay.path.clone(),
            overlay: name.clone(),
            action: action.label(),
        }));
        corrections.documents.push(overlay);
    }
    check_rust_types(document, &corrections)?;
    Ok((corrections, lapsed))
}

/// Every `x-rust-type` an overlay set names a type the generator knows, on a schema without `$ref` (whose siblings
/// OpenAPI 3.0 ignores); otherwise an error naming the overlay and the action.
fn check_rust_types(document: &Value, corrections: &Corrections) -> Result<()> {
    for touch in &corrections.touches {
        // A touch of the key itself is checked on the object holding it.
        let at = match touch.pointer.rsplit_once('/') {
            Some((parent, key)) if key == crate::rust_types::EXTENSION => parent,
            _ => touch.pointer.as_str(),
        };
        let Some(node) = document.pointer(at) else { continue };
        let Some((overlay, action)) = corrections.action(touch) else { continue };
        if let Err((at, message)) = find_rust_types(node, at) {
            return Err(Error::OverlayAction {
                path: overlay.path.clone(),
                action: action.label(),
                message: format!("at `{at}`: {message}"),
            });
        }
    }
    Ok(())
}

fn find_rust_types(node: &Value, at: &str) -> std::result::Result<(), (String, String)> {
    match node {
        Value::Object(map) => {
            if let Some(value) = map.get(crate::rust_types::EXTENSION) {
                crate::rust_types::check(value).map_err(|message| (at.to_owned(), message))?;
                if map.contains_key("$ref") {
                    return Err((
                        at.to_owned(),
                        "`x-rust-type` beside `$ref` has no effect (OpenAPI 3.0 ignores the siblings of `$ref`); \
                         remove the `$ref` first, or set it on the component the `$ref` names"
                            .into(),
                    ));
                }
            }
            for (key, value) in map {
                find_rust_types(value, &format!("{at}/{}", pointer_token(key)))?;
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                find_rust_types(value, &format!("{at}/{i}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}
