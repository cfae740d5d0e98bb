//! The sites an access token may call.

use serde::Deserialize;

/// A site that an OAuth 2.0 access token may call, from
/// `GET https://api.atlassian.com/oauth/token/accessible-resources`. The order of the list means nothing: pick
/// the site by [`url`](AccessibleResource::url) or [`name`](AccessibleResource::name).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccessibleResource {
    /// The cloud id, which the gateway URL of the site is made of.
    pub id: String,
    /// The site's own URL (`https://your-domain.atlassian.net`).
    pub url: String,
    /// The site's name.
    pub name: String,
    /// The scopes the token has on this site.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The site's avatar.
    #[serde(default)]
    pub avatar_url: Option<String>,
}
