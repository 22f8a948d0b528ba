//! The OS keyring, the only place secret values are kept, and [`SecretString`], the wrapper
//! every secret value travels in (it redacts itself and registers with the log redactor).

mod store;
mod value;

pub use store::{HOW_TO_START, KeyringStatus, SecretStore};
pub use value::SecretString;
