//! How long operations report progress and learn they should stop, without knowing who listens:
//! the window turns events into a progress bar and a live log, afctl prints them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// A sink for progress events of type `E`; `Progress::none()` discards them.
pub struct Progress<E>(Option<Arc<dyn Fn(E) + Send + Sync>>);

impl<E> Progress<E> {
    pub fn new(f: impl Fn(E) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    pub fn none() -> Self {
        Self(None)
    }

    pub fn emit(&self, event: E) {
        if let Some(f) = &self.0 {
            f(event);
        }
    }
}

impl<E> Clone for Progress<E> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

#[derive(Debug, Default)]
struct CancelState {
    flag: AtomicBool,
    wake: Notify,
}

/// A request to stop at the next safe point; cloned handles share it. Work checks
/// [`is_cancelled`](Self::is_cancelled) between steps, or awaits [`cancelled`](Self::cancelled)
/// beside a wait.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<CancelState>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }

    /// Resolves once the work has been asked to stop.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.wake.notified();
            tokio::pin!(notified);
            // Registered before the check, so a cancel between the two still wakes us.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
