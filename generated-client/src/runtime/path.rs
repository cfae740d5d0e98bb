//! Path parameters: encoding one segment, and checking that substitution kept the template's segments.

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
    fn empty_parameters_are_detected() {
        let template = "/rest/api/2/issue/{issueIdOrKey}";
        assert!(has_empty_parameter(template, "/rest/api/2/issue/"));
        assert!(!has_empty_parameter(template, "/rest/api/2/issue/A-1"));
        assert!(has_empty_parameter("/a/{b}/c", "/a//c"));
    }
}
