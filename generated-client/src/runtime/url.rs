//! The base URL and the full URL of each request.

use reqwest::Url;

use super::path::has_empty_parameter;
use super::query::to_query_string;
use super::request::Request;
use crate::error::{Error, Result};

/// A validated base URL: a site (`https://your-domain.atlassian.net`), the OAuth 2.0 gateway
/// (`https://api.atlassian.com/ex/jira/{cloudId}`), or any other `http(s)` URL whose path is kept.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    url: Url,
    /// The URL's path without trailing slashes: `""` for a bare site.
    path: String,
}

impl BaseUrl {
    /// Parses and checks a base URL.
    ///
    /// Error messages never repeat the URL, which could hold credentials.
    pub(crate) fn parse(input: &str) -> Result<BaseUrl> {
        let url = Url::parse(input.trim()).map_err(|error| Error::invalid_base_url(error.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(Error::invalid_base_url(format!("the scheme must be http or https, not `{}`", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid_base_url(
                "the URL must not hold credentials; use BasicAuth or BearerToken instead",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid_base_url("the URL must not have a query or a fragment"));
        }
        let path = url.path().trim_end_matches('/').to_owned();
        Ok(BaseUrl { url, path })
    }

    /// The base URL as text, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// Builds the URL of `request`: base URL, then `prefix` (the spec's server path), then the request's path
    /// and query.
    ///
    /// Refuses paths whose parameters would change the path: an empty parameter, or a `.`/`..` parameter that
    /// the URL parser would resolve even when percent-encoded.
    pub(crate) fn join(&self, prefix: &str, request: &Request) -> Result<Url> {
        let template = request.meta.path;
        if has_empty_parameter(template, &request.path) {
            return Err(Error::invalid_request(request.meta.id, format!("a path parameter of `{template}` is empty")));
        }
        let wanted = format!("{}{prefix}{}", self.path, request.path);
        let mut url = self.url.clone();
        url.set_path(&wanted);
        if url.path() != wanted {
            return Err(Error::invalid_request(
                request.meta.id,
                format!("a path parameter of `{template}` is `.` or `..`, which would change the path"),
            ));
        }
        if request.query.is_empty() {
            url.set_query(None);
        } else {
            url.set_query(Some(&to_query_string(&request.query)));
        }
        Ok(url)
    }

    /// Whether `url` has the base URL's scheme, host and port, so that credentials may be sent to it.
    pub(crate) fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.url.scheme()
            && url.host_str() == self.url.host_str()
            && url.port_or_known_default() == self.url.port_or_known_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{encode_path_segment, HttpMethod, OperationMeta};

    static GET_ISSUE: OperationMeta = OperationMeta {
        id: "getIssue",
        method: HttpMethod::Get,
        path: "/rest/api/2/issue/{issueIdOrKey}",
        server_prefix: "",
        see_other_documented: false,
    };

    fn issue_request(key: &str) -> Request {
        Request::new(&GET_ISSUE, format!("/rest/api/2/issue/{}", encode_path_segment(key)))
    }

    #[test]
    fn base_paths_are_kept_and_trailing_slashes_dropped() {
        for base in ["http://h/ex/jira/abc", "http://h/ex/jira/abc/", "http://h/ex/jira/abc//"] {
            let base = BaseUrl::parse(base).unwrap();
            let url = base.join("", &issue_request("A-1")).unwrap();
            assert_eq!(url.as_str(), "http://h/ex/jira/abc/rest/api/2/issue/A-1");
        }
        let site = BaseUrl::parse("https://x.atlassian.net/").unwrap();
        assert_eq!(site.as_str(), "https://x.atlassian.net");
        let url = site.join("/wiki/api/v2", &issue_request("A-1")).unwrap();
        assert_eq!(url.as_str(), "https://x.atlassian.net/wiki/api/v2/rest/api/2/issue/A-1");
    }

    #[test]
    fn dot_segments_and_empty_parameters_are_refused() {
        let base = BaseUrl::parse("http://h").unwrap();
        for key in [".", "..", ""] {
            assert!(base.join("", &issue_request(key)).is_err(), "{key:?} was accepted");
        }
        let url = base.join("", &issue_request("A/../../x")).unwrap();
        assert_eq!(url.path(), "/rest/api/2/issue/A%2F..%2F..%2Fx");
        let url = base.join("", &issue_request("...")).unwrap();
        assert_eq!(url.path(), "/rest/api/2/issue/...");
    }

    #[test]
    fn unusable_base_urls_are_refused_without_echoing_them() {
        for input in ["not a url", "ftp://h", "https://me:pw@h", "https://h/?a=b", "https://h/#x"] {
            let error = BaseUrl::parse(input).unwrap_err();
            assert!(!error.to_string().contains("pw"), "{error}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let base = BaseUrl::parse("https://h.example/base").unwrap();
        assert!(base.same_origin(&Url::parse("https://h.example:443/other").unwrap()));
        assert!(!base.same_origin(&Url::parse("http://h.example/base").unwrap()));
        assert!(!base.same_origin(&Url::parse("https://h.example:8443/base").unwrap()));
        assert!(!base.same_origin(&Url::parse("https://evil.example/base").unwrap()));
    }
}
