//! Which redirects the client follows itself.
//!
//! The HTTP client's automatic redirects are always off, so that credentials never leave the base URL's site.
//! The runtime follows `301`, `302`, `307` and `308` (and `303` unless the operation documents it) within the
//! base URL's scheme, host and port, keeping the credentials.

use super::method::HttpMethod;

/// The most redirects followed for one request.
pub(crate) const MAX_REDIRECTS: u32 = 10;

/// How to send a request again after a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Follow {
    /// The method for the next request.
    pub(crate) method: HttpMethod,
    /// Whether the next request carries the body again.
    pub(crate) keep_body: bool,
}

/// Decides whether a response with `status` is a redirect to follow, and how.
///
/// `303 See Other` and a `301`/`302` answering a `POST` turn into a bodiless `GET`, as browsers and most
/// clients do; `307` and `308` repeat the request unchanged. A `303` that the operation documents is returned
/// to the caller instead.
pub(crate) fn follow(status: u16, method: HttpMethod, see_other_documented: bool) -> Option<Follow> {
    let unchanged = Follow { method, keep_body: true };
    let as_get = Follow {
        method: if method == HttpMethod::Head { HttpMethod::Head } else { HttpMethod::Get },
        keep_body: false,
    };
    match status {
        301 | 302 if method == HttpMethod::Post => Some(as_get),
        301 | 302 | 307 | 308 => Some(unchanged),
        303 if !see_other_documented => Some(as_get),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_change_like_browsers_do() {
        let get = |status, method| follow(status, method, false).map(|f| (f.method, f.keep_body));
        assert_eq!(get(301, HttpMethod::Get), Some((HttpMethod::Get, true)));
        assert_eq!(get(302, HttpMethod::Post), Some((HttpMethod::Get, false)));
        assert_eq!(get(302, HttpMethod::Put), Some((HttpMethod::Put, true)));
        assert_eq!(get(303, HttpMethod::Post), Some((HttpMethod::Get, false)));
        assert_eq!(get(303, HttpMethod::Head), Some((HttpMethod::Head, false)));
        assert_eq!(get(307, HttpMethod::Post), Some((HttpMethod::Post, true)));
        assert_eq!(get(308, HttpMethod::Delete), Some((HttpMethod::Delete, true)));
        assert_eq!(get(304, HttpMethod::Get), None);
        assert_eq!(get(200, HttpMethod::Get), None);
        assert_eq!(follow(303, HttpMethod::Get, true), None);
    }
}
