//! Any path the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

/// The fallback page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <A href="/">"Go to the home page"</A>
        </section>
    }
}
