//! The platform's variables per environment: the catalog, validation, the keyring (the only
//! place secret values live), `.env` import and export, and drift across environments.

pub mod catalog;
pub mod dotenv;
pub mod drift;
mod store;
pub mod validate;
mod value;
mod variables;

pub use store::{HOW_TO_START, KeyringStatus, SecretStore};
pub use value::SecretString;
pub use variables::*;
