//! HTTP basic authentication: an account email and an API token.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{sensitive_header, Auth, AuthFuture, Secret};

/// HTTP basic authentication with an Atlassian account email and an API token.
///
/// A classic API token works on the site URL (`https://your-domain.atlassian.net`); a scoped API token only
/// through the gateway, which [`Client::builder_for_scoped_token`](crate::Client::builder_for_scoped_token) finds.
#[derive(Debug, Clone)]
pub struct BasicAuth {
    email: String,
    token: Secret,
}

impl BasicAuth {
    /// Uses the account `email` with the API `token`.
    pub fn new(email: impl Into<String>, token: impl Into<Secret>) -> BasicAuth {
        BasicAuth { email: email.into(), token: token.into() }
    }

    /// The account email.
    pub fn email(&self) -> &str {
        &self.email
    }
}

impl Auth for BasicAuth {
    fn authorization(&self) -> AuthFuture<'_> {
        let credentials = format!("{}:{}", self.email, self.token.expose());
        let value = sensitive_header(format!("Basic {}", STANDARD.encode(credentials)));
        Box::pin(async move { value.map(Some) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn basic_credentials_are_standard_base64_with_padding() {
        let header = BasicAuth::new("me@example.com", "tok?>").authorization().await.unwrap().unwrap();
        assert_eq!(header, "Basic bWVAZXhhbXBsZS5jb206dG9rPz4=");
    }

    #[test]
    fn the_token_never_prints() {
        let basic = BasicAuth::new("me@example.com", "hunter2");
        assert!(!format!("{basic:?}").contains("hunter2"));
    }
}
