//! Why credentials could not produce an `Authorization` header (the details of
//! [`ErrorKind::Auth`](crate::ErrorKind::Auth)).

use std::fmt;

/// The underlying cause of an [`AuthError`]: a token endpoint that could not be reached, a store that failed.
pub type AuthErrorSource = Box<dyn std::error::Error + Send + Sync>;

/// Credentials that could not produce an `Authorization` header: unusable characters, a failed OAuth 2.0 token
/// refresh, a refresh token that the store could not save. Never holds the credentials themselves.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthError {
    /// What went wrong.
    pub message: String,
    /// Whether the user must authorise the app again: the OAuth 2.0 refresh token chain is dead (the token
    /// endpoint answered `invalid_grant`: the token expired, was revoked, or an old one was used).
    pub consent_required: bool,
    /// The cause, when there is one.
    pub source: Option<AuthErrorSource>,
}

impl AuthError {
    /// An error with a message and nothing else.
    pub fn new(message: impl Into<String>) -> AuthError {
        AuthError { message: message.into(), consent_required: false, source: None }
    }

    /// Adds the cause.
    pub fn with_source(mut self, source: impl Into<AuthErrorSource>) -> AuthError {
        self.source = Some(source.into());
        self
    }

    /// Marks the error as one that only a new consent of the user can cure.
    pub fn consent_required(mut self) -> AuthError {
        self.consent_required = true;
        self
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.consent_required {
            f.write_str("; the user must authorise the app again")?;
        }
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}
