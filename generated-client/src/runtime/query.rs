//! Query strings: percent-encoding names and values.

use percent_encoding::utf8_percent_encode;

use super::path::COMPONENT;

/// Percent-encodes a query name or value. Everything outside RFC 3986's unreserved set is encoded, so `&`,
/// `=`, `+`, `,` and space inside a value can never be mistaken for syntax (space becomes `%20`).
pub(crate) fn encode(value: &str) -> String {
    utf8_percent_encode(value, COMPONENT).to_string()
}

/// Joins already-encoded `(name, value)` pairs into a query string without the leading `?`.
pub(crate) fn to_query_string(pairs: &[(&'static str, String)]) -> String {
    let mut query = String::new();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(&encode(name));
        query.push('=');
        query.push_str(value);
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_break_out_of_their_parameter() {
        assert_eq!(encode("project = A&b=c+d, e"), "project%20%3D%20A%26b%3Dc%2Bd%2C%20e");
        let pairs = [("jql", encode("a b")), ("expand", "x,y".to_owned())];
        assert_eq!(to_query_string(&pairs), "jql=a%20b&expand=x,y");
    }
}
