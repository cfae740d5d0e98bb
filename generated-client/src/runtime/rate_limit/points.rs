//! The points headers: `RateLimit-Policy` and `RateLimit` (sent as `Beta-RateLimit-Policy` and `Beta-RateLimit`
//! while Atlassian's points-based limits are in beta), RFC 8941 structured-field lists such as
//! `"tenant-app-quota";q=100100;w=3600` and `"tenant-app-quota";r=17842;t=2107`.

use std::time::Duration;

use super::structured_field::{self, BareItem};

/// One quota from `RateLimit-Policy`: its name, how many points it allows and in which window.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PointsPolicy {
    /// The quota's name, e.g. `tenant-app-quota`.
    pub name: String,
    /// The points allowed per window (`q`).
    pub quota: Option<u64>,
    /// The window (`w`, in seconds).
    pub window: Option<Duration>,
}

/// The state of one quota from `RateLimit`: its name, the points left and when the window resets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PointsRemaining {
    /// The quota's name, e.g. `tenant-app-quota`.
    pub name: String,
    /// The points left in this window (`r`).
    pub remaining: Option<u64>,
    /// How long until the window resets (`t`, in seconds from the response).
    pub reset: Option<Duration>,
}

/// Reads a `RateLimit-Policy` list. An error says why the field is not a list of named quotas.
pub(crate) fn parse_policies(text: &str) -> Result<Vec<PointsPolicy>, String> {
    let quotas = named_quotas(text, ["q", "w"])?.into_iter();
    Ok(quotas
        .map(|(name, [quota, window])| PointsPolicy { name, quota, window: window.map(Duration::from_secs) })
        .collect())
}

/// Reads a `RateLimit` list. An error says why the field is not a list of named quotas.
pub(crate) fn parse_remaining(text: &str) -> Result<Vec<PointsRemaining>, String> {
    let quotas = named_quotas(text, ["r", "t"])?.into_iter();
    Ok(quotas
        .map(|(name, [remaining, reset])| PointsRemaining { name, remaining, reset: reset.map(Duration::from_secs) })
        .collect())
}

/// A quota's name and the values of the parameters asked for.
type Quota<const N: usize> = (String, [Option<u64>; N]);

/// The members of a structured-field list, each a string or token naming a quota, with the values of the integer
/// parameters `keys` (others are ignored).
fn named_quotas<const N: usize>(text: &str, keys: [&str; N]) -> Result<Vec<Quota<N>>, String> {
    let list = structured_field::parse_list(text).map_err(|why| format!("not a structured-field list: {why}"))?;
    list.into_iter()
        .map(|item| {
            let (BareItem::String(name) | BareItem::Token(name)) = item.value else {
                return Err("a member is not a quota name (a string or a token)".to_owned());
            };
            let mut values = [None; N];
            for (key, value) in &item.parameters {
                let Some(slot) = keys.iter().position(|wanted| wanted == key) else { continue };
                let integer = match value {
                    BareItem::Integer(integer) => u64::try_from(*integer).ok(),
                    _ => None,
                };
                values[slot] =
                    Some(integer.ok_or_else(|| format!("`{key}` of `{name}` is not a non-negative integer"))?);
            }
            Ok((name, values))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atlassians_points_headers_are_read() {
        let policies = parse_policies(r#""tenant-app-quota";q=100100;w=3600"#).unwrap();
        assert_eq!(
            policies,
            [PointsPolicy {
                name: "tenant-app-quota".to_owned(),
                quota: Some(100_100),
                window: Some(Duration::from_secs(3600))
            }]
        );
        let remaining = parse_remaining(r#""tenant-app-quota";r=17842;t=2107"#).unwrap();
        assert_eq!(
            remaining,
            [PointsRemaining {
                name: "tenant-app-quota".to_owned(),
                remaining: Some(17842),
                reset: Some(Duration::from_secs(2107))
            }]
        );
    }

    #[test]
    fn several_quotas_tokens_and_unknown_parameters_are_accepted() {
        let remaining = parse_remaining(r#""burst";r=5;t=1, daily;r=900;t=40000;pk=:YWJj:"#).unwrap();
        assert_eq!(remaining.len(), 2);
        assert_eq!(remaining[1].name, "daily");
        assert_eq!(remaining[1].remaining, Some(900));
        let policy = parse_policies(r#""q-only";q=10"#).unwrap();
        assert_eq!(policy[0].window, None);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for text in [
            "tenant-app-quota;r=1;t=",
            r#""unterminated;r=1"#,
            r#""a";r=-1"#,
            r#""a";t=1.5"#,
            r#""a";r=9999999999999999"#,
            "(inner list);r=1",
            "12;r=1",
            "\u{1F600}",
        ] {
            assert!(parse_remaining(text).is_err(), "{text:?} should not parse");
        }
    }
}
