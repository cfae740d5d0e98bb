//! Where in a JSON body a decode error happened, as a path (`issues[1].id`), from the position serde_json reports.
//!
//! Decoding tracks nothing: a response decodes once, at full speed, with one copy of each type's decoder. Only a
//! failure is explained, by reading the body up to the error's line and column and naming the key or index that
//! was being read there (the notation of `serde_path_to_error`: keys joined by `.`, indices in brackets, `.` for
//! the whole body).

/// One open object or array on the way to the error.
enum Frame {
    /// An object and the key whose value is being read (none before the first key).
    Object(Option<String>),
    /// An array, the index of the item being read, and whether a `,` was read after it with no item yet.
    Array(usize, bool),
}

/// The path of the value being read when serde_json stopped with `error` on `body`.
pub(crate) fn error_path(body: &[u8], error: &serde_json::Error) -> String {
    // serde's wording for a missing field (`de::Error::missing_field`).
    let missing_field = error.to_string().starts_with("missing field");
    match offset_of(body, error.line(), error.column()) {
        Some(offset) => path_at(body, offset, missing_field),
        None => ".".to_owned(),
    }
}

/// The byte offset just after the last byte serde_json consumed: `column` bytes into line `line` (1-based).
fn offset_of(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0;
    for _ in 1..line {
        start += body.get(start..)?.iter().position(|b| *b == b'\n')? + 1;
    }
    Some((start + column).min(body.len()))
}

/// The path at `offset`, the end of what was consumed. The last consumed byte is left out: it ends the value at
/// fault (a string's quote, a number's digit, the byte serde_json peeked at) or, for an error a value's own
/// decoder raised, the object or array holding it, which serde_json closed before giving its position. A missing
/// field is the fault of the object that lacks it.
fn path_at(body: &[u8], offset: usize, missing_field: bool) -> String {
    let end = offset.saturating_sub(1);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let byte = body[i];
        // The item after a `,` starts at its first byte, not at the comma: serde_json may have read the comma
        // after the item at fault.
        if let Some(Frame::Array(index, comma)) = stack.last_mut() {
            if *comma && !byte.is_ascii_whitespace() && byte != b']' {
                *index += 1;
                *comma = false;
            }
        }
        match byte {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0, false)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::Array(_, comma)) = stack.last_mut() {
                    *comma = true;
                }
            }
            b'"' => {
                let close = string_end(body, i);
                // A string right after `{` or `,` in an object is a key.
                if close < end && is_key(body, i) {
                    if let Some(Frame::Object(key)) = stack.last_mut() {
                        *key = serde_json::from_slice::<String>(&body[i..=close]).ok();
                    }
                }
                i = close;
            }
            _ => {}
        }
        i += 1;
    }
    // The last byte itself may start the item at fault (serde_json peeked at it to see its type).
    if let (Some(Frame::Array(index, true)), Some(byte)) = (stack.last_mut(), body.get(end)) {
        if !byte.is_ascii_whitespace() && !matches!(byte, b']' | b',') {
            *index += 1;
        }
    }
    let frames = match missing_field {
        true => &stack[..stack.len().saturating_sub(1)],
        false => &stack[..],
    };
    render(frames)
}

/// The index of the quote that closes the string opening at `open` (or the last byte, for a truncated body).
fn string_end(body: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    body.len().saturating_sub(1)
}

/// Whether the string opening at `open` is an object key: the byte before it, whitespace aside, is `{` or `,`
/// (in an array a string after `,` is an item, but then the innermost frame is an array and nothing is set).
fn is_key(body: &[u8], open: usize) -> bool {
    let before = body[..open].iter().rev().find(|b| !b.is_ascii_whitespace());
    matches!(before, Some(b'{' | b','))
}

fn render(frames: &[Frame]) -> String {
    let mut path = String::new();
    for frame in frames {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index, _) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde::Deserialize;

    use super::*;

    /// The path `serde_path_to_error` reports, and ours from the plain decoder's error position.
    fn both<T: DeserializeOwned>(body: &str) -> (String, String) {
        let plain = serde_json::from_str::<T>(body).err().expect("the body must not decode");
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let tracked = serde_path_to_error::deserialize::<_, T>(&mut deserializer).err().expect("fails tracked too");
        (tracked.path().to_string(), error_path(body.as_bytes(), &plain))
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Search {
        issues: Vec<Issue>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Issue {
        id: String,
        fields: Option<Fields>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Fields {
        votes: i32,
        labels: Option<Vec<String>>,
        #[serde(rename = "odd \"key\"")]
        odd: Option<bool>,
    }

    #[test]
    fn the_path_is_the_one_a_tracking_decoder_reports() {
        let cases = [
            r#"{"issues": [{"id": "1"}, {"id": 2}]}"#,
            r#"{"issues": [{"id": "1", "fields": {"votes": "many"}}]}"#,
            r#"{"issues": [{"id": "1", "fields": {"votes": 1.5}}]}"#,
            r#"{"issues": [{"id": "1", "fields": {"votes": 1, "labels": ["a", 2]}}]}"#,
            r#"{"issues": [{"id": "1", "fields": {"votes": 1, "odd \"key\"": "yes"}}]}"#,
            r#"{"issues": [{"id": "1", "fields": {"labels": []}}]}"#,
            r#"{"issues": [{"fields": null}]}"#,
            "{\n  \"issues\": [\n    {\"id\": \"1\"},\n    {\"id\": true}\n  ]\n}",
            r#"{"issues": {"id": "1"}}"#,
            r#"{"issues": [{"id": "1", "fields": {"votes": 1}}, {"id": "2", "fields": {"votes": [1]}}]}"#,
            r#"["not", "an", "object"]"#,
        ];
        for body in cases {
            let (tracked, ours) = both::<Search>(body);
            assert_eq!(ours, tracked, "{body}");
        }
    }

    #[test]
    fn a_body_cut_short_names_the_last_key_read() {
        let body = r#"{"issues": [{"id": "1""#;
        let error = serde_json::from_str::<Search>(body).unwrap_err();
        // `serde_path_to_error` says `issues[0].?`: it had no next key.
        assert_eq!(error_path(body.as_bytes(), &error), "issues[0].id");
    }

    #[test]
    fn a_value_that_no_member_fits_is_named_by_its_key() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Holder {
            position: Position,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        #[serde(untagged)]
        enum Position {
            Cell { row: i32, column: i32 },
            Index(i32),
        }
        let (tracked, ours) = both::<Holder>(r#"{"position": {"row": "1", "column": 2}}"#);
        assert_eq!(tracked, "position");
        assert_eq!(ours, tracked);
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Many {
            positions: Vec<Position>,
            after: Option<i32>,
        }
        for body in [
            r#"{"positions": [1, {"row": 1, "column": 2}, {"row": "1"}, 4], "after": 1}"#,
            "{\n  \"positions\": [\n    1,\n    {\"row\": \"1\"},\n    4\n  ],\n  \"after\": 1\n}",
            r#"{"positions": [1, 2], "after": {"row": 1}}"#,
            r#"{"positions": [[1]]}"#,
        ] {
            let (tracked, ours) = both::<Many>(body);
            assert_eq!(ours, tracked, "{body}");
        }
    }
}
