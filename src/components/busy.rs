//! The progress indicator shown while something is on its way.

use leptos::prelude::*;

/// A spinner with a message, announced to screen readers.
#[component]
pub fn Busy(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <section class="card" aria-busy="true">
            <div class="spinner" role="status" aria-label=message.clone()></div>
            <p>{message}</p>
        </section>
    }
}
