//! Integration tests of the hand-written runtime against mock servers on 127.0.0.1.
//!
//! They use only the runtime API (`Request`, `Client::execute`, `Response`, the pagination traits), never
//! generated operations, so they do not depend on which operations are generated.

mod auth;
mod client;
mod errors;
mod faults;
mod oauth;
mod pagination;
mod rate_limits;
mod redirects;
mod retries;
mod scoped_token;
mod streaming_upload;
mod support;
