//! The window's open SQL tabs: one session each, kept between statements (so a transaction
//! the operator began, or a cursor with more rows, waits for the next call), and cancellable
//! while a statement runs (the session is busy then; its server pid is not).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};

use super::session::{SqlSession, cancel};
use crate::db::Database;
use crate::{AppError, ErrorCode, Result};

struct Tab {
    db: Arc<Database>,
    pid: Arc<AtomicI32>,
    session: Arc<tokio::sync::Mutex<SqlSession>>,
}

#[derive(Default)]
pub struct Tabs(Mutex<HashMap<String, Tab>>);

impl Tabs {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Tab>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Opens (or replaces) tab `id` with `session` on `db`.
    pub fn open(&self, id: &str, db: Arc<Database>, session: SqlSession) {
        let tab = Tab {
            db,
            pid: session.pid(),
            session: Arc::new(tokio::sync::Mutex::new(session)),
        };
        self.map().insert(id.to_owned(), tab);
    }

    /// The session of tab `id`, to run on (one statement at a time).
    pub fn session(&self, id: &str) -> Result<Arc<tokio::sync::Mutex<SqlSession>>> {
        self.map()
            .get(id)
            .map(|t| t.session.clone())
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::NotFound,
                    "This SQL tab has no session: open it again",
                )
            })
    }

    /// Cancels what tab `id` is running (from a connection of its own); false when idle.
    pub async fn cancel(&self, id: &str) -> Result<bool> {
        let (db, pid) = {
            let map = self.map();
            let tab = map
                .get(id)
                .ok_or_else(|| AppError::new(ErrorCode::NotFound, "This SQL tab has no session"))?;
            // Idle sessions hold the lock free; a busy one is running a statement.
            if tab.session.try_lock().is_ok() {
                return Ok(false);
            }
            (tab.db.clone(), tab.pid.load(Ordering::SeqCst))
        };
        cancel(&db, pid).await
    }

    /// A new statement timeout for tab `id`, from its next statement (a running one keeps its own).
    pub async fn set_timeout(&self, id: &str, timeout: std::time::Duration) -> Result<()> {
        let session = self.session(id)?;
        session.lock().await.set_timeout(timeout);
        Ok(())
    }

    pub fn close(&self, id: &str) {
        self.map().remove(id);
    }
}
