//! The smallest app on `leptos-pkce-auth`, written as any user of the library would:
//! it lives under `/example/` beside the main app on the same origin, finishes logins
//! at `/example/auth/callback`, keeps its browser state under its own storage prefix,
//! and has one protected route. It asks for no refresh token: the library renews its
//! access token with a silent sign-in, through the silent-callback page the main app
//! serves at the origin's root.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos_pkce_auth::begin_callback();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the example runs in the browser: `cargo xtask test` builds and serves it.");
}

#[cfg(target_arch = "wasm32")]
mod app {
    use leptos::prelude::*;
    use leptos_pkce_auth::{
        provide_auth, use_auth, AuthConfig, HandleCallback, LoginOptions, LogoutOptions,
        RequireAuth, ReturnTo,
    };
    use leptos_router::components::{Route, Router, Routes, A};
    use leptos_router::path;

    /// The provider and client; the rest comes from where the app is served.
    const PROVIDER: &str = "http://127.0.0.1:4000/";
    const CLIENT_ID: &str = "spa-dev";

    /// The configuration, or why there is none.
    fn config() -> Result<AuthConfig, String> {
        let origin = window().location().origin().map_err(|_| "no origin")?;
        let json = serde_json::json!({
            "issuer": PROVIDER,
            "client_id": CLIENT_ID,
            "redirect_uri": format!("{origin}/example/auth/callback"),
            "post_logout_redirect_uri": format!("{origin}/example/"),
            "storage_prefix": "example",
        });
        AuthConfig::from_json(&json.to_string(), &origin).map_err(|e| e.to_string())
    }

    #[component]
    pub fn App() -> impl IntoView {
        let config = match config() {
            Ok(config) => config,
            Err(error) => return view! { <p role="alert">{error}</p> }.into_any(),
        };
        provide_auth(config);
        view! {
            <Router>
                <nav>
                    <A href="/example/">"Home"</A> " · "
                    <A href="/example/private">"Private"</A>
                </nav>
                <HandleCallback>
                    <Routes fallback=|| "Not found">
                        <Route path=path!("/example") view=Home/>
                        <Route path=path!("/example/private") view=Private/>
                    </Routes>
                </HandleCallback>
            </Router>
        }
        .into_any()
    }

    #[component]
    fn Home() -> impl IntoView {
        let auth = use_auth();
        let sign_in = move |_| {
            auth.login(LoginOptions {
                return_to: ReturnTo::parse("/example/private").ok(),
                ..LoginOptions::default()
            })
        };
        move || {
            match auth.user().get() {
            Some(user) => view! {
                <p data-testid="example-user">{user.display_name().to_owned()}</p>
                // No refresh token here (no offline_access): a silent sign-in renews it.
                <p>"Access token valid until "
                    <span data-testid="example-expiry">
                        {move || auth.access_token_expires_at().get().map(|ms| ms.to_string())}
                    </span>
                </p>
                <button data-testid="example-sign-out" on:click=move |_| auth.logout(LogoutOptions::default())>
                    "Sign out"
                </button>
            }
            .into_any(),
            None => view! {
                <button data-testid="example-sign-in" on:click=sign_in>"Sign in"</button>
                {move || auth.error().get().map(|e| view! { <p role="alert">{e.to_string()}</p> })}
            }
            .into_any(),
        }
        }
    }

    #[component]
    fn Private() -> impl IntoView {
        let auth = use_auth();
        view! {
            <RequireAuth>
                <h1 data-testid="example-private">
                    "Private page of " {move || auth.user().get().map(|u| u.display_name().to_owned())}
                </h1>
            </RequireAuth>
        }
    }
}
