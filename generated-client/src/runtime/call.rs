//! What a request builder's `send()` and `send_raw()` return: the client's one future for a response, and a plain
//! function that decodes it.
//!
//! Every operation shares the client's future (`Client::execute`, boxed once per call) instead of compiling async
//! state machines of its own that would only await it; what differs per operation is how its response decodes,
//! and that is an ordinary function.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::{Request, Response};
use crate::client::Client;
use crate::error::Result;

type Sending = Pin<Box<dyn Future<Output = Result<Response>> + Send + 'static>>;

/// A request on its way: `.await` it for the decoded response.
///
/// Nothing is sent until it is first polled. It is `Send` and `Unpin`, and owns what it needs (`'static`), so it
/// can be spawned, stored or raced like any future.
#[must_use = "a request does nothing until it is awaited"]
pub struct Call<T> {
    sending: Sending,
    decode: fn(Response) -> Result<T>,
}

impl Call<Response> {
    /// Sends `request` through `client` when first polled; the response is returned undecoded.
    pub fn new(client: Client, request: Request) -> Call<Response> {
        Call { sending: Box::pin(async move { client.execute(request).await }), decode: Ok }
    }

    /// The call of a request builder's `send_raw()`: [`Call::new`] for a request that was built, and for one that
    /// could not be (its body did not serialise) a call whose awaiting returns that error.
    pub fn start(prepared: Result<(Client, Request)>) -> Call<Response> {
        match prepared {
            Ok((client, request)) => Call::new(client, request),
            Err(error) => Call { sending: Box::pin(std::future::ready(Err(error))), decode: Ok },
        }
    }

    /// The same call, its response decoded by `decode`.
    pub fn decode_with<T>(self, decode: fn(Response) -> Result<T>) -> Call<T> {
        Call { sending: self.sending, decode }
    }
}

impl<T> Future for Call<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let decode = self.decode;
        self.sending.as_mut().poll(cx).map(|response| response.and_then(decode))
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_unpin_static<T: Send + Unpin + 'static>() {}

    #[test]
    fn a_call_can_be_spawned_and_stored() {
        assert_send_unpin_static::<Call<Response>>();
        assert_send_unpin_static::<Call<String>>();
    }

    #[tokio::test]
    async fn a_request_that_could_not_be_built_returns_its_error_when_awaited() {
        let error = crate::Error::invalid_request("createIssue", "the body did not serialise");
        let call = Call::start(Err(error)).decode_with(|_| Ok(()));
        let error = call.await.unwrap_err();
        assert!(error.to_string().contains("the body did not serialise"), "{error}");
    }
}
