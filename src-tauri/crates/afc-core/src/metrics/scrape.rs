//! Fetching `/metrics` from an API through its client (timeouts, the rate-limit budget and the
//! platform's bare 500 handled there).

use crate::api::{Call, PlatformClient};
use crate::{AppError, ErrorCode, Result};

/// The exposition text an API serves at `/metrics`.
pub async fn fetch(client: &PlatformClient) -> Result<String> {
    let response = client.call(Call::get("/metrics")).await?;
    // Prometheus text 0.0.4 and 1.0.0 are both text/plain; OpenMetrics uses its own type.
    if !(response.content_type.starts_with("text/plain")
        || response
            .content_type
            .starts_with("application/openmetrics-text"))
    {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("{} did not answer with Prometheus metrics", response.url),
        )
        .with_details(format!("Content-Type: {}", response.content_type)));
    }
    Ok(response.text())
}
