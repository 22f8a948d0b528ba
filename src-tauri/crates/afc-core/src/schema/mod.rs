//! The canonical Agent Factory schema: what a live database holds, how it differs, validation
//! reports, and adoption of databases built the old ways.

pub mod adopt;
pub mod canonical;
pub mod introspect;
mod report;
mod shape;
pub mod validate;

pub use adopt::{AdoptionPlan, Blocker, RepairStep, adoption_plan};
pub use report::{ValidationReport, validate};
pub use shape::Shape;
pub use validate::Finding;
