//! The canonical Agent Factory schema: what a live database holds, how it differs, validation
//! and validation reports. Adoption and validation against the shipped migrations live in
//! [`crate::migrate`].

pub mod canonical;
pub mod introspect;
pub mod policies;
mod report;
mod shape;
pub mod validate;

pub use report::ValidationReport;
pub use shape::Shape;
pub use validate::{Finding, Severity};
