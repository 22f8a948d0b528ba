//! Environment profiles (dev, staging, production, or any the operator adds): where the API,
//! database and Redis are, how careful to be, and the platform variables of each.

mod access;
pub mod connection;
mod model;
pub mod presets;
mod profiles;
mod registry;

pub use access::credentials;
pub use connection::{ConnectionMode, DbConnection, TlsPolicy};
pub use model::*;
pub use registry::*;
