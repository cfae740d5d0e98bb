//! `multipart/form-data` bodies, for uploads such as Jira's issue attachments.
//!
//! A form whose parts are all held in memory is encoded into memory, so a request holding it can be retried and
//! redirected like any other. A form with a streamed part ([`Multipart::file_stream`]) is encoded while it is
//! sent: the streamed content is never held whole in memory, and since it can be read only once, such a request
//! is never retried and never follows a redirect that would send the body again (the response is returned to the
//! caller instead).

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt};

/// The error type of streamed content, as `reqwest` wants it.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A boxed stream of content chunks.
pub(crate) type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A `multipart/form-data` form: named parts, usually files.
///
/// ```
/// use atlassian_client::runtime::Multipart;
///
/// let form = Multipart::new().file("file", "notes.txt", "text/plain", "hello".as_bytes().to_vec());
/// assert_eq!(form.parts().len(), 1);
/// ```
///
/// Cloning a form is cheap. Clones of a form with streamed parts ([`Multipart::file_stream`]) share the streams:
/// whichever clone is sent first reads them, and the others can no longer be sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<Part>,
}

/// One part of a [`Multipart`] form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field name (Jira's attachment upload wants `file`).
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's media type.
    pub content_type: String,
    /// The part's content.
    pub data: PartData,
}

/// The content of a [`Part`]: bytes in memory, or a stream read while the request is sent.
#[derive(Clone, PartialEq, Eq)]
pub enum PartData {
    /// Content held in memory.
    Bytes(Bytes),
    /// Content read from a stream while the request is sent (see [`Multipart::file_stream`]).
    Stream(PartStream),
}

impl PartData {
    /// The content's length in bytes: always known for [`PartData::Bytes`], declared for a stream.
    pub fn length(&self) -> Option<u64> {
        match self {
            PartData::Bytes(bytes) => Some(bytes.len() as u64),
            PartData::Stream(stream) => stream.length,
        }
    }

    /// The content, when it is held in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match self {
            PartData::Bytes(bytes) => Some(bytes),
            PartData::Stream(_) => None,
        }
    }
}

impl From<Bytes> for PartData {
    fn from(bytes: Bytes) -> PartData {
        PartData::Bytes(bytes)
    }
}

/// Never prints content: a streamed part shows as `Stream { length: .. }`.
impl fmt::Debug for PartData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartData::Bytes(bytes) => f.debug_tuple("Bytes").field(bytes).finish(),
            PartData::Stream(stream) => f.debug_struct("Stream").field("length", &stream.length).finish(),
        }
    }
}

/// The content of a streamed [`Part`]: a stream that can be taken once, shared by all clones of its form.
///
/// Two `PartStream`s are equal when they share the same stream.
#[derive(Clone)]
pub struct PartStream {
    length: Option<u64>,
    slot: Arc<Mutex<Option<ByteStream>>>,
}

impl PartStream {
    /// The declared length in bytes, if any (see [`Multipart::file_stream_with_length`]).
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Whether the stream was already taken to send a request, so that the form cannot be sent again.
    pub fn is_taken(&self) -> bool {
        self.lock().is_none()
    }

    fn lock(&self) -> MutexGuard<'_, Option<ByteStream>> {
        // A panic elsewhere while the slot was locked leaves nothing half-done in it.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl PartialEq for PartStream {
    fn eq(&self, other: &PartStream) -> bool {
        Arc::ptr_eq(&self.slot, &other.slot)
    }
}

impl Eq for PartStream {}

