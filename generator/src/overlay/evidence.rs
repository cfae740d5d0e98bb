//! `x-evidence` names operations and schemas: each must exist in the corrected document, so that a check can
//! decode the body with the type generated for it.

use openapiv3::{OpenAPI, ReferenceOr};

use super::document::EvidenceSubject;
use super::Corrections;
use crate::error::{Error, Result};

/// Every evidence body names an operation (with a status it documents) or a component schema of `document`.
pub(crate) fn check(document: &OpenAPI, corrections: &Corrections) -> Result<()> {
    for overlay in &corrections.documents {
        for action in &overlay.actions {
            for (i, body) in action.evidence.bodies.iter().enumerate() {
                let problem = match &body.subject {
                    EvidenceSubject::Response { operation, status } => response_problem(document, operation, status),
                    EvidenceSubject::Schema(schema) => {
                        let known = document.components.as_ref().is_some_and(|c| c.schemas.contains_key(schema));
                        (!known).then(|| format!("no component schema `{schema}` in the corrected document"))
                    }
                };
                if let Some(message) = problem {
                    return Err(Error::OverlayAction {
                        path: overlay.path.clone(),
                        action: action.label(),
                        message: format!("x-evidence.bodies[{i}] (`{}`): {message}", body.file),
                    });
                }
            }
        }
    }
    Ok(())
}

fn response_problem(document: &OpenAPI, operation_id: &str, status: &str) -> Option<String> {
    let operation = document
        .paths
        .paths
        .values()
        .filter_map(|item| match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        })
        .flat_map(|item| item.iter().map(|(_, op)| op))
        .find(|op| op.operation_id.as_deref() == Some(operation_id));
    let Some(operation) = operation else {
        return Some(format!("no operation `{operation_id}` in the corrected document"));
    };
    let documented = status
        .parse::<u16>()
        .ok()
        .is_some_and(|code| operation.responses.responses.contains_key(&openapiv3::StatusCode::Code(code)));
    (!documented).then(|| format!("`{operation_id}` documents no response with status {status}"))
}
