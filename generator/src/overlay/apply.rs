//! Applying an overlay's actions to a parsed document, as the Overlay Specification 1.0.0 says: in order, each to the
//! result of the previous one; `update` merged recursively into each selected object (arrays inside are appended
//! to) or appended to each selected array; `remove: true` removes each selected node (and `update` then has no
//! effect). Every action must select at least one node.

use serde_json::Value;

use super::document::OverlayDocument;
use super::{Corrections, Touch};
use crate::error::{pointer_token, Error, Result};

/// One step of a normalized path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Index(usize),
    Name(String),
}

/// Applies every action of `overlay` (the `which`-th document of its spec) to `document`, recording what each
/// selected and touched. An action that matches nothing is an error, or with `lapsed` given, recorded there and
/// skipped.
pub(crate) fn apply(
    document: &mut Value,
    overlay: &OverlayDocument,
    which: usize,
    corrections: &mut Corrections,
    mut lapsed: Option<&mut Vec<usize>>,
) -> Result<()> {
    for action in &overlay.actions {
        let error =
            |message: String| Error::OverlayAction { path: overlay.path.clone(), action: action.label(), message };
        let mut selected: Vec<Vec<Step>> = action
            .path
            .query_located(document)
            .dedup()
            .iter()
            .map(|node| {
                node.location()
                    .iter()
                    .map(|element| match element.as_index() {
                        Some(index) => Step::Index(index),
                        None => Step::Name(element.as_name().unwrap_or_default().to_owned()),
                    })
                    .collect()
            })
            .collect();
        if selected.is_empty() {
            if let Some(lapsed) = lapsed.as_deref_mut() {
                lapsed.push(action.index);
                continue;
            }
            return Err(error(
                "matches no node: the correction no longer applies (Atlassian may have moved or fixed this place); \
                 edit or remove the action"
                    .into(),
            ));
        }
        if let Some(steps) = selected.iter().find(|steps| {
            let node = document.pointer(&pointer(steps)).expect("a node the target just selected");
            !(node.is_object() || node.is_array())
        }) {
            let node = document.pointer(&pointer(steps)).expect("a node the target just selected");
            return Err(error(format!(
                "selects {} at `{}`; a target must select objects or arrays (to change or remove a value, select \
                 the object holding it)",
                kind(node),
                pointer(steps)
            )));
        }
        for steps in &selected {
            corrections.targets.push(Touch { pointer: pointer(steps), overlay: which, action: action.index });
        }
        let touches = &mut corrections.touches;
        let mut touch = |pointer: String| touches.push(Touch { pointer, overlay: which, action: action.index });
        if action.remove {
            // Deepest and last first, so the remaining paths (array indices above all) stay valid.
            selected.sort_by(|a, b| b.cmp(a));
            for steps in &selected {
                remove(document, steps).map_err(error)?;
                touch(pointer(steps));
            }
        } else if let Some(update) = &action.update {
            for steps in &selected {
                let at = pointer(steps);
                let node = document.pointer_mut(&at).expect("a node the target just selected");
                update_node(node, update, &at, &mut touch).map_err(error)?;
            }
        }
    }
    Ok(())
}

fn pointer(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|step| match step {
            Step::Index(i) => format!("/{i}"),
            Step::Name(name) => format!("/{}", pointer_token(name)),
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn remove(document: &mut Value, steps: &[Step]) -> std::result::Result<(), String> {
    let Some((last, parent)) = steps.split_last() else {
        return Err("`remove` cannot remove the whole document".into());
    };
    let parent = document.pointer_mut(&pointer(parent)).expect("the parent of a selected node");
    match (parent, last) {
        (Value::Object(map), Step::Name(name)) => {
            map.shift_remove(name);
        }
        (Value::Array(items), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => unreachable!("a selected node is inside its parent"),
    }
    Ok(())
}

/// Updates one selected node: an object gets the update merged in, an array gets it appended.
fn update_node(
    node: &mut Value,
    update: &Value,
    at: &str,
    touch: &mut impl FnMut(String),
) -> std::result::Result<(), String> {
    if node.is_object() {
        if !update.is_object() {
            return Err(format!(
                "selects the object at `{at}`, so `update` must be an object of properties to merge, not {}",
                kind(update)
            ));
        }
        merge(node, update, at, touch);
    } else if let Value::Array(items) = node {
        touch(format!("{at}/{}", items.len()));
        items.push(update.clone());
    } else {
        unreachable!("targets were checked to be objects or arrays");
    }
    Ok(())
}

/// Merges `update` into `target` recursively: objects key by key, arrays appended to, anything else replaced.
fn merge(target: &mut Value, update: &Value, at: &str, touch: &mut impl FnMut(String)) {
    match (target, update) {
        (Value::Object(map), Value::Object(fields)) => {
            for (key, value) in fields {
                let here = format!("{at}/{}", pointer_token(key));
                match map.get_mut(key) {
                    Some(existing) => merge(existing, value, &here, touch),
                    None => {
                        map.insert(key.clone(), value.clone());
                        touch(here);
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(more)) => {
            for item in more {
                touch(format!("{at}/{}", items.len()));
                items.push(item.clone());
            }
        }
        (target, value) => {
            *target = value.clone();
            touch(at.to_owned());
        }
    }
}
