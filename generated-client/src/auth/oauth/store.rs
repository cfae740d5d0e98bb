//! Where rotated tokens are kept.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use super::TokenSet;
use crate::auth_error::AuthErrorSource;

/// The future returned by [`TokenStore::save`].
pub type StoreFuture<'a> = Pin<Box<dyn Future<Output = Result<(), AuthErrorSource>> + Send + 'a>>;

/// Keeps the tokens of an [`OAuthToken`](crate::OAuthToken) across restarts: a database row, a file, a secret
/// manager.
///
/// [`save`](TokenStore::save) is called after every refresh, before the new access token is used. Atlassian's
/// refresh tokens rotate and the old one dies, so a token that is not saved is lost with the process: when
/// `save` fails, the request fails with an auth error, the new tokens stay in memory, and the next request tries
/// to save them again before it uses them.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Saves `tokens`, which replace the ones saved before.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a>;
}

impl<T: TokenStore + ?Sized> TokenStore for Arc<T> {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        (**self).save(tokens)
    }
}

/// A store in memory, for tests and for programs that keep the tokens only while they run. Clones share the
/// tokens.
#[derive(Debug, Clone, Default)]
pub struct MemoryTokenStore {
    saved: Arc<Mutex<Option<TokenSet>>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> MemoryTokenStore {
        MemoryTokenStore::default()
    }

    /// The tokens saved last, if any.
    pub fn latest(&self) -> Option<TokenSet> {
        self.saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a> {
        *self.saved.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }
}
