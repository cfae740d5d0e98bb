//! `multipart/form-data` bodies, for uploads such as Jira's issue attachments.
//!
//! The form is encoded into memory, so a request holding it can be retried and redirected like any other.

use bytes::Bytes;

/// A `multipart/form-data` form: named parts, usually files.
///
/// ```
/// use atlassian_client::runtime::Multipart;
///
/// let form = Multipart::new().file("file", "notes.txt", "text/plain", "hello".as_bytes().to_vec());
/// assert_eq!(form.parts().len(), 1);
/// ```
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
    pub data: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Multipart {
        Multipart::default()
    }

    /// Adds a file part.
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
            data: data.into(),
        });
        self
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: "text/plain; charset=utf-8".to_owned(),
            data: Bytes::from(value.into()),
        });
        self
    }

    /// The parts, in the order they were added.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The `Content-Type` (with its boundary) and the encoded body.
    pub fn encode(&self) -> (String, Bytes) {
        let boundary = self.boundary();
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quote(&part.name));
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quote(file_name)));
            }
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(format!("\r\nContent-Type: {}\r\n\r\n", part.content_type).as_bytes());
            body.extend_from_slice(&part.data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), Bytes::from(body))
    }

    /// A boundary that occurs in no part: derived from the content, lengthened until it is unique.
    fn boundary(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in &self.parts {
            for byte in part.name.bytes().chain(part.data.iter().copied()) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        let mut boundary = format!("atlassian-client-{hash:016x}");
        while self.parts.iter().any(|p| contains(&p.data, boundary.as_bytes())) {
            boundary.push('x');
        }
        boundary
    }
}

/// Escapes a header parameter value (quotes and line breaks cannot appear in it).
fn quote(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_encoded_with_names_file_names_and_types() {
        let form = Multipart::new().file("file", "a \"b\".txt", "text/plain", b"hello".to_vec()).text("comment", "hi");
        let (content_type, body) = form.encode();
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
    }

    #[test]
    fn the_boundary_never_occurs_in_a_part() {
        let probe = Multipart::new().file("f", "x", "application/octet-stream", b"x".to_vec());
        let boundary = probe.boundary();
        let form = Multipart::new().file("f", "x", "application/octet-stream", boundary.clone().into_bytes());
        assert!(!contains(&form.parts[0].data, form.boundary().as_bytes()) || form.boundary() != boundary);
        let (content_type, _) = form.encode();
        let used = content_type.rsplit('=').next().unwrap_or_default().to_owned();
        assert!(!contains(&form.parts[0].data, used.as_bytes()));
    }
}
