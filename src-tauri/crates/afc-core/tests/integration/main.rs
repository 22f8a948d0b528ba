//! afc-core against real parts: the machine's PostgreSQL and Redis, a real Secret Service
//! keyring (scripts/test-session.sh), and the fixture API server on 127.0.0.1. One test binary,
//! so the crate links once.

mod adoption;
mod agent_files;
mod agents;
mod api;
mod architecture;
mod common;
mod db;
mod dbadmin;
mod demo;
mod environments;
mod logging;
mod migrations;
mod probes;
mod rls;
mod smoke;
