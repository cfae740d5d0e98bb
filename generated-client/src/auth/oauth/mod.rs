//! OAuth 2.0 authorisation code grants (3LO) with Atlassian: the app's configuration and the steps of the flow
//! ([`OAuthApp`]), the tokens ([`TokenSet`]), where rotated tokens are kept ([`TokenStore`]), and the
//! credentials that keep themselves fresh ([`OAuthToken`]).
//!
//! Atlassian's access tokens live an hour. With the `offline_access` scope the token endpoint also returns a
//! refresh token that rotates: every refresh returns a new one, and using an old one (outside a short leeway)
//! kills the whole chain, so that the user must consent again. [`OAuthToken`] therefore refreshes once for all
//! tasks and clones, and saves the new refresh token before the new access token is used.

mod app;
mod endpoint;
mod resources;
mod store;
mod token;
mod tokens;

pub use app::{OAuthApp, OAuthAppBuilder};
pub use resources::AccessibleResource;
pub use store::{MemoryTokenStore, StoreFuture, TokenStore};
pub use token::OAuthToken;
pub use tokens::TokenSet;
