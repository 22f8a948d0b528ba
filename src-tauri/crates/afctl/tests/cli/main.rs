//! afctl as a pipeline runs it: the real binary against real files, the machine's PostgreSQL and
//! Redis, a real keyring and the fixture API. One test binary, so afctl's tests link once.

mod agents;
mod cli;
mod health_metrics;
mod migrate;
mod secrets;
