//! How long operations report progress and learn they should stop, without knowing who listens:
//! the window turns events into a progress bar and a live log, afctl prints them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// A request to stop at the next safe point (between migrations); cloned handles share it.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
