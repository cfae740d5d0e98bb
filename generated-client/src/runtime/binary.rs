//! Binary response bodies (images, downloads): the bytes with the media type the server gave them.

use bytes::Bytes;

/// A binary response body and its `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binary {
    /// The `Content-Type` header, if the server sent one (e.g. `image/png`).
    pub content_type: Option<String>,
    /// The body.
    pub bytes: Bytes,
}

impl super::Response {
    /// The body as [`Binary`]: bytes plus content type.
    pub fn binary(self) -> Binary {
        let content_type =
            self.headers().get(reqwest::header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(str::to_owned);
        Binary { content_type, bytes: self.bytes() }
    }
}
