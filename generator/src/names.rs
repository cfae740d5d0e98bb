//! Rust names from spec names: case conversion (heck), characters that cannot be in an identifier, keywords,
//! and collisions, resolved deterministically in the order names are claimed.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and weak ones that cannot be plain identifiers).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Words for characters that would otherwise vanish, so that `=`, `!=` and `>=` stay distinct names.
const SYMBOLS: &[(char, &str)] = &[
    ('=', " eq "),
    ('!', " not "),
    ('>', " gt "),
    ('<', " lt "),
    ('~', " tilde "),
    ('+', " plus "),
    ('*', " star "),
    ('&', " and "),
    ('|', " or "),
    ('%', " percent "),
    ('#', " hash "),
    ('@', " at "),
];

/// A type or variant name: `UpperCamelCase`, only identifier characters, not a keyword.
pub fn type_name(raw: &str) -> String {
    finish(clean(raw, false).to_upper_camel_case(), "T")
}

/// A field, parameter, method or module name: `snake_case`, only identifier characters, keyword-safe.
pub fn snake_name(raw: &str) -> String {
    finish(clean(raw, false).to_snake_case(), "n")
}

/// An enum variant for a wire value; symbols become words (`!=` -> `NotEq`, `-name` -> `MinusName`).
pub fn variant_name(raw: &str) -> String {
    if raw.is_empty() {
        return "Empty".to_owned();
    }
    finish(clean(raw, true).to_upper_camel_case(), "V")
}

/// Replaces what is not a letter or digit with word breaks; with `symbols`, spells out operator characters too.
fn clean(raw: &str, symbols: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for (i, c) in raw.chars().enumerate() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some((_, word)) = SYMBOLS.iter().find(|(s, _)| symbols && *s == c) {
            out.push_str(word);
        } else if symbols && c == '-' && i == 0 {
            out.push_str(" minus ");
        } else {
            out.push(' ');
        }
    }
    out
}

/// Makes a cased name a valid identifier: a prefix when it is empty or starts with a digit, `_` after keywords.
fn finish(name: String, prefix: &str) -> String {
    let name = if name.is_empty() {
        prefix.to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        // `16x16` -> `n16x16` (fields) or `T16x16` (types).
        format!("{prefix}{name}")
    } else {
        name
    };
    if is_keyword(&name) {
        format!("{name}_")
    } else {
        name
    }
}

/// Whether a name is a Rust keyword.
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Hands out unique names: the first claim of a name gets it as is, later claims get `2`, `3`, ... appended
/// (after a `_` for snake-case names). Claims happen in a deterministic order (spec order), so output is stable.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Namespace {
        Namespace::default()
    }

    /// A namespace in which these names are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Namespace {
        Namespace { taken: names.into_iter().map(str::to_owned).collect() }
    }

    /// Claims `wanted`, or the first free `wanted2`, `wanted3`, ... (`wanted_2` for snake case).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        let snake = wanted.chars().next().is_some_and(|c| c.is_ascii_lowercase());
        let base = wanted.trim_end_matches('_');
        (2..)
            .map(|n| if snake { format!("{base}_{n}") } else { format!("{base}{n}") })
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_owned())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_are_camel_case_identifiers() {
        assert_eq!(type_name("IssueBean"), "IssueBean");
        assert_eq!(type_name("fields"), "Fields");
        assert_eq!(type_name("targetClassification"), "TargetClassification");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("16x16"), "T16x16");
    }

    #[test]
    fn field_names_are_snake_case_and_keyword_safe() {
        assert_eq!(snake_name("issueIdOrKey"), "issue_id_or_key");
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("16x16"), "n16x16");
        assert_eq!(snake_name("start-index"), "start_index");
        assert_eq!(snake_name("The column position of the gadget."), "the_column_position_of_the_gadget");
        assert_eq!(snake_name(""), "n");
        assert_eq!(
            snake_name("AddonPropertiesResource.getAddonProperty_get"),
            "addon_properties_resource_get_addon_property_get"
        );
    }

    #[test]
    fn operator_values_get_distinct_variant_names() {
        let names: Vec<String> = ["=", "!=", ">", "<", ">=", "<=", "~", "~=", "!~", "-name", "+name", "name", ""]
            .iter()
            .map(|v| variant_name(v))
            .collect();
        assert_eq!(
            names,
            [
                "Eq",
                "NotEq",
                "Gt",
                "Lt",
                "GtEq",
                "LtEq",
                "Tilde",
                "TildeEq",
                "NotTilde",
                "MinusName",
                "PlusName",
                "Name",
                "Empty"
            ]
        );
        let unique: BTreeSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
    }

    #[test]
    fn collisions_get_numbered_in_claim_order() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("Fields"), "Fields");
        assert_eq!(ns.claim("Fields"), "Fields2");
        assert_eq!(ns.claim("start_index"), "start_index");
        assert_eq!(ns.claim("start_index"), "start_index_2");
        assert_eq!(ns.claim("type_"), "type_");
        assert_eq!(ns.claim("type_"), "type_2");
    }
}
