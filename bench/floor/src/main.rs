//! The framework's floor: Leptos with its router, two routes, a signal, a click
//! handler and a reactive text. `cargo xtask bench` builds it with the app's release
//! profile and reports its size beside the app's, so the app's own share is visible.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use leptos_router::components::{Route, Router, Routes, A};
    use leptos_router::path;

    #[component]
    fn Home() -> impl IntoView {
        let count = RwSignal::new(0);
        view! {
            <h1>"Home"</h1>
            <button on:click=move |_| count.update(|n| *n += 1)>{move || count.get()}</button>
        }
    }

    #[component]
    fn About() -> impl IntoView {
        view! { <h1>"About"</h1> }
    }

    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <nav><A href="/">"Home"</A>" "<A href="/about">"About"</A></nav>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/about") view=About/>
                </Routes>
            </Router>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
