//! The tokens that the token endpoint hands out.

use std::time::{Duration, SystemTime};

use crate::auth::Secret;

/// An access token, the refresh token that renews it, and when the access token expires.
///
/// Save the refresh token (and, to skip a refresh at start-up, the rest) where the program can find it again:
/// [`TokenStore::save`](crate::TokenStore::save) is called with each new set.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token, sent as `Authorization: Bearer ...`.
    pub access_token: Secret,
    /// The refresh token, given with the `offline_access` scope. It rotates: each refresh returns a new one.
    pub refresh_token: Option<Secret>,
    /// When the access token stops working.
    pub expires_at: SystemTime,
    /// The scopes granted, separated by spaces, when the token endpoint said.
    pub scope: Option<String>,
}

impl TokenSet {
    /// Tokens as saved earlier.
    pub fn new(access_token: impl Into<Secret>, refresh_token: Option<Secret>, expires_at: SystemTime) -> TokenSet {
        TokenSet { access_token: access_token.into(), refresh_token, expires_at, scope: None }
    }

    /// Only a refresh token, as a program that saved nothing else starts: the first request refreshes.
    pub fn from_refresh_token(refresh_token: impl Into<Secret>) -> TokenSet {
        TokenSet::new("", Some(refresh_token.into()), SystemTime::UNIX_EPOCH)
    }

    /// How long the access token still works (zero once it has expired).
    pub fn expires_in(&self) -> Duration {
        self.expires_at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
    }

    /// When to refresh: `margin` before expiry.
    pub(crate) fn refresh_at(&self, margin: Duration) -> SystemTime {
        self.expires_at.checked_sub(margin).unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// When to refresh tokens that were just issued: `margin` before expiry, but no earlier than halfway through
    /// their life, so that a token endpoint handing out short-lived tokens does not cause a refresh per request.
    pub(crate) fn refresh_at_when_new(&self, margin: Duration) -> SystemTime {
        self.refresh_at(margin.min(self.expires_in() / 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refresh_is_due_a_margin_before_expiry_but_new_tokens_live_half_their_life_first() {
        let now = SystemTime::now();
        let margin = Duration::from_secs(300);
        let hour = TokenSet::new("a", None, now + Duration::from_secs(3600));
        assert!(hour.refresh_at(margin) <= now + Duration::from_secs(3300));
        assert!(hour.refresh_at(margin) > now + Duration::from_secs(3290));
        assert_eq!(hour.refresh_at_when_new(margin), hour.refresh_at(margin));
        let minute = TokenSet::new("a", None, now + Duration::from_secs(60));
        assert!(minute.refresh_at(margin) <= now);
        assert!(minute.refresh_at_when_new(margin) >= now + Duration::from_secs(29));
        assert!(TokenSet::from_refresh_token("r").refresh_at(margin) <= now);
    }
}
