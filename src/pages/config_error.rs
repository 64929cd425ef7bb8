//! Shown instead of the app when `/config.json` is missing or unusable.

use leptos::prelude::*;

use crate::config_load::ConfigLoadError;

/// The configuration error page: says which field is wrong.
#[component]
pub fn ConfigErrorPage(error: ConfigLoadError) -> impl IntoView {
    view! {
        <main id="main" class="config-error">
            <section class="card">
                <h1>"The app is not configured"</h1>
                <p class="error" role="alert" data-testid="config-error">{error.to_string()}</p>
                <p>
                    "Put a " <code>"config.json"</code> " beside " <code>"index.html"</code>
                    " with at least " <code>"domain"</code> " (or " <code>"issuer"</code> ") and "
                    <code>"client_id"</code> ". README.md describes every field."
                </p>
            </section>
        </main>
    }
}
