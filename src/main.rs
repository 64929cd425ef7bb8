//! Entry point of the browser app.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // First, before the app loads its configuration: at the callback, the token
    // request goes out now.
    leptos_pkce_auth::begin_callback();
    leptos::mount::mount_to_body(leptos_pkce::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("leptos-pkce runs in the browser: use `cargo xtask dev`, or `trunk serve`.");
}
