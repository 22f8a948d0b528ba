//! Fetching `/metrics` from an API, with the probe's timeouts and error codes (the platform's
//! rate-limited 500 included).

use crate::environments::connection::check_api_url;
use crate::probe::{http_client, status_error, transport_error};
use crate::{AppError, ErrorCode, Result};

/// The exposition text an API serves at `/metrics`.
pub async fn fetch(api_url: &str) -> Result<String> {
    let url = check_api_url(api_url)?
        .join("/metrics")
        .map_err(|e| {
            AppError::invalid_input("Could not build the /metrics address")
                .with_details(e.to_string())
        })?
        .to_string();
    let response = http_client()?
        .get(&url)
        .send()
        .await
        .map_err(|e| transport_error(&url, &e))?;
    if !response.status().is_success() {
        return Err(status_error(&url, &response));
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    // Prometheus text 0.0.4 and 1.0.0 are both text/plain; OpenMetrics uses its own type.
    if !(content_type.starts_with("text/plain")
        || content_type.starts_with("application/openmetrics-text"))
    {
        return Err(AppError::new(
            ErrorCode::InvalidInput,
            format!("{url} did not answer with Prometheus metrics"),
        )
        .with_details(format!("Content-Type: {content_type}")));
    }
    response.text().await.map_err(|e| transport_error(&url, &e))
}
