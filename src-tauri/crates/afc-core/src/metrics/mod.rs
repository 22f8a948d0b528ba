//! Prometheus metrics from the platform API: the text-format parser, Prometheus-compatible
//! quantiles and rates, endpoint grouping with a cardinality cap, and the report the window and
//! `afctl metrics` show.

pub mod endpoints;
pub mod parse;
pub mod quantile;
pub mod report;
mod routes;
mod scrape;

pub use parse::{Exposition, ParseError, parse};
pub use report::{EndpointOrder, MetricsReport, PROBE_ENDPOINTS, ProbeTraffic, Scrape, report};
pub use scrape::fetch;
