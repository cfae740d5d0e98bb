//! OAuth 2.0 (3LO) credentials that keep themselves fresh: one refresh at a time, rotated tokens saved first.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use reqwest::header::HeaderValue;
use tokio::sync::{Mutex, MutexGuard};

use super::{AccessibleResource, OAuthApp, TokenSet, TokenStore};
use crate::auth::{sensitive_header, Auth, AuthFuture, RenewFuture, Secret};
use crate::auth_error::AuthError;
use crate::error::{ErrorKind, Result};

/// OAuth 2.0 (3LO) credentials: sends the access token and refreshes it before it expires.
///
/// - The refresh happens [`refresh_margin`](crate::OAuthAppBuilder::refresh_margin) before expiry, as the
///   gateway answers some requests with an expired token with 403 or 404 rather than 401.
/// - However many tasks and clones use the token, at most one refresh is in flight; the others wait for its
///   result (and get its error if it fails).
/// - The rotated tokens go to the [`TokenStore`] before the new access token is used. If the store fails, the
///   request fails with an auth error, the tokens are kept in memory, and the next request saves them first.
/// - A refresh answered with `invalid_grant` means the chain is dead: every request then fails with an error for
///   which [`Error::is_consent_required`](crate::Error::is_consent_required) is true, without asking the token
///   endpoint again.
/// - A `401` from the API refreshes once for all the requests that saw it, and a request whose body can be sent
///   again is sent once more.
///
/// Cloning is cheap; clones share the tokens.
#[derive(Clone)]
pub struct OAuthToken {
    inner: Arc<Inner>,
}

struct Inner {
    app: OAuthApp,
    store: Arc<dyn TokenStore>,
    /// The number of refreshes finished, successful or not. A task that saw a smaller number before it waited
    /// for the state takes the result of the refresh that finished meanwhile.
    refreshes: AtomicU64,
    state: Mutex<State>,
}

struct State {
    /// The tokens in use (saved, or given at construction).
    tokens: TokenSet,
    /// When to refresh them.
    refresh_at: SystemTime,
    /// Rotated tokens that the store has not accepted yet: saved before anything else happens.
    unsaved: Option<TokenSet>,
    /// Why the refresh token chain is dead, once the token endpoint said `invalid_grant`.
    dead: Option<String>,
    /// The count of [`Inner::refreshes`] after the last refresh that failed, and why it failed.
    failure: Option<(u64, String)>,
}

/// Why the access token is wanted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// A token for a request: refresh when due.
    Fresh,
    /// The API refused this header (a 401) or the user asked: refresh unless someone already has.
    Replace,
}

impl OAuthToken {
    /// Credentials from `tokens` (from [`OAuthApp::exchange_code`], or loaded from where `store` saves them),
    /// refreshed through `app` and saved to `store`.
    pub fn new(app: OAuthApp, tokens: TokenSet, store: impl TokenStore + 'static) -> OAuthToken {
        let refresh_at = tokens.refresh_at(app.refresh_margin());
        let state = State { tokens, refresh_at, unsaved: None, dead: None, failure: None };
        OAuthToken {
            inner: Arc::new(Inner {
                app,
                store: Arc::new(store),
                refreshes: AtomicU64::new(0),
                state: Mutex::new(state),
            }),
        }
    }

    /// The app that refreshes the tokens.
    pub fn app(&self) -> &OAuthApp {
        &self.inner.app
    }

    /// The tokens in use now (after waiting for a refresh in flight).
    pub async fn tokens(&self) -> TokenSet {
        self.inner.state.lock().await.tokens.clone()
    }

    /// A usable access token, refreshed first if it is due.
    pub async fn access_token(&self) -> Result<Secret> {
        self.inner.access_token(Need::Fresh, None).await
    }

    /// Refreshes now (unless a refresh finished while this call waited for the one in flight).
    pub async fn refresh(&self) -> Result<()> {
        self.inner.access_token(Need::Replace, None).await.map(drop)
    }

    /// The sites the token may call, through the app's accessible-resources endpoint.
    pub async fn accessible_resources(&self) -> Result<Vec<AccessibleResource>> {
        let access_token = self.access_token().await?;
        self.inner.app.accessible_resources(&access_token).await
    }
}

