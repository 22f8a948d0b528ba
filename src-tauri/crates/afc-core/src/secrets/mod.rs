//! The platform's variables per environment: the catalog, validation, the keyring (the only
//! place secret values live), `.env` import and export, and drift across environments.

pub mod catalog;
pub mod dotenv;
pub mod drift;
pub mod validate;
mod variables;

pub use crate::keyring::{HOW_TO_START, KeyringStatus, SecretStore, SecretString};
pub use variables::*;

impl crate::Console {
    /// Whether the keyring answers, and the namespace the console uses in it.
    pub async fn keyring_status(&self) -> KeyringStatus {
        let error = self.keyring.probe().await.err();
        KeyringStatus {
            available: error.is_none(),
            service: self.keyring.service().to_owned(),
            error,
        }
    }
}
