//! The server's notices (`RAISE NOTICE`, "table … does not exist, skipping") for the SQL
//! console. sqlx hands them only to `tracing` (target `sqlx::postgres::notice`), so a session
//! polls each statement under a dispatcher of its own whose one layer keeps their messages:
//! they reach the operator whatever the log level, and do not go to the log file.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Dispatch, Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

const TARGET: &str = "sqlx::postgres::notice";

/// The notices raised while a statement ran.
#[derive(Clone, Default)]
pub struct Notices(Arc<Mutex<Vec<String>>>);

impl Notices {
    /// A dispatcher that records notices here (and drops every other event).
    pub fn dispatch(&self) -> Dispatch {
        Dispatch::new(tracing_subscriber::registry().with(Collect(self.clone())))
    }

    /// What was raised since the last call.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

struct Collect(Notices);

struct Message(Option<String>);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0 = Some(value.to_owned());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        if field.name() == "message" && self.0.is_none() {
            self.0 = Some(format!("{value:?}"));
        }
    }
}

impl<S: Subscriber> Layer<S> for Collect {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut message = Message(None);
        event.record(&mut message);
        if let Some(m) = message.0 {
            (self.0)
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(m);
        }
    }
}
