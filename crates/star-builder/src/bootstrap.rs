//! Placeholder for the one-off database bootstrap (`{"action":"bootstrap", …}`);
//! another engineer replaces this file. Only the interface is fixed here.

use serde::{Deserialize, Serialize};

/// The bootstrap event (the whole event object, `action` included).
#[derive(Debug, Clone, Deserialize)]
pub struct BootstrapRequest {}

/// What the bootstrap did.
#[derive(Debug, Clone, Serialize)]
pub struct BootstrapReport {}

/// Why the bootstrap failed.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("the database bootstrap is not implemented yet")]
    NotImplemented,
}

/// Runs the bootstrap.
pub async fn run(
    _request: BootstrapRequest,
    _aws: Option<&aws_config::SdkConfig>,
) -> Result<BootstrapReport, BootstrapError> {
    Err(BootstrapError::NotImplemented)
}
