//! Scoped API tokens: basic authentication through the gateway, which needs the site's cloud id.

use reqwest::Url;
use serde::Deserialize;

use super::fetch::{decode, http_client, send};
use super::{BasicAuth, Secret, ATLASSIAN_GATEWAY};
use crate::auth_error::AuthError;
use crate::error::Result;

/// A scoped API token (Atlassian's newer API tokens, limited to chosen scopes) with the account email and the
/// site it belongs to.
///
/// Scoped tokens work only through the gateway (`https://api.atlassian.com/ex/jira/{cloudId}`), with basic
/// authentication; on the site URL they get 401. The site's cloud id comes from
/// `https://<site>.atlassian.net/_edge/tenant_info`, which needs no authentication:
/// [`Client::builder_for_scoped_token`](crate::Client::builder_for_scoped_token) reads it.
#[derive(Debug, Clone)]
pub struct ScopedToken {
    site_url: String,
    auth: BasicAuth,
    tenant_info_url: Option<String>,
    gateway_url: String,
}

/// The part of `_edge/tenant_info` that is needed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TenantInfo {
    cloud_id: String,
}

impl ScopedToken {
    /// The token `token` of the account `email` on `site_url` (`https://your-domain.atlassian.net`).
    pub fn new(site_url: impl Into<String>, email: impl Into<String>, token: impl Into<Secret>) -> ScopedToken {
        ScopedToken {
            site_url: site_url.into().trim_end_matches('/').to_owned(),
            auth: BasicAuth::new(email, token),
            tenant_info_url: None,
            gateway_url: ATLASSIAN_GATEWAY.to_owned(),
        }
    }

    /// Reads the cloud id from `url` instead of `{site_url}/_edge/tenant_info` (for tests).
    pub fn tenant_info_url(mut self, url: impl Into<String>) -> ScopedToken {
        self.tenant_info_url = Some(url.into());
        self
    }

    /// Reaches the site through `url` instead of `https://api.atlassian.com/ex` (for tests).
    pub fn gateway_url(mut self, url: impl Into<String>) -> ScopedToken {
        self.gateway_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The gateway, without the product and cloud id.
    pub fn gateway(&self) -> &str {
        &self.gateway_url
    }

    /// The credentials to send through the gateway.
    pub fn basic_auth(&self) -> BasicAuth {
        self.auth.clone()
    }

    /// Asks the site for its cloud id.
    pub async fn cloud_id(&self) -> Result<String> {
        const WHAT: &str = "the site's tenant info";
        let url = match &self.tenant_info_url {
            Some(url) => url.clone(),
            None => format!("{}/_edge/tenant_info", self.site_url),
        };
        let url =
            Url::parse(&url).map_err(|_| AuthError::new("the site URL of the scoped token is not a valid URL"))?;
        let (status, answer) = send(http_client()?.get(url), WHAT).await?;
        if !(200..300).contains(&status) {
            return Err(AuthError::new(format!("{WHAT} answered status {status}")).into());
        }
        let info: TenantInfo = decode(&answer, WHAT)?;
        if info.cloud_id.is_empty() {
            return Err(AuthError::new(format!("{WHAT} holds an empty cloud id")).into());
        }
        Ok(info.cloud_id)
    }
}
