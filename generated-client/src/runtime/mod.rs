//! The hand-written runtime that generated request builders call.
//!
//! Generated code builds a [`Request`] from an [`OperationMeta`] and the caller's parameters, sends it with
//! [`Client::execute`](crate::Client::execute), and turns the [`Response`] into a typed value or an
//! [`Error`](crate::Error). Operations that return pages implement [`OffsetPaged`] or [`CursorPaged`] and
//! stream their items with [`offset_stream`] or [`cursor_stream`].

mod datetime;
pub(crate) mod execute;
pub mod nullable;
mod page;
mod path;
mod query;
mod redirect;
mod request;
mod response;
mod retry;
pub(crate) mod url;

pub use datetime::JiraDateTime;
pub use nullable::Nullable;
pub use page::{cursor_stream, offset_stream, CursorPage, CursorPaged, OffsetPage, OffsetPaged};
pub use path::encode_path_segment;
pub use request::{HttpMethod, OperationMeta, Request};
pub use response::Response;
pub use retry::RetryPolicy;
