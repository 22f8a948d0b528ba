//! The platform's API, one way: [`PlatformClient`] (credentials, rate-limit budget, retries,
//! redirects, error codes) and [`ApiClients`], which keeps one client per environment and one
//! rate-limit budget per API, so every caller (health polling, agents, smoke checks, the demo)
//! draws on the same budget the platform counts.
//!
//! Nothing outside this module builds an HTTP client.

mod auth;
pub mod budget;
mod client;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use auth::{Credentials, jwt_expiry};
pub use budget::{BudgetView, RateBudget, RateHeaders};
pub use client::{ApiResponse, Call, DEFAULT_TIMEOUT, PlatformClient, check_api_url};

/// Clients by environment and budgets by API origin, for the life of the program.
#[derive(Default)]
pub struct ApiClients {
    budgets: Mutex<HashMap<String, Arc<RateBudget>>>,
    clients: Mutex<HashMap<String, (u64, Arc<PlatformClient>)>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Maps of Arcs: a panic elsewhere cannot leave them half-updated.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The budget's key: the platform limits per client address, so all environments that point at
/// one API (scheme, host, port) share its budget.
fn origin_key(base_url: &str) -> String {
    match url::Url::parse(base_url.trim()) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => base_url.trim().to_owned(),
    }
}

impl ApiClients {
    /// The rate-limit budget of the API at `base_url`.
    pub fn budget(&self, base_url: &str) -> Arc<RateBudget> {
        lock(&self.budgets)
            .entry(origin_key(base_url))
            .or_default()
            .clone()
    }

    /// The client of `environment`, reused while `fingerprint` (its URL, credentials and
    /// settings) is unchanged, so its connections and login token outlive one call.
    pub fn client(
        &self,
        environment: &str,
        fingerprint: u64,
        build: impl FnOnce(Arc<RateBudget>) -> crate::Result<PlatformClient>,
        base_url: &str,
    ) -> crate::Result<Arc<PlatformClient>> {
        if let Some((f, client)) = lock(&self.clients).get(environment)
            && *f == fingerprint
        {
            return Ok(client.clone());
        }
        let client = Arc::new(build(self.budget(base_url))?);
        lock(&self.clients).insert(environment.to_owned(), (fingerprint, client.clone()));
        Ok(client)
    }

    /// Forgets an environment's client (it was deleted or renamed).
    pub fn forget(&self, environment: &str) {
        lock(&self.clients).remove(environment);
    }
}