impl fmt::Debug for PartStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartStream").field("length", &self.length).field("taken", &self.is_taken()).finish()
    }
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a file part held in memory.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Multipart {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: content_type.into(),
            data: PartData::Bytes(data.into()),
        });
        self
    }

    /// Adds a file part whose content is read from `stream` while the request is sent, for files too large to
    /// hold in memory. The body is sent with chunked transfer encoding; use
    /// [`file_stream_with_length`](Multipart::file_stream_with_length) to send a `Content-Length` instead.
    ///
    /// A form with a streamed part can be sent once: a request carrying it is not retried, and a redirect that
    /// would send the body again (`307`, `308`) is returned to the caller. An error from the stream aborts the
    /// upload and is reported as a transport error.
    ///
    /// ```
    /// use atlassian_client::runtime::Multipart;
    /// use bytes::Bytes;
    /// use futures_util::stream;
    ///
    /// let chunks = vec![Ok::<_, std::io::Error>(Bytes::from_static(b"hello, ")), Ok(Bytes::from_static(b"world"))];
    /// let form = Multipart::new()
    ///     .file_stream("file", "greeting.txt", "text/plain", stream::iter(chunks))
    ///     .text("comment", "uploaded in chunks");
    /// assert!(form.is_streamed());
    /// ```
    pub fn file_stream<S, E>(
        self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        stream: S,
    ) -> Multipart
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        self.push_stream(name.into(), file_name.into(), content_type.into(), None, stream)
    }

    /// Adds a file part read from `stream`, like [`file_stream`](Multipart::file_stream), whose content is
    /// `length` bytes long. When the length of every streamed part is known, the request is sent with a
    /// `Content-Length` header rather than chunked (some servers and proxies refuse chunked uploads).
    ///
    /// If the stream ends early or gives more than `length` bytes, the upload is aborted with a transport error.
    pub fn file_stream_with_length<S, E>(
        self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        length: u64,
        stream: S,
    ) -> Multipart
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        self.push_stream(name.into(), file_name.into(), content_type.into(), Some(length), stream)
    }

    fn push_stream<S, E>(
        mut self,
        name: String,
        file_name: String,
        content_type: String,
        length: Option<u64>,
        stream: S,
    ) -> Multipart
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        let stream: ByteStream = Box::pin(stream.map_err(Into::into));
        let data = PartData::Stream(PartStream { length, slot: Arc::new(Mutex::new(Some(stream))) });
        self.parts.push(Part { name, file_name: Some(file_name), content_type, data });
        self
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: "text/plain; charset=utf-8".to_owned(),
            data: PartData::Bytes(Bytes::from(value.into())),
        });
        self
    }

    /// The parts, in the order they were added.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Whether some part is streamed, so that the form is encoded while it is sent and can be sent only once.
    pub fn is_streamed(&self) -> bool {
        self.parts.iter().any(|part| matches!(part.data, PartData::Stream(_)))
    }

    /// The `Content-Type` (with its boundary) and the encoded body, for a form held wholly in memory; `None` when
    /// the form has a streamed part (send it with [`Request::multipart`](crate::runtime::Request::multipart)).
    pub fn encode(&self) -> Option<(String, Bytes)> {
        let boundary = self.boundary();
        let body = self.encode_with(&boundary)?;
        Some((content_type(&boundary), body))
    }

    /// The body encoded with `boundary`, when every part is in memory.
    pub(crate) fn encode_with(&self, boundary: &str) -> Option<Bytes> {
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(&part_head(boundary, part));
            body.extend_from_slice(part.data.as_bytes()?);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(&closing(boundary));
        Some(Bytes::from(body))
    }

    /// The length of the body encoded with `boundary`, when every part's length is known.
    pub(crate) fn encoded_length(&self, boundary: &str) -> Option<u64> {
        let mut length = closing(boundary).len() as u64;
        for part in &self.parts {
            length += part_head(boundary, part).len() as u64 + part.data.length()? + 2;
        }
        Some(length)
    }

    /// Takes the streams of all streamed parts and returns the body encoded with `boundary` as a stream; `None`
    /// (taking nothing) when some stream was already taken.
    pub(crate) fn take_stream(&self, boundary: &str) -> Option<ByteStream> {
        let streams: Vec<&PartStream> = self
            .parts
            .iter()
            .filter_map(|part| match &part.data {
                PartData::Stream(stream) => Some(stream),
                PartData::Bytes(_) => None,
            })
            .collect();
        // All or nothing: lock every slot (always in part order) before taking any.
        let mut guards: Vec<_> = streams.iter().map(|stream| stream.lock()).collect();
        if guards.iter().any(|guard| guard.is_none()) {
            return None;
        }
        let mut taken = guards.iter_mut().filter_map(|guard| guard.take());
        let mut segments: Vec<ByteStream> = Vec::with_capacity(self.parts.len() * 3 + 1);
        for part in &self.parts {
            segments.push(once(Bytes::from(part_head(boundary, part))));
            match &part.data {
                PartData::Bytes(bytes) => segments.push(once(bytes.clone())),
                PartData::Stream(stream) => {
                    let inner = taken.next()?;
                    segments.push(Box::pin(Checked {
                        inner,
                        part: part.name.clone(),
                        expected: stream.length,
                        seen: 0,
                        finished: false,
                    }));
                }
            }
            segments.push(once(Bytes::from_static(b"\r\n")));
        }
        segments.push(once(Bytes::from(closing(boundary))));
        Some(Box::pin(futures_util::stream::iter(segments).flatten()))
    }

    /// The boundary.
    ///
    /// For a form held wholly in memory it is derived from the content (so that the same form always encodes the
    /// same way) and lengthened until it occurs in no part.
    ///
    /// Streamed content cannot be scanned before it is sent, so for a form with a streamed part the content hash
    /// gets a 128-bit suffix that nobody can predict: two SipHash values keyed by [`RandomState`] (which the
    /// standard library seeds from the operating system's randomness) of a counter, the time and an address.
    /// The boundary is then 66 characters long (RFC 2046 allows 70), and a file that was not made knowing it
    /// contains it with a probability of about 2^-128 per position.
    pub(crate) fn boundary(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in &self.parts {
            let data = part.data.as_bytes().map_or(&[][..], |bytes| &bytes[..]);
            for byte in part.name.bytes().chain(data.iter().copied()) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let base = format!("atlassian-client-{hash:016x}");
        if !self.is_streamed() {
            let mut boundary = base;
            while self.occurs_in_memory(&boundary) {
                boundary.push('x');
            }
            return boundary;
        }
        loop {
            let boundary = format!("{base}-{:016x}{:016x}", unpredictable_u64(), unpredictable_u64());
            if !self.occurs_in_memory(&boundary) {
                return boundary;
            }
        }
    }

    /// Whether `boundary` occurs in a part held in memory.
    fn occurs_in_memory(&self, boundary: &str) -> bool {
        self.parts.iter().filter_map(|part| part.data.as_bytes()).any(|data| contains(data, boundary.as_bytes()))
    }
}

