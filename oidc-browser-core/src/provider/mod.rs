//! What the client knows of the provider: its metadata (discovery) and the errors it
//! reports.

pub mod discovery;
pub mod provider_error;
