//! Building sample values from schemas: examples and defaults where valid, else values made from the types,
//! formats, enums, patterns, ranges and lengths, with recursion cut at optional properties.

use super::*;

impl<'a> Sampler<'a> {
    /// A string sample that also matches `pattern`: the plain sample if it does, else the first candidate that
    /// does and fits the length bounds.
    pub(super) fn string_sample<'v>(
        &self,
        format: &str,
        enumeration: impl Iterator<Item = &'v str>,
        min_length: Option<usize>,
        max_length: Option<usize>,
        pattern: Option<&str>,
    ) -> Value {
        let value = string_value(format, enumeration, min_length, max_length);
        let Some(pattern) = pattern else { return value };
        if self.pattern_matches(pattern, value.as_str().unwrap_or_default()) != Some(false) {
            return value;
        }
        let fits = |c: &&str| {
            let length = c.chars().count();
            min_length.is_none_or(|min| length >= min) && max_length.is_none_or(|max| length <= max)
        };
        // Last, the pattern's own letters and digits: `(att)?0-9+` -> `att0-9`.
        let literal: String = pattern.chars().filter(|c| c.is_alphanumeric() || "-_ ".contains(*c)).collect();
        let found = PATTERN_CANDIDATES
            .iter()
            .copied()
            .chain([literal.as_str()])
            .filter(|c| fits(c))
            .find(|c| self.pattern_matches(pattern, c) == Some(true))
            .map(str::to_owned);
        found.map_or(value, Value::from)
    }

    /// A valid value for a parameter: its example, its schema's example or default, or one built from the schema.
    pub(super) fn parameter(&mut self, param: &'a Parameter) -> Value {
        let data = param.parameter_data_ref();
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => Some(SchemaRef::from(schema)),
            ParameterSchemaOrContent::Content(content) => {
                content.values().find_map(|m| m.schema.as_ref()).map(SchemaRef::from)
            }
        };
        let example = data.example.as_ref().or_else(|| {
            data.examples.values().find_map(|e| match e {
                ReferenceOr::Item(example) => example.value.as_ref(),
                ReferenceOr::Reference { .. } => None,
            })
        });
        if let Some(value) = self.valid_example(example, schema) {
            return value;
        }
        // An array parameter's example is often written as the comma-separated text of its query value.
        if let (Some(Value::String(text)), Some(schema)) = (example, schema) {
            let items = Value::Array(text.split(',').map(|s| Value::from(s.trim())).collect());
            if self.problems(schema, &items).is_empty() {
                return items;
            }
        }
        self.top(schema, Mode::Full)
    }

    /// `example` (decoded when it is JSON text and the schema is not a string), if it is valid against `schema`.
    pub(crate) fn valid_example(&mut self, example: Option<&Value>, schema: Option<SchemaRef<'a>>) -> Option<Value> {
        let example = example?;
        let Some(schema) = schema else { return Some(example.clone()) };
        if self.problems(schema, example).is_empty() {
            return Some(example.clone());
        }
        let decoded = serde_json::from_str::<Value>(example.as_str()?).ok()?;
        self.problems(schema, &decoded).is_empty().then_some(decoded)
    }

    /// A value for a whole body or parameter; `{}` schemas get a small object.
    pub(crate) fn top(&mut self, schema: Option<SchemaRef<'a>>, mode: Mode) -> Value {
        let sample = schema.and_then(|schema| self.value(schema, mode));
        match sample {
            Some(Value::Null) | None => json!({ "sample": "value" }),
            Some(value) => value,
        }
    }

    /// Multipart parts as `[{"name", "content", "file"?}]`: binary properties become files; without a schema,
    /// one file part named `file` (what Jira's uploads take).
    pub(super) fn multipart(&mut self, schema: Option<SchemaRef<'a>>) -> Value {
        let file = |name: &str| json!({ "name": name, "file": "sample.txt", "content": "sample" });
        let Some(Value::Object(fields)) = schema.and_then(|s| self.value(s, Mode::Full)) else {
            return Value::Array(vec![file("file")]);
        };
        let binary = self.binary_properties(schema);
        let parts = fields
            .into_iter()
            .map(|(name, value)| {
                if binary.contains(&name) {
                    file(&name)
                } else {
                    let content = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    json!({ "name": name, "content": content })
                }
            })
            .collect();
        Value::Array(parts)
    }

    pub(super) fn binary_properties(&self, schema: Option<SchemaRef<'a>>) -> Vec<String> {
        let Some(schema) = schema.and_then(|s| self.resolve(s)) else { return Vec::new() };
        let properties = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => &object.properties,
            SchemaKind::Any(any) => &any.properties,
            _ => return Vec::new(),
        };
        properties
            .iter()
            .filter(|(_, p)| {
                let p = self.resolve(SchemaRef::from(*p));
                p.is_some_and(|p| match &p.schema_kind {
                    SchemaKind::Type(Type::String(s)) => {
                        matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))
                    }
                    SchemaKind::Any(any) => any.format.as_deref() == Some("binary"),
                    _ => false,
                })
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// A valid value for `schema`, or `None` where only a cycle back into a schema being expanded could provide
    /// one (the caller then leaves an optional property out, or uses an empty array).
    pub(crate) fn value(&mut self, schema: SchemaRef<'a>, mode: Mode) -> Option<Value> {
        match schema {
            SchemaRef::Item(schema) => self.schema_value(schema, mode),
            SchemaRef::Ref(reference) => {
                if self.stack.contains(&reference) || self.stack.len() >= MAX_DEPTH {
                    return None;
                }
                let key = component_key(reference, "schemas")?;
                let target = self.document.components.as_ref()?.schemas.get(&key)?;
                self.stack.push(reference);
                let mode = if self.stack.len() > FULL_DEPTH { Mode::Minimal } else { mode };
                let value = self.value(SchemaRef::from(target), mode);
                self.stack.pop();
                value
            }
        }
    }

    pub(super) fn schema_value(&mut self, schema: &'a Schema, mode: Mode) -> Option<Value> {
        let data = &schema.schema_data;
        for candidate in [&data.example, &data.default].into_iter().flatten() {
            let usable = !matches!(candidate, Value::Null)
                && !matches!(candidate, Value::String(s) if s.is_empty())
                && !matches!(candidate, Value::Object(_) | Value::Array(_));
            if usable && self.problems(SchemaRef::Item(schema), candidate).is_empty() {
                return Some(candidate.clone());
            }
        }
        // A discriminated union: the first member, its discriminator property set to the value naming it.
        if let Some(discriminator) = &data.discriminator {
            for (tag, reference) in discriminated_members(schema, discriminator) {
                if let Some(Value::Object(mut object)) = self.value(SchemaRef::Ref(reference), mode) {
                    object.insert(discriminator.property_name.clone(), Value::from(tag));
                    return Some(Value::Object(object));
                }
            }
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let format = match &s.format {
                    VariantOrUnknownOrEmpty::Item(f) => string_format_name(*f).to_owned(),
                    VariantOrUnknownOrEmpty::Unknown(f) => f.to_ascii_lowercase(),
                    VariantOrUnknownOrEmpty::Empty => String::new(),
                };
                Some(self.string_sample(
                    &format,
                    s.enumeration.iter().flatten().map(String::as_str),
                    s.min_length,
                    s.max_length,
                    s.pattern.as_deref(),
                ))
            }
            SchemaKind::Type(Type::Integer(i)) => Some(match i.enumeration.iter().flatten().next() {
                Some(first) => Value::from(*first),
                None => Value::from(integer_value(
                    i.minimum,
                    i.maximum,
                    i.exclusive_minimum,
                    i.exclusive_maximum,
                    i.multiple_of,
                )),
            }),
            SchemaKind::Type(Type::Number(n)) => Some(match n.enumeration.iter().flatten().next() {
                Some(first) => Value::from(*first),
                None => Value::from(number_value(n.minimum, n.maximum, n.exclusive_minimum, n.exclusive_maximum)),
            }),
            SchemaKind::Type(Type::Boolean(b)) => {
                Some(Value::Bool(b.enumeration.iter().flatten().next().copied().unwrap_or(true)))
            }
            SchemaKind::Type(Type::Array(a)) => self.array_value(a.items.as_ref(), a.min_items, mode),
            SchemaKind::Type(Type::Object(o)) => {
                let mut value = self.object_value(
                    properties(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[],
                    mode,
                )?;
                if let (Some(max), Value::Object(object)) = (o.max_properties, &mut value) {
                    // Optional properties beyond `maxProperties` are left out (Jira's `JsonNode`: 36 of them, 10 at most).
                    let optional: Vec<String> =
                        object.keys().filter(|key| !o.required.contains(key)).cloned().collect();
                    for key in optional.into_iter().rev().take(object.len().saturating_sub(max)) {
                        object.remove(&key);
                    }
                }
                Some(value)
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only] => self.value(only.into(), mode),
                _ => self.object_value(Vec::new(), &[], None, all_of, mode),
            },
            SchemaKind::OneOf { one_of } => self.choice(one_of, true, mode),
            SchemaKind::AnyOf { any_of } => self.choice(any_of, false, mode),
            SchemaKind::Not { .. } => Some(Value::from("sample")),
            SchemaKind::Any(any) => {
                if let Some(first) = any.enumeration.iter().find(|v| !v.is_null() && *v != "") {
                    return Some(first.clone());
                }
                let chosen = if !any.one_of.is_empty() {
                    Some(self.choice(&any.one_of, true, mode))
                } else if !any.any_of.is_empty() {
                    Some(self.choice(&any.any_of, false, mode))
                } else {
                    None
                };
                if let Some(chosen) = chosen {
                    if any.properties.is_empty() && any.all_of.is_empty() {
                        return chosen;
                    }
                    // Properties beside the alternatives apply whichever is chosen: both go into the object.
                    let own = self.object_value(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        mode,
                    )?;
                    return match (chosen, own) {
                        (Some(Value::Object(mut chosen)), Value::Object(own)) => {
                            for (key, value) in own {
                                chosen.entry(key).or_insert(value);
                            }
                            Some(Value::Object(chosen))
                        }
                        (_, own) => Some(own),
                    };
                }
                let typ = any.typ.as_deref();
                if !any.properties.is_empty() || !any.all_of.is_empty() || typ == Some("object") {
                    if let ([only], true) = (any.all_of.as_slice(), any.properties.is_empty()) {
                        return self.value(only.into(), mode);
                    }
                    return self.object_value(
                        properties(&any.properties),
                        &any.required,
                        any.additional_properties.as_ref(),
                        &any.all_of,
                        mode,
                    );
                }
                if any.items.is_some() || typ == Some("array") {
                    return self.array_value(any.items.as_ref(), any.min_items, mode);
                }
                let format = any.format.as_deref().unwrap_or_default().to_ascii_lowercase();
                match (typ, format.as_str()) {
                    (Some("string"), _) | (None, "string") => Some(self.string_sample(
                        &format,
                        std::iter::empty(),
                        any.min_length,
                        any.max_length,
                        any.pattern.as_deref(),
                    )),
                    (Some("integer"), _) => Some(Value::from(integer_value(
                        any.minimum.map(|m| m.ceil() as i64),
                        any.maximum.map(|m| m.floor() as i64),
                        any.exclusive_minimum.unwrap_or(false),
                        any.exclusive_maximum.unwrap_or(false),
                        any.multiple_of.map(|m| m as i64),
                    ))),
                    (Some("number"), _) => Some(Value::from(number_value(
                        any.minimum,
                        any.maximum,
                        any.exclusive_minimum.unwrap_or(false),
                        any.exclusive_maximum.unwrap_or(false),
                    ))),
                    (Some("boolean"), _) => Some(Value::Bool(true)),
                    _ => Some(json!({ "sample": "value" })),
                }
            }
        }
    }

    pub(super) fn array_value(
        &mut self,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        min_items: Option<usize>,
        mode: Mode,
    ) -> Option<Value> {
        let count = min_items.unwrap_or(0).max(1);
        let Some(items) = items else { return Some(Value::Array(vec![Value::from("sample"); count])) };
        match self.value(items.into(), mode) {
            Some(item) => {
                let mut values = vec![item.clone()];
                // `uniqueItems` with `minItems` > 1 needs distinct strings; numbers and objects repeat.
                for i in 1..count {
                    values.push(match &item {
                        Value::String(s) => Value::String(distinct(s, i)),
                        other => other.clone(),
                    });
                }
                Some(Value::Array(values))
            }
            None if min_items.unwrap_or(0) == 0 => Some(Value::Array(Vec::new())),
            None => None,
        }
    }

    /// An object from properties, required names and `allOf` members merged (later members win).
    pub(super) fn object_value(
        &mut self,
        mut fields: Vec<(&'a str, SchemaRef<'a>)>,
        required: &'a [String],
        additional: Option<&'a AdditionalProperties>,
        all_of: &'a [ReferenceOr<Schema>],
        mode: Mode,
    ) -> Option<Value> {
        let mut required: Vec<&'a str> = required.iter().map(String::as_str).collect();
        let mut additional = additional;
        for member in all_of {
            self.merge_member(member.into(), &mut fields, &mut required, &mut additional, 0);
        }
        let mut object = Map::new();
        for &(name, schema) in &fields {
            let is_required = required.contains(&name);
            if self.read_only(schema) || (mode == Mode::Minimal && !is_required) {
                continue;
            }
            match self.value(schema, mode) {
                Some(value) => {
                    object.insert(name.to_owned(), value);
                }
                None if is_required => return None,
                None => {}
            }
        }
        // A required property the schema does not declare (a spec mistake) is sent where undeclared ones may be.
        for name in required {
            if object.contains_key(name) || fields.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let value = match additional {
                Some(AdditionalProperties::Any(false)) => continue,
                Some(AdditionalProperties::Schema(value)) => self.value(value.as_ref().into(), Mode::Minimal)?,
                _ => Value::from("sample"),
            };
            object.insert(name.to_owned(), value);
        }
        if object.is_empty() && mode == Mode::Full {
            if let Some(AdditionalProperties::Schema(value)) = additional {
                if let Some(value) = self.value(value.as_ref().into(), mode) {
                    object.insert("sample".to_owned(), value);
                }
            }
        }
        Some(Value::Object(object))
    }

    pub(super) fn merge_member(
        &self,
        member: SchemaRef<'a>,
        fields: &mut Vec<(&'a str, SchemaRef<'a>)>,
        required: &mut Vec<&'a str>,
        additional: &mut Option<&'a AdditionalProperties>,
        depth: usize,
    ) {
        let Some(schema) = self.resolve(member) else { return };
        if depth > MAX_DEPTH {
            return;
        }
        let (properties, names, extra, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, o.additional_properties.as_ref(), &[][..])
            }
            SchemaKind::Any(any) => {
                (&any.properties, &any.required, any.additional_properties.as_ref(), &any.all_of[..])
            }
            SchemaKind::AllOf { all_of } => {
                for inner in all_of {
                    self.merge_member(inner.into(), fields, required, additional, depth + 1);
                }
                return;
            }
            _ => return,
        };
        for (name, schema) in self::properties(properties) {
            fields.retain(|(n, _)| *n != name);
            fields.push((name, schema));
        }
        required.extend(names.iter().map(String::as_str));
        *additional = additional.or(extra);
        for inner in all_of {
            self.merge_member(inner.into(), fields, required, additional, depth + 1);
        }
    }

    /// The first member that yields a value; for `oneOf`, preferably one that no other member also accepts.
    pub(super) fn choice(&mut self, members: &'a [ReferenceOr<Schema>], exclusive: bool, mode: Mode) -> Option<Value> {
        let mut fallback = None;
        for (i, member) in members.iter().enumerate() {
            let Some(value) = self.value(member.into(), mode) else { continue };
            let ambiguous = exclusive
                && members
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && self.problems(other.into(), &value).is_empty());
            if !ambiguous {
                return Some(value);
            }
            fallback.get_or_insert(value);
        }
        fallback
    }

    /// Whether a property is read-only: on its own schema, an `allOf` wrapper, or the component it names.
    pub(super) fn read_only(&self, schema: SchemaRef<'a>) -> bool {
        self.resolve(schema).is_some_and(|s| s.schema_data.read_only)
    }
}