/// The `Content-Type` header of a form encoded with `boundary`.
pub(crate) fn content_type(boundary: &str) -> String {
    format!("multipart/form-data; boundary={boundary}")
}

/// The delimiter and headers that open `part`.
fn part_head(boundary: &str, part: &Part) -> Vec<u8> {
    let mut head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"", quote(&part.name));
    if let Some(file_name) = &part.file_name {
        head.push_str(&format!("; filename=\"{}\"", quote(file_name)));
    }
    head.push_str(&format!("\r\nContent-Type: {}\r\n\r\n", part.content_type));
    head.into_bytes()
}

/// The delimiter that closes the form.
fn closing(boundary: &str) -> Vec<u8> {
    format!("--{boundary}--\r\n").into_bytes()
}

/// Escapes a header parameter value (quotes and line breaks cannot appear in it).
fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// A stream of one chunk.
fn once(bytes: Bytes) -> ByteStream {
    Box::pin(futures_util::stream::once(std::future::ready(Ok(bytes))))
}

/// 64 bits that cannot be predicted from outside the process: see [`Multipart::boundary`].
fn unpredictable_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let clock = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    hasher.write_u128(clock);
    hasher.write_usize(std::ptr::addr_of!(COUNTER) as usize);
    hasher.finish()
}

/// A part's stream that skips empty chunks and, for a declared length, fails when the content is longer or
/// shorter (a `Content-Length` that does not match the body would corrupt the request).
struct Checked {
    inner: ByteStream,
    part: String,
    expected: Option<u64>,
    seen: u64,
    finished: bool,
}

