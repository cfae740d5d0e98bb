//! The checks of the overlays' evidence: each body cited for a selected operation's response, or for a component
//! schema the selection reaches, is decoded with the type generated for it.

use std::collections::BTreeMap;

use crate::ir::{EvidenceCheck, Operation, TypeRef};
use crate::names::{snake_name, Namespace};
use crate::overlay::{Corrections, EvidenceSubject};

/// The checks, in overlay, action and body order; bodies for what the listing does not select are left out. A body
/// that several actions cite for the same subject is decoded once, by a check that names every citing action.
pub(super) fn checks(
    corrections: &Corrections,
    operations: &[Operation],
    components: &BTreeMap<String, String>,
) -> Vec<EvidenceCheck> {
    let mut names = Namespace::new();
    let mut checks: Vec<EvidenceCheck> = Vec::new();
    // (subject, overlay, file) -> index of its check.
    let mut seen: BTreeMap<(String, &str, &str), usize> = BTreeMap::new();
    for overlay in &corrections.documents {
        for action in &overlay.actions {
            for body in &action.evidence.bodies {
                let (subject, ty) = match &body.subject {
                    EvidenceSubject::Response { operation, status } => {
                        let Some(op) = operations.iter().find(|op| &op.id == operation) else { continue };
                        let Ok(status) = status.parse::<u16>() else { continue };
                        (op.fn_name.trim_end_matches('_').to_owned(), op.success_type(status))
                    }
                    EvidenceSubject::Schema(schema) => {
                        let Some(name) = components.get(schema) else { continue };
                        (snake_name(name), TypeRef::Named(name.clone()))
                    }
                };
                let key = (subject.clone(), overlay.name.as_str(), body.file.as_str());
                if let Some(&index) = seen.get(&key) {
                    checks[index].what.push_str(&format!(" and {}", action.index));
                    continue;
                }
                seen.insert(key, checks.len());
                let stem = body.file.rsplit('/').next().unwrap_or(&body.file).trim_end_matches(".json");
                checks.push(EvidenceCheck {
                    test: names.claim(&format!("{subject}_{}", snake_name(stem))),
                    what: format!(
                        "{} ({}), cited by {} action {}",
                        body.file,
                        body.kind.as_str(),
                        overlay.name,
                        action.index
                    ),
                    ty,
                    json: body.json.clone(),
                });
            }
        }
    }
    checks
}
