//! The OS keyring, the only place secret values are kept: Secret Service on Linux, Keychain on
//! macOS, Credential Manager on Windows. There is deliberately no fallback store: if the keyring
//! is unavailable, secret operations fail with `keyring_unavailable` and nothing is written.

use std::path::Path;
use std::time::Duration;

use super::SecretString;
use crate::paths::APP_IDENTIFIER;
use crate::{AppError, ErrorCode, Result};

/// Keyring calls can block on a prompt or a hung D-Bus peer; the console stops waiting after this.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(30);

/// How to get a keyring, shown with every `keyring_unavailable` error.
pub const HOW_TO_START: &str = "The console keeps secrets only in the OS keyring. On Linux that is a Secret Service provider on the D-Bus session bus: GNOME Keyring (gnome-keyring-daemon --start --components=secrets) or KeePassXC with Secret Service integration enabled. Without a desktop session, start one with: dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; exec afctl …'";

/// One keyring "service" for the console; each secret is an account within it.
#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
}

/// One folder, however it is written (a symlink, `..`): the nearest existing ancestor resolved,
/// the rest joined on (the folder may not exist yet).
fn canonical(dir: &Path) -> std::path::PathBuf {
    if let Ok(real) = std::fs::canonicalize(dir) {
        return real;
    }
    match (dir.parent(), dir.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => dir.to_path_buf(),
    }
}

impl SecretStore {
    /// The console's keyring namespace. Debug builds use a separate one, so development never
    /// touches an operator's real secrets; a non-default configuration folder (`AFC_CONFIG_DIR`,
    /// `--config-dir`) gets its own, so its environments never share secrets with the default's.
    pub fn for_config(config_dir: &Path, is_default_dir: bool) -> Self {
        let base = if cfg!(debug_assertions) {
            format!("{APP_IDENTIFIER}.debug")
        } else {
            APP_IDENTIFIER.to_owned()
        };
        let service = if is_default_dir {
            base
        } else {
            format!("{base}@{}", canonical(config_dir).display())
        };
        Self { service }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub async fn get(&self, account: &str) -> Result<Option<SecretString>> {
        self.call(account, |entry| match entry.get_password() {
            Ok(value) => Ok(Some(SecretString::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }

    /// Reads several entries at once, in order. Each read runs on its own blocking thread, so the
    /// D-Bus round trips overlap.
    pub async fn get_many(&self, accounts: Vec<String>) -> Vec<Result<Option<SecretString>>> {
        let tasks: Vec<_> = accounts
            .into_iter()
            .map(|account| {
                let store = self.clone();
                tokio::spawn(async move { store.get(&account).await })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for task in tasks {
            out.push(task.await.unwrap_or_else(|e| {
                Err(AppError::internal("The keyring read failed").with_details(e.to_string()))
            }));
        }
        out
    }

    pub async fn set(&self, account: &str, value: &SecretString) -> Result<()> {
        let value = value.clone();
        self.call(account, move |entry| entry.set_password(value.expose()))
            .await
    }

    /// Removes a secret; removing one that is not there is not an error.
    pub async fn delete(&self, account: &str) -> Result<()> {
        self.call(account, |entry| match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }

    /// Checks that the keyring answers, without storing anything.
    pub async fn probe(&self) -> Result<()> {
        self.get("@probe").await.map(|_| ())
    }

    async fn call<T: Send + 'static>(
        &self,
        account: &str,
        op: impl Fn(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let service = self.service.clone();
        let account = account.to_owned();
        // The Secret Service client blocks on D-Bus: keep it off the async workers.
        let task = tokio::task::spawn_blocking(move || {
            let mut retries = 0;
            loop {
                let result = keyring::Entry::new(&service, &account).and_then(|entry| op(&entry));
                match result {
                    // The provider went away mid-call (it restarts, or D-Bus activates it
                    // again): a moment later it answers.
                    Err(keyring::Error::PlatformFailure(e))
                        if retries < RETRIES && provider_restarting(&e.to_string()) =>
                    {
                        retries += 1;
                        tracing::warn!(error = %e, retries, "the keyring provider went away; trying again");
                        std::thread::sleep(RETRY_AFTER * retries);
                    }
                    other => break other,
                }
            }
        });
        match tokio::time::timeout(KEYRING_TIMEOUT, task).await {
            Ok(Ok(result)) => result.map_err(map_error),
            Ok(Err(join)) => {
                Err(AppError::internal("The keyring call failed").with_details(join.to_string()))
            }
            Err(_) => Err(AppError::new(
                ErrorCode::Timeout,
                "The OS keyring did not answer within 30 seconds (is it waiting for an unlock prompt?)",
            )),
        }
    }
}

/// How often, and after how long (times the attempt), a call is tried again when the keyring
/// provider went away mid-call.
const RETRIES: u32 = 3;
const RETRY_AFTER: Duration = Duration::from_millis(400);

/// D-Bus errors that mean the provider went away while answering (it died). The next call
/// starts it again where the session can (D-Bus activation). No provider at all
/// (ServiceUnknown) is not retried: waiting would not make one appear.
fn provider_restarting(error: &str) -> bool {
    ["NoReply", "Disconnected"]
        .iter()
        .any(|e| error.contains(e))
}

fn map_error(e: keyring::Error) -> AppError {
    tracing::warn!(error = %e, "keyring call failed");
    match e {
        keyring::Error::PlatformFailure(inner) => AppError::new(
            ErrorCode::KeyringUnavailable,
            "The OS keyring is not available",
        )
        .with_details(format!("{inner}. {HOW_TO_START}")),
        keyring::Error::NoStorageAccess(inner) => AppError::new(
            ErrorCode::KeyringUnavailable,
            "The OS keyring refused access (it may be locked)",
        )
        .with_details(format!("{inner}. {HOW_TO_START}")),
        keyring::Error::TooLong(field, max) => AppError::invalid_input(format!(
            "The keyring cannot store a {field} longer than {max}"
        )),
        other => {
            AppError::internal("The OS keyring reported an error").with_details(other.to_string())
        }
    }
}

/// Whether the keyring answers, for the window's status and its "keyring unavailable" screen.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[ts(optional_fields)]
#[serde(rename_all = "camelCase")]
pub struct KeyringStatus {
    pub available: bool,
    /// The namespace the console's entries live under.
    pub service: String,
    pub error: Option<AppError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn one_folder_written_two_ways_is_one_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("config");
        std::fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let dotted = dir.path().join("config/../config");
        let service = |p: &Path| SecretStore::for_config(p, false).service().to_owned();
        assert_eq!(service(&link), service(&real));
        assert_eq!(service(&dotted), service(&real));
        // A folder not created yet resolves through its existing parent.
        let later = dir.path().join("link/new");
        assert_eq!(service(&later), service(&real.join("new")));
        assert_ne!(service(&dir.path().join("other")), service(&real));
    }
}