impl Checked {
    fn mismatch(&self, expected: u64) -> BoxError {
        let message = if self.seen > expected {
            format!("the stream of part `{}` gave more than its declared {expected} bytes", self.part)
        } else {
            format!("the stream of part `{}` gave {} of its declared {expected} bytes", self.part, self.seen)
        };
        Box::new(std::io::Error::new(std::io::ErrorKind::InvalidData, message))
    }
}

impl Stream for Checked {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            let item = match this.inner.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(item) => item,
            };
            match item {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(chunk)) => {
                    this.seen += chunk.len() as u64;
                    match this.expected {
                        Some(expected) if this.seen > expected => {
                            this.finished = true;
                            return Poll::Ready(Some(Err(this.mismatch(expected))));
                        }
                        _ => return Poll::Ready(Some(Ok(chunk))),
                    }
                }
                Some(Err(error)) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.finished = true;
                    return match this.expected {
                        Some(expected) if this.seen != expected => Poll::Ready(Some(Err(this.mismatch(expected)))),
                        _ => Poll::Ready(None),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use futures_util::stream;

    fn chunks(data: &'static [u8], size: usize) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
        stream::iter(data.chunks(size).map(|chunk| Ok(Bytes::from_static(chunk))).collect::<Vec<_>>())
    }

    /// Collects a body stream, or its first error.
    async fn collect(stream: ByteStream) -> Result<Vec<u8>, BoxError> {
        stream
            .try_fold(Vec::new(), |mut body, chunk| async move {
                body.extend_from_slice(&chunk);
                Ok(body)
            })
            .await
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(future)
    }

    #[test]
    fn files_are_encoded_with_names_file_names_and_types() {
        let form = Multipart::new().file("file", "a \"b\".txt", "text/plain", b"hello".to_vec()).text("comment", "hi");
        let (content_type, body) = form.encode().expect("in memory");
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").expect("boundary");
        let text = String::from_utf8(body.to_vec()).expect("utf-8");
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\n\
                 Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}\r\nContent-Disposition: form-data; \
                 name=\"comment\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n--{boundary}--\r\n"
            )
        );
        assert_eq!(form.encoded_length(boundary), Some(body.len() as u64));
    }

    #[test]
    fn the_boundary_never_occurs_in_a_part() {
        let probe = Multipart::new().file("f", "x", "application/octet-stream", b"x".to_vec());
        let boundary = probe.boundary();
        let form = Multipart::new().file("f", "x", "application/octet-stream", boundary.clone().into_bytes());
        let data = form.parts[0].data.as_bytes().expect("in memory");
        assert!(!contains(data, form.boundary().as_bytes()) || form.boundary() != boundary);
        let (content_type, _) = form.encode().expect("in memory");
        let used = content_type.rsplit('=').next().unwrap_or_default().to_owned();
        assert!(!contains(data, used.as_bytes()));
    }

    #[test]
    fn in_memory_boundaries_are_deterministic_and_streamed_ones_are_not() {
        let in_memory = || Multipart::new().file("f", "x", "text/plain", b"abc".to_vec()).text("t", "v");
        assert_eq!(in_memory().boundary(), in_memory().boundary());

        let streamed = || in_memory().file_stream("s", "s.bin", "application/octet-stream", chunks(b"abc", 1));
        let (first, second) = (streamed().boundary(), streamed().boundary());
        assert_ne!(first, second);
        assert_eq!(first.len(), 66);
        assert_eq!(first[..33], second[..33], "the content hash is the same");
        assert!(first.starts_with("atlassian-client-"), "{first}");
        assert!(first.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{first}");
    }

    #[test]
    fn a_streamed_form_encodes_like_the_same_form_in_memory() {
        const FILE: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz\r\n--not-a-boundary\r\n";
        let streamed = Multipart::new()
            .text("comment", "first")
            .file_stream("file", "data.bin", "application/octet-stream", chunks(FILE, 7))
            .file("small", "small.txt", "text/plain", b"small".to_vec())
            .file_stream_with_length("second", "b.txt", "text/plain", 3, chunks(b"xyz", 2));
        let in_memory = Multipart::new()
            .text("comment", "first")
            .file("file", "data.bin", "application/octet-stream", FILE)
            .file("small", "small.txt", "text/plain", b"small".to_vec())
            .file("second", "b.txt", "text/plain", b"xyz".to_vec());
        assert!(streamed.is_streamed() && !in_memory.is_streamed());
        assert!(streamed.encode().is_none());
        assert_eq!(streamed.encoded_length("b"), None, "the first stream has no declared length");

        let boundary = streamed.boundary();
        let expected = in_memory.encode_with(&boundary).expect("in memory");
        let body = block_on(collect(streamed.take_stream(&boundary).expect("not taken"))).expect("no stream error");
        assert_eq!(String::from_utf8_lossy(&body), String::from_utf8_lossy(&expected));
    }

    #[test]
    fn declared_lengths_give_the_encoded_length() {
        let form = Multipart::new()
            .file_stream_with_length("file", "a.bin", "application/octet-stream", 10, chunks(b"0123456789", 3))
            .text("comment", "hi");
        let boundary = form.boundary();
        let body = block_on(collect(form.take_stream(&boundary).expect("not taken"))).expect("no stream error");
        assert_eq!(form.encoded_length(&boundary), Some(body.len() as u64));
    }

    #[test]
    fn streams_are_taken_once_and_shared_by_clones() {
        let form = Multipart::new().file_stream("a", "a", "text/plain", chunks(b"a", 1)).file_stream(
            "b",
            "b",
            "text/plain",
            chunks(b"b", 1),
        );
        let clone = form.clone();
        assert_eq!(form, clone);
        assert!(!clone.parts()[1].data_is_taken());
        assert!(form.take_stream("x").is_some());
        assert!(clone.parts()[0].data_is_taken() && clone.parts()[1].data_is_taken());
        assert!(clone.take_stream("x").is_none());
    }

    #[test]
    fn a_failed_take_takes_nothing() {
        let first = Multipart::new().file_stream("a", "a", "text/plain", chunks(b"a", 1));
        let both = first.clone().file_stream("b", "b", "text/plain", chunks(b"b", 1));
        assert!(first.take_stream("x").is_some());
        assert!(both.take_stream("x").is_none());
        assert!(!both.parts()[1].data_is_taken(), "the second stream stays for nobody, but untouched");
    }

    #[test]
    fn wrong_declared_lengths_fail_the_body() {
        for (declared, data) in [(5, &b"abc"[..]), (2, &b"abc"[..])] {
            let form = Multipart::new().file_stream_with_length("f", "f", "text/plain", declared, chunks(data, 1));
            let error = block_on(collect(form.take_stream("x").expect("not taken"))).expect_err("length mismatch");
            assert!(error.to_string().contains("declared"), "{error}");
        }
    }

    #[test]
    fn stream_errors_end_the_body() {
        let failing = stream::iter(vec![Ok(Bytes::from_static(b"a")), Err(std::io::Error::other("disk gone"))]);
        let form = Multipart::new().file_stream("f", "f", "text/plain", failing);
        let error = block_on(collect(form.take_stream("x").expect("not taken"))).expect_err("stream error");
        assert_eq!(error.to_string(), "disk gone");
    }

    #[test]
    fn debug_never_prints_streamed_content() {
        let form = Multipart::new().file_stream_with_length("f", "f", "text/plain", 3, chunks(b"abc", 1));
        let debug = format!("{form:?}");
        assert!(debug.contains("Stream { length: Some(3) }"), "{debug}");
    }

    impl Part {
        fn data_is_taken(&self) -> bool {
            matches!(&self.data, PartData::Stream(stream) if stream.is_taken())
        }
    }
}