/// The `i`th of several distinct strings like `text`: a UUID keeps its shape.
pub(super) fn distinct(text: &str, i: usize) -> String {
    if text.len() == 36 && text.matches('-').count() == 4 {
        format!("{}{:x}", &text[..35], i % 16)
    } else {
        format!("{text}{i}")
    }
}

/// A string for a format, an enum (its first non-empty value) and length bounds.
pub(super) fn string_value<'v>(
    format: &str,
    mut enumeration: impl Iterator<Item = &'v str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Value {
    let mut values = enumeration.by_ref().peekable();
    if values.peek().is_some() {
        let values: Vec<&str> = values.collect();
        let first = values.iter().find(|v| !v.is_empty()).unwrap_or(&values[0]);
        return Value::from(*first);
    }
    let mut text = match format {
        "date-time" => "2021-01-17T12:34:00.000+0000",
        "date" => "2021-01-17",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "uri" | "url" | "uri-reference" => "https://example.com/sample",
        "email" => "sample@example.com",
        "byte" => "c2FtcGxl",
        "int32" | "int64" | "integer" => "1",
        _ => "sample",
    }
    .to_owned();
    if let Some(min) = min_length {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = max_length {
        text = text.chars().take(max).collect();
    }
    Value::from(text)
}

/// 1, moved into the allowed range and onto a multiple where the schema says so.
pub(super) fn integer_value(
    min: Option<i64>,
    max: Option<i64>,
    exclusive_min: bool,
    exclusive_max: bool,
    multiple: Option<i64>,
) -> i64 {
    let low = min.map(|m| if exclusive_min { m.saturating_add(1) } else { m });
    let high = max.map(|m| if exclusive_max { m.saturating_sub(1) } else { m });
    let mut value = 1i64;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    if let Some(step) = multiple.filter(|m| *m > 0) {
        value = value.div_euclid(step) * step;
        if low.is_some_and(|low| value < low) {
            value += step;
        }
    }
    value
}

/// 1.5, or a value inside the allowed range.
pub(super) fn number_value(min: Option<f64>, max: Option<f64>, exclusive_min: bool, exclusive_max: bool) -> f64 {
    let inside = |v: f64| {
        min.is_none_or(|m| if exclusive_min { v > m } else { v >= m })
            && max.is_none_or(|m| if exclusive_max { v < m } else { v <= m })
    };
    match (min, max) {
        _ if inside(1.5) => 1.5,
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) => low + 1.0,
        (None, Some(high)) => high - 1.0,
        (None, None) => 1.5,
    }
}
