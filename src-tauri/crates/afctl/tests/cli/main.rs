//! afctl as a pipeline runs it: the real binary against real files, the machine's PostgreSQL and
//! Redis, a real keyring and the fixture API. One test binary, so afctl's tests link once.

mod agents;
mod cli;
mod db;
mod demo;
mod health_metrics;
mod migrate;
mod sandbox;
mod secrets;
mod smoke;

use std::path::Path;
use std::process::Output;

/// afctl run on the configuration folder `config`, with `stdin`.
pub fn afctl(config: &Path, args: &[&str], stdin: &str) -> Output {
    test_support::afctl::run(
        Path::new(env!("CARGO_BIN_EXE_afctl")),
        config,
        args,
        stdin,
        &[],
    )
}
