//! Path parameters: encoding one segment, and checking that substitution kept the template's segments.

use std::fmt::{self, Write as _};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything except RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a value for use as one path segment.
///
/// Every character outside RFC 3986's unreserved set is encoded, including `/`, `?`, `#`, `%` and space, so a
/// value such as `A/../../x` stays a single segment (`A%2F..%2F..%2Fx`). A value that is exactly `.` or `..`
/// cannot be expressed as a segment at all (URL parsers resolve it even when encoded); the client refuses to
/// send such a request rather than let it reach another path.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// `template` with its `{name}` variables replaced, in order, by `values`, each encoded as one segment
/// ([`encode_path_segment`]). A variable left without a value stays as written.
pub fn fill_path(template: &str, values: &[&dyn fmt::Display]) -> String {
    let mut path = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        let Some(value) = values.next() else { break };
        path.push_str(&rest[..open]);
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = write!(text, "{value}");
        path.extend(utf8_percent_encode(&text, COMPONENT));
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// Whether substituting the parameters of `template` left an empty segment that the template does not have,
/// which would send the request to a parent resource.
pub(crate) fn has_empty_parameter(template: &str, path: &str) -> bool {
    let empty_segments = |text: &str| text.split('/').filter(|segment| segment.is_empty()).count();
    empty_segments(path) != empty_segments(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_characters_are_encoded() {
        assert_eq!(encode_path_segment("A/../../x"), "A%2F..%2F..%2Fx");
        assert_eq!(encode_path_segment("a b?c#d%e"), "a%20b%3Fc%23d%25e");
        assert_eq!(encode_path_segment("PROJ-1_x.y~z"), "PROJ-1_x.y~z");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn path_variables_are_filled_in_order_and_encoded() {
        let template = "/rest/api/2/issue/{issueIdOrKey}/comment/{id}";
        assert_eq!(fill_path(template, &[&"A/1", &10042]), "/rest/api/2/issue/A%2F1/comment/10042");
        assert_eq!(fill_path("/a/{b}/c/{d}", &[&"x"]), "/a/x/c/{d}");
        assert_eq!(fill_path("/a", &[]), "/a");
    }

    #[test]
    fn empty_parameters_are_detected() {
        let template = "/rest/api/2/issue/{issueIdOrKey}";
        assert!(has_empty_parameter(template, "/rest/api/2/issue/"));
        assert!(!has_empty_parameter(template, "/rest/api/2/issue/A-1"));
        assert!(has_empty_parameter("/a/{b}/c", "/a//c"));
    }
}
