//! Working with ADF documents: builders, plain text, Markdown (hand-written; included by the generated
//! `crate::adf`, so compiled exactly when a spec that uses ADF is).
//!
//! ```
//! use atlassian_client::adf::{Document, PanelType};
//!
//! let doc = Document::new()
//!     .heading(2, "Release notes")
//!     .paragraph("Everything works.")
//!     .bullet_list(["faster", "smaller"])
//!     .panel(PanelType::Info, "Deployed on Friday.");
//! assert_eq!(doc.to_plain_text(), "Release notes\nEverything works.\nfaster\nsmaller\nDeployed on Friday.");
//! let simple: Document = "Just one paragraph".into();
//! assert_eq!(simple.to_plain_text(), "Just one paragraph");
//! ```

mod builders;
mod confluence;
#[cfg(feature = "markdown")]
mod markdown;
mod text;

pub use builders::Inlines;
pub use confluence::NotAdf;
