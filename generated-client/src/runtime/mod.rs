//! The hand-written runtime that generated request builders call.
//!
//! Generated code builds a [`Request`] from an [`OperationMeta`] and the caller's parameters, sends it with
//! [`Client::execute`](crate::Client::execute), and turns the [`Response`] into a typed value or an
//! [`Error`](crate::Error). Operations that return pages implement [`OffsetPaged`] or [`CursorPaged`] and
//! stream their items with [`offset_stream`] or [`cursor_stream`].
//!
//! Some items are for users as well: [`CommaList`] (the type of `expand`-like parameters), [`FieldsExt`] and
//! [`fields::field`] (typed access to Jira's open `fields` maps), [`FieldValues`] (the `fields` of an issue to
//! create or edit), [`FieldIds`] (custom-field names to ids), [`Fallbacks`] (what an ADF document kept without
//! knowing it), and [`Response`] (what `send_raw` returns).

mod binary;
mod call;
pub(crate) mod client_state;
mod comma_list;
mod datetime;
pub mod de;
pub(crate) mod execute;
pub mod fallbacks;
mod field_ids;
mod field_values;
pub mod fields;
mod json_path;
mod method;
mod multipart;
pub mod nullable;
mod page;
mod path;
mod query;
pub mod rate_limit;
mod redirect;
mod request;
mod response;
pub(crate) mod retry;
pub(crate) mod retry_after;
mod see_other;
pub mod ser;
pub(crate) mod url;

pub use binary::Binary;
pub use call::Call;
pub use comma_list::CommaList;
pub use datetime::JiraDateTime;
pub use fallbacks::Fallbacks;
pub use field_ids::FieldIds;
pub use field_values::FieldValues;
pub use fields::FieldsExt;
pub use method::HttpMethod;
pub use multipart::{Multipart, Part, PartData, PartStream};
pub use nullable::Nullable;
pub use page::{cursor_stream, offset_stream, CursorPage, CursorPaged, OffsetPage, OffsetPaged};
pub use path::encode_path_segment;
pub use rate_limit::{RateLimit, RateLimitPolicy, RateLimitReason, RateLimitedError};
pub use request::{OperationMeta, Request};
pub use response::Response;
pub use retry::RetryPolicy;
pub use see_other::SeeOther;
