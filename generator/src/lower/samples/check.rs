//! Checking values against schemas: the same walk validates spec examples and the samples built here.

use super::*;

impl<'a> Sampler<'a> {
    /// What is wrong with `value` as a request value for `schema`: wrong types, enum values, formats, ranges and
    /// lengths, missing required properties, read-only properties, undeclared properties where none are allowed.
    pub(crate) fn problems(&self, schema: SchemaRef<'a>, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.check(schema, value, "", &mut problems, 0);
        problems
    }

    pub(super) fn check(
        &self,
        schema: SchemaRef<'a>,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 4 * MAX_DEPTH {
            return;
        }
        let Some(schema) = self.resolve(schema) else { return };
        let place = if at.is_empty() { "/" } else { at };
        let problem = |message: String| format!("{place}: {message}");
        if value.is_null() {
            if !schema.schema_data.nullable && !matches!(schema.schema_kind, SchemaKind::Any(ref a) if a.typ.is_none())
            {
                problems.push(problem("null is not allowed".into()));
            }
            return;
        }
        // A discriminated union: the member its discriminator property names, and no other.
        if let (Some(discriminator), Some(object)) = (&schema.schema_data.discriminator, value.as_object()) {
            let members = discriminated_members(schema, discriminator);
            if !members.is_empty() {
                let tag = object.get(&discriminator.property_name).and_then(Value::as_str);
                match members.iter().find(|(t, _)| Some(t.as_str()) == tag) {
                    Some((_, reference)) => self.check(SchemaRef::Ref(reference), value, at, problems, depth + 1),
                    None => problems.push(problem(format!(
                        "discriminator `{}` is {tag:?}, which names no member",
                        discriminator.property_name
                    ))),
                }
                return;
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let Some(text) = value.as_str() else {
                    return problems.push(problem(format!("{value} is not a string")));
                };
                let allowed: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if !allowed.is_empty() && !allowed.contains(&text) {
                    problems.push(problem(format!("{text:?} is not one of {allowed:?}")));
                }
                let format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => string_format_name(*f).to_owned(),
                    VariantOrUnknownOrEmpty::Unknown(f) => f.to_ascii_lowercase(),
                    VariantOrUnknownOrEmpty::Empty => String::new(),
                };
                if let Some(message) = format_problem(&format, text) {
                    problems.push(problem(message));
                }
                check_length(text, s.min_length, s.max_length, problems, place);
                if let Some(pattern) = &s.pattern {
                    if self.pattern_matches(pattern, text) == Some(false) {
                        problems.push(problem(format!("{text:?} does not match the pattern {pattern:?}")));
                    }
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let Some(number) = value.as_i64() else {
                    return problems.push(problem(format!("{value} is not an integer")));
                };
                if matches!(i.format, VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32))
                    && i32::try_from(number).is_err()
                {
                    problems.push(problem(format!("{number} is not an int32")));
                }
                let allowed: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if !allowed.is_empty() && !allowed.contains(&number) {
                    problems.push(problem(format!("{number} is not one of {allowed:?}")));
                }
                check_range(
                    number as f64,
                    i.minimum.map(|m| m as f64),
                    i.maximum.map(|m| m as f64),
                    i.exclusive_minimum,
                    i.exclusive_maximum,
                    problems,
                    place,
                );
            }
            SchemaKind::Type(Type::Number(n)) => {
                let Some(number) = value.as_f64() else {
                    return problems.push(problem(format!("{value} is not a number")));
                };
                check_range(number, n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum, problems, place);
            }
            SchemaKind::Type(Type::Boolean(_)) => {
                if !value.is_boolean() {
                    problems.push(problem(format!("{value} is not a boolean")));
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                self.check_array(a.items.as_ref(), a.min_items, a.max_items, a.unique_items, value, at, problems, depth)
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.check_object(
                    properties(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[],
                    value,
                    at,
                    problems,
                    depth,
                );
                let count = value.as_object().map_or(0, Map::len);
                if o.max_properties.is_some_and(|max| count > max) {
                    problems.push(problem(format!("{count} properties, more than maxProperties")));
                }
            }
            SchemaKind::AllOf { all_of } => {
                if let [only] = all_of.as_slice() {
                    self.check(only.into(), value, at, problems, depth + 1);
                } else {
                    self.check_object(Vec::new(), &[], None, all_of, value, at, problems, depth);
                }
            }
            SchemaKind::OneOf { one_of } => self.check_choice(one_of, true, value, at, problems, depth),
            SchemaKind::AnyOf { any_of } => self.check_choice(any_of, false, value, at, problems, depth),
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                if !any.enumeration.is_empty() && !any.enumeration.contains(value) {
                    problems.push(problem(format!("{value} is not one of the enum values")));
                }
                if !any.one_of.is_empty() {
                    self.check_choice(&any.one_of, true, value, at, problems, depth);
                }
                if !any.any_of.is_empty() {
                    self.check_choice(&any.any_of, false, value, at, problems, depth);
                }
                let typ = any.typ.as_deref();
                if !any.properties.is_empty() || !any.all_of.is_empty() || typ == Some("object") {
                    self.check_object(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        value,
                        at,
                        problems,
                        depth,
                    );
                } else if any.items.is_some() || typ == Some("array") {
                    self.check_array(
                        any.items.as_ref(),
                        any.min_items,
                        any.max_items,
                        any.unique_items.unwrap_or(false),
                        value,
                        at,
                        problems,
                        depth,
                    );
                } else {
                    let format = any.format.as_deref().unwrap_or_default().to_ascii_lowercase();
                    match typ {
                        Some("string") => match value.as_str() {
                            Some(text) => {
                                if let Some(message) = format_problem(&format, text) {
                                    problems.push(problem(message));
                                }
                                check_length(text, any.min_length, any.max_length, problems, place);
                                if let Some(pattern) = &any.pattern {
                                    if self.pattern_matches(pattern, text) == Some(false) {
                                        problems
                                            .push(problem(format!("{text:?} does not match the pattern {pattern:?}")));
                                    }
                                }
                            }
                            None => problems.push(problem(format!("{value} is not a string"))),
                        },
                        Some("integer") if value.as_i64().is_none() => {
                            problems.push(problem(format!("{value} is not an integer")))
                        }
                        Some("number") if !value.is_number() => {
                            problems.push(problem(format!("{value} is not a number")))
                        }
                        Some("boolean") if !value.is_boolean() => {
                            problems.push(problem(format!("{value} is not a boolean")))
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn check_array(
        &self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        min_items: Option<usize>,
        max_items: Option<usize>,
        unique: bool,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let Some(values) = value.as_array() else {
            return problems.push(format!("{}: {value} is not an array", if at.is_empty() { "/" } else { at }));
        };
        if min_items.is_some_and(|min| values.len() < min) || max_items.is_some_and(|max| values.len() > max) {
            problems.push(format!("{at}/: {} items is outside the allowed count", values.len()));
        }
        if unique && values.iter().enumerate().any(|(i, v)| values[..i].contains(v)) {
            problems.push(format!("{at}/: items are not unique"));
        }
        if let Some(items) = items {
            for (i, item) in values.iter().enumerate() {
                self.check(items.into(), item, &format!("{at}/{i}"), problems, depth + 1);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn check_object(
        &self,
        mut fields: Vec<(&'a str, SchemaRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        all_of: &'a [ReferenceOr<Schema>],
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let Some(object) = value.as_object() else {
            return problems.push(format!("{}: {value} is not an object", if at.is_empty() { "/" } else { at }));
        };
        let mut required: Vec<&'a str> = required.iter().map(String::as_str).collect();
        let mut additional = additional;
        for member in all_of {
            self.merge_member(member.into(), &mut fields, &mut required, &mut additional, 0);
        }
        for name in &required {
            let read_only = fields.iter().any(|(n, s)| n == name && self.read_only(*s));
            if !read_only && !object.contains_key(*name) {
                problems.push(format!("{at}/{name}: required property is missing"));
            }
        }
        for (key, item) in object {
            let path = format!("{at}/{key}");
            match fields.iter().find(|(n, _)| n == key) {
                Some((_, schema)) => {
                    if self.read_only(*schema) {
                        problems.push(format!("{path}: read-only property in a request"));
                    }
                    self.check(*schema, item, &path, problems, depth + 1);
                }
                None => match additional {
                    Some(AdditionalProperties::Any(false)) => {
                        problems.push(format!("{path}: property is not declared"));
                    }
                    Some(AdditionalProperties::Schema(schema)) => {
                        self.check(schema.as_ref().into(), item, &path, problems, depth + 1)
                    }
                    _ => {}
                },
            }
        }
    }

    pub(super) fn check_choice(
        &self,
        members: &'a [ReferenceOr<Schema>],
        exclusive: bool,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
        depth: usize,
    ) {
        let matching = members
            .iter()
            .filter(|member| {
                let mut inner = Vec::new();
                self.check((*member).into(), value, at, &mut inner, depth + 1);
                inner.is_empty()
            })
            .count();
        let place = if at.is_empty() { "/" } else { at };
        if matching == 0 {
            problems.push(format!("{place}: matches none of the {} alternatives", members.len()));
        } else if exclusive && matching > 1 {
            problems.push(format!("{place}: matches {matching} of the oneOf alternatives, not exactly one"));
        }
    }
}

pub(super) fn check_length(
    text: &str,
    min: Option<usize>,
    max: Option<usize>,
    problems: &mut Vec<String>,
    place: &str,
) {
    let length = text.chars().count();
    if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
        problems.push(format!("{place}: {length} characters is outside the allowed length"));
    }
}

pub(super) fn check_range(
    value: f64,
    min: Option<f64>,
    max: Option<f64>,
    exclusive_min: bool,
    exclusive_max: bool,
    problems: &mut Vec<String>,
    place: &str,
) {
    let too_low = min.is_some_and(|m| if exclusive_min { value <= m } else { value < m });
    let too_high = max.is_some_and(|m| if exclusive_max { value >= m } else { value > m });
    if too_low || too_high {
        problems.push(format!("{place}: {value} is outside the allowed range"));
    }
}

/// Checks the formats a validator such as Prism's checks: dates, times, UUIDs, URIs and e-mail addresses.
pub(super) fn format_problem(format: &str, text: &str) -> Option<String> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let ok = match format {
        "date" => is_date(text),
        "date-time" => {
            let (date, time) = text.split_at(text.find(['T', 't']).unwrap_or(text.len()));
            is_date(date) && time.len() >= 9 && {
                let time = &time[1..];
                let hms: Vec<&str> = time.get(..8).unwrap_or_default().split(':').collect();
                hms.len() == 3 && hms.iter().all(|p| p.len() == 2 && digits(p))
            }
        }
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups
                    .iter()
                    .zip([8, 4, 4, 4, 12])
                    .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        "uri" | "url" => text.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        }),
        "email" => text.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
        "int32" | "int64" => text.parse::<i64>().is_ok(),
        _ => true,
    };
    (!ok).then(|| format!("{text:?} is not a valid {format}"))
}

pub(super) fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2].iter().zip(&parts).all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_digit()))
}
