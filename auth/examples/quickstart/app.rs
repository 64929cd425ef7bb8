use leptos::prelude::*;
use leptos_pkce_auth::{
    provide_auth, use_auth, AuthConfig, HandleCallback, LoginOptions, LogoutOptions,
    RequireAuth,
};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

fn main() {
    // Optional, first thing: at the callback, the code is redeemed while the app loads.
    leptos_pkce_auth::begin_callback();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let origin = window().location().origin().unwrap();
    // The local provider (`cargo xtask idp`); with Auth0, your tenant and client:
    // { "domain": "YOUR_TENANT.eu.auth0.com", "client_id": "YOUR_CLIENT_ID" }
    let config = AuthConfig::from_json(
        r#"{ "domain": "http://127.0.0.1:4000", "client_id": "spa-dev" }"#,
        &origin,
    )
    .expect("a valid configuration");
    provide_auth(config);
    view! {
        <Router>
            // Finishes logins at redirect_uri's path (here /callback), then the routes.
            <HandleCallback>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/private") view=|| view! {
                        <RequireAuth>"Only for signed-in users"</RequireAuth>
                    }/>
                </Routes>
            </HandleCallback>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    let auth = use_auth();
    move || match auth.user().get() {
        Some(user) => view! {
            <p>"Hello, " {user.display_name().to_owned()}</p>
            <button on:click=move |_| auth.logout(LogoutOptions::default())>"Sign out"</button>
        }
        .into_any(),
        // A reload of a signed-in user restores the session first: no "Sign in" flash.
        None if auth.is_loading().get() => view! { <p>"Signing you in…"</p> }.into_any(),
        None => view! {
            {move || auth.error().get().map(|error| view! { <p role="alert">{error.to_string()}</p> })}
            <button on:click=move |_| auth.login(LoginOptions::default())>"Sign in"</button>
        }
        .into_any(),
    }
}