impl Inner {
    /// The access token to send, after a refresh if `need` and the state call for one.
    async fn access_token(&self, need: Need, rejected: Option<&HeaderValue>) -> Result<Secret> {
        let seen = self.refreshes.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        if let Some(reason) = &state.dead {
            return Err(dead_chain(reason).into());
        }
        if state.unsaved.is_some() {
            // Tokens that no request has used yet: whatever the need, they are the answer once saved.
            self.save_unsaved(&mut state).await?;
            return Ok(state.tokens.access_token.clone());
        }
        let finished_meanwhile = self.refreshes.load(Ordering::Acquire) != seen;
        if finished_meanwhile {
            if let Some((count, reason)) = &state.failure {
                if *count > seen {
                    return Err(AuthError::new(format!("the OAuth token refresh failed: {reason}")).into());
                }
            }
        }
        let due = match need {
            Need::Fresh => SystemTime::now() >= state.refresh_at,
            // Another task has already replaced the token that the API refused.
            Need::Replace => match rejected {
                Some(header) => sends(&state.tokens, header),
                None => !finished_meanwhile,
            },
        };
        if due {
            self.refresh(&mut state).await?;
        }
        Ok(state.tokens.access_token.clone())
    }

    /// Trades the refresh token for new tokens and saves them; the caller holds the state, so this is the only
    /// refresh in flight.
    async fn refresh(&self, state: &mut MutexGuard<'_, State>) -> Result<()> {
        let Some(refresh_token) = state.tokens.refresh_token.clone() else {
            let reason = "the access token is due for a refresh and there is no refresh token (ask for the \
                          offline_access scope)";
            return Err(AuthError::new(reason).consent_required().into());
        };
        tracing::debug!("refreshing the OAuth access token");
        let result = self.app.refresh(&refresh_token).await;
        let count = self.refreshes.fetch_add(1, Ordering::AcqRel) + 1;
        match result {
            Ok(mut tokens) => {
                // A token endpoint that does not rotate leaves the refresh token as it was.
                tokens.refresh_token = tokens.refresh_token.or(Some(refresh_token));
                state.failure = None;
                state.unsaved = Some(tokens);
                self.save_unsaved(state).await
            }
            Err(error) => {
                let (message, reason) = match error.kind() {
                    ErrorKind::Auth(auth) => (auth.message.clone(), auth.to_string()),
                    _ => (error.to_string(), error.to_string()),
                };
                tracing::debug!(%reason, "the OAuth token refresh failed");
                if error.is_consent_required() {
                    state.dead = Some(message);
                } else {
                    state.failure = Some((count, reason));
                }
                Err(error)
            }
        }
    }

    /// Saves the rotated tokens and puts them in use; on failure they stay unsaved (and unused) for next time.
    async fn save_unsaved(&self, state: &mut MutexGuard<'_, State>) -> Result<()> {
        let Some(tokens) = state.unsaved.as_ref() else {
            return Ok(());
        };
        if let Err(source) = self.store.save(tokens).await {
            let message = "the rotated OAuth tokens could not be saved (they are kept in memory, and saving them \
                           is tried again before the next request uses them)";
            return Err(AuthError::new(message).with_source(source).into());
        }
        if let Some(tokens) = state.unsaved.take() {
            state.refresh_at = tokens.refresh_at_when_new(self.app.refresh_margin());
            state.tokens = tokens;
        }
        Ok(())
    }
}

/// Whether `header` is the one that `tokens` produce.
fn sends(tokens: &TokenSet, header: &HeaderValue) -> bool {
    header.as_bytes().strip_prefix(b"Bearer ") == Some(tokens.access_token.expose().as_bytes())
}

/// The error for every request after `invalid_grant`.
fn dead_chain(reason: &str) -> AuthError {
    AuthError::new(format!("the OAuth refresh token no longer works: {reason}")).consent_required()
}

impl Auth for OAuthToken {
    fn authorization(&self) -> AuthFuture<'_> {
        Box::pin(async move {
            let access_token = self.inner.access_token(Need::Fresh, None).await?;
            sensitive_header(format!("Bearer {}", access_token.expose())).map(Some)
        })
    }

    fn unauthorized<'a>(&'a self, rejected: Option<&'a HeaderValue>) -> RenewFuture<'a> {
        Box::pin(async move {
            let Some(rejected) = rejected else {
                return Ok(false);
            };
            self.inner.access_token(Need::Replace, Some(rejected)).await?;
            Ok(true)
        })
    }
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("app", &self.inner.app)
            .field("store", &self.inner.store)
            .field("refreshes", &self.inner.refreshes.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}
