//! A view whose code is loaded lazily (see [`crate::lazy`]), with the loading and
//! the load-failure states every app needs.

use std::future::Future;

use leptos::prelude::*;

use crate::lazy::LoadError;

/// Renders the view that `load` (a [`lazy_fn!`](crate::lazy_fn) returning `AnyView`)
/// produces: `fallback` while its chunk downloads, and when the chunk cannot be
/// loaded (offline, or a new version of the app replaced it) a clear message with a
/// Reload button instead of a frozen page (also when it has not arrived after
/// [`crate::lazy::LOAD_TIMEOUT_MS`]).
#[component]
pub fn LazyView<F, Fut>(
    /// Loads the view, e.g. `api_page` declared with `lazy_fn!`.
    load: F,
    /// Shown while the chunk downloads (nothing by default).
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = Result<AnyView, LoadError>> + 'static,
{
    let loaded = send_wrapper::SendWrapper::new(async move {
        match crate::lazy::in_time(load()).await {
            Some(view) => view,
            None => view! { <ChunkFailed/> }.into_any(),
        }
    });
    view! { <Suspense fallback=move || fallback.run()>{Suspend::new(loaded)}</Suspense> }
}

/// What a failed chunk load shows: why, and the one way out.
#[component]
fn ChunkFailed() -> impl IntoView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <section class="card lazy-failed" role="alert">
            <p>"This part of the app could not be loaded: you may be offline, or a new \
                version of the app was published. Reloading the page fixes it."</p>
            <button class="button" on:click=reload>"Reload"</button>
        </section>
    }
}
