//! This app's own settings as a context: provided by the shell once the configuration
//! is loaded, read by the pages and components that need them.

use leptos::prelude::*;

use crate::config::AppSettings;

/// This app's own settings (`api_url`, `connections`), provided by `app::Shell`.
///
/// # Panics
/// Outside `app::Shell`: a wiring mistake.
pub fn use_settings() -> AppSettings {
    use_context::<AppSettings>().expect("use_settings() needs the Shell's context")
}
