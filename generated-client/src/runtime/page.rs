//! Pagination: turning page-returning requests into streams of items.
//!
//! Generated code implements [`OffsetPaged`] or [`CursorPaged`] for request builders whose response is a page,
//! and exposes `into_stream`, which calls [`offset_stream`] or [`cursor_stream`]. Pages are fetched lazily,
//! one at a time, as the stream is polled. After an error the stream ends. A cursor travels in the query
//! (`GET /rest/api/3/search/jql`) or in the body (`POST /rest/api/3/search/jql`): `set_cursor` decides.

use std::future::Future;

use futures_core::Stream;
use futures_util::stream;

use crate::error::Result;

/// A request for one page of a list addressed by offset (`startAt`/`maxResults`).
pub trait OffsetPaged: Clone + Send + Sync + 'static {
    /// The type of the listed items.
    type Item: Send + 'static;

    /// The offset at which this request starts (0 when unset).
    fn start_at(&self) -> i64;

    /// Sets the offset at which this request starts.
    fn set_start_at(&mut self, start_at: i64);

    /// Sends the request and returns its page.
    fn fetch_page(self) -> impl Future<Output = Result<OffsetPage<Self::Item>>> + Send;
}

/// One page of a list addressed by offset.
#[derive(Debug, Clone)]
pub struct OffsetPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of items, when the API reports it.
    pub total: Option<i64>,
    /// Whether this is the last page, when the API reports it.
    pub is_last: Option<bool>,
}

/// A request for one page of a list addressed by cursor (`nextPageToken`).
pub trait CursorPaged: Clone + Send + Sync + 'static {
    /// The type of the listed items.
    type Item: Send + 'static;

    /// Sets the cursor of the page to fetch.
    fn set_cursor(&mut self, cursor: String);

    /// Sends the request and returns its page.
    fn fetch_page(self) -> impl Future<Output = Result<CursorPage<Self::Item>>> + Send;
}

/// One page of a list addressed by cursor.
#[derive(Debug, Clone)]
pub struct CursorPage<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The cursor of the next page (`nextPageToken`); absent, `null` or empty on the last page.
    pub next: Option<String>,
    /// Whether this is the last page, when the API reports it (`isLast`).
    pub is_last: Option<bool>,
}

/// The state of a paginated stream: items of the current page not yet yielded, and the request for the next
/// page, if there is one.
struct Pages<P, T> {
    buffered: std::vec::IntoIter<T>,
    next: Option<P>,
}

impl<P, T> Pages<P, T> {
    fn start(request: P) -> Pages<P, T> {
        Pages { buffered: Vec::new().into_iter(), next: Some(request) }
    }
}

/// Streams the items of every page of an offset-addressed list, starting at `request`'s offset.
///
/// The stream stops after a page that says it is the last, once `total` items have been reached, or at an
/// empty page. The next offset advances by the number of items actually received, as Jira may return fewer
/// than `maxResults`.
pub fn offset_stream<P: OffsetPaged>(request: P) -> impl Stream<Item = Result<P::Item>> + Send {
    stream::unfold(Pages::start(request), |mut pages| async move {
        loop {
            if let Some(item) = pages.buffered.next() {
                return Some((Ok(item), pages));
            }
            let request = pages.next.take()?;
            let start_at = request.start_at();
            match request.clone().fetch_page().await {
                Err(error) => return Some((Err(error), pages)),
                Ok(page) => {
                    let received = i64::try_from(page.items.len()).unwrap_or(i64::MAX);
                    let next_start = start_at.saturating_add(received);
                    let reached_total = page.total.is_some_and(|total| next_start >= total);
                    if received > 0 && page.is_last != Some(true) && !reached_total {
                        let mut next = request;
                        next.set_start_at(next_start);
                        pages.next = Some(next);
                    }
                    pages.buffered = page.items.into_iter();
                }
            }
        }
    })
}

/// Streams the items of every page of a cursor-addressed list.
///
/// The stream stops after a page that says it is the last (`isLast`), after a page without a next cursor
/// (absent, `null` or empty) or whose next cursor repeats the one just used, and at an empty page.
pub fn cursor_stream<P: CursorPaged>(request: P) -> impl Stream<Item = Result<P::Item>> + Send {
    let start = (Pages::start(request), None::<String>);
    stream::unfold(start, |(mut pages, mut cursor)| async move {
        loop {
            if let Some(item) = pages.buffered.next() {
                return Some((Ok(item), (pages, cursor)));
            }
            let request = pages.next.take()?;
            match request.clone().fetch_page().await {
                Err(error) => return Some((Err(error), (pages, cursor))),
                Ok(page) => {
                    let more = !page.items.is_empty() && page.is_last != Some(true);
                    let next_cursor =
                        page.next.filter(|next| more && !next.is_empty() && cursor.as_ref() != Some(next));
                    if let Some(next_cursor) = &next_cursor {
                        let mut next = request;
                        next.set_cursor(next_cursor.clone());
                        pages.next = Some(next);
                    }
                    cursor = next_cursor;
                    pages.buffered = page.items.into_iter();
                }
            }
        }
    })
}
