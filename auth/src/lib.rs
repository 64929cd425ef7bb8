//! Sign-in for [Leptos](https://leptos.dev) apps with Auth0 or any OpenID Connect
//! provider: the Authorization Code Flow with PKCE (RFC 7636), the ID token verified
//! in the browser (signature with WebCrypto, then every claim of OpenID Connect Core
//! 3.1.3.7) before anything is kept, tokens in memory, refresh tokens rotated under a
//! cross-tab lock.
//!
//! # Quick start
//!
//! (The README's quick start, as written: a test keeps the two the same, and CI compiles
//! it, as `examples/quickstart`.)
//!
//! ```toml
//! [dependencies]
//! leptos-pkce-auth = { path = "auth" } # or a git / registry source
//! ```
//!
//! ```ignore
//! use leptos::prelude::*;
//! use leptos_pkce_auth::{
//!     provide_auth, use_auth, AuthConfig, HandleCallback, LoginOptions, LogoutOptions,
//!     RequireAuth,
//! };
//! use leptos_router::components::{Route, Router, Routes};
//! use leptos_router::path;
//!
//! fn main() {
//!     // Optional, first thing: at the callback, the code is redeemed while the app loads.
//!     leptos_pkce_auth::begin_callback();
//!     leptos::mount::mount_to_body(App);
//! }
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     let origin = window().location().origin().unwrap();
//!     // The local provider (`cargo xtask idp`); with Auth0, your tenant and client:
//!     // { "domain": "YOUR_TENANT.eu.auth0.com", "client_id": "YOUR_CLIENT_ID" }
//!     let config = AuthConfig::from_json(
//!         r#"{ "domain": "http://127.0.0.1:4000", "client_id": "spa-dev" }"#,
//!         &origin,
//!     )
//!     .expect("a valid configuration");
//!     provide_auth(config);
//!     view! {
//!         <Router>
//!             // Finishes logins at redirect_uri's path (here /callback), then the routes.
//!             <HandleCallback>
//!                 <Routes fallback=|| "Not found">
//!                     <Route path=path!("/") view=Home/>
//!                     <Route path=path!("/private") view=|| view! {
//!                         <RequireAuth>"Only for signed-in users"</RequireAuth>
//!                     }/>
//!                 </Routes>
//!             </HandleCallback>
//!         </Router>
//!     }
//! }
//!
//! #[component]
//! fn Home() -> impl IntoView {
//!     let auth = use_auth();
//!     move || match auth.user().get() {
//!         Some(user) => view! {
//!             <p>"Hello, " {user.display_name().to_owned()}</p>
//!             <button on:click=move |_| auth.logout(LogoutOptions::default())>"Sign out"</button>
//!         }
//!         .into_any(),
//!         // A reload of a signed-in user restores the session first: no "Sign in" flash.
//!         None if auth.is_loading().get() => view! { <p>"Signing you in…"</p> }.into_any(),
//!         None => view! {
//!             {move || auth.error().get().map(|error| view! { <p role="alert">{error.to_string()}</p> })}
//!             <button on:click=move |_| auth.login(LoginOptions::default())>"Sign in"</button>
//!         }
//!         .into_any(),
//!     }
//! }
//! ```
//!
//! An access token for your API: `auth.access_token().await` (renewed when stale), or
//! `auth.get_with_token(url).await` (renews once and retries on a 401).
//!
//! # Configuration
//!
//! [`AuthConfig::from_json`] reads a JSON object, typically a `config.json` served
//! beside `index.html`, so one build serves many deployments. Fields it does not know
//! are left for the app.
//!
//! | field | meaning |
//! |---|---|
//! | `domain` | an Auth0 tenant (`tenant.eu.auth0.com`, or a full `http(s)://` URL) |
//! | `issuer` | any other OpenID Connect provider's issuer, exactly as it writes it |
//! | `client_id` | the public client's id (required) |
//! | `redirect_uri` | where the provider comes back, on the app's origin; its path is where logins finish (`{origin}/callback`) |
//! | `scope` | space-separated; `openid` is always added (`openid profile email`) |
//! | `audience` | the API the access token is for (Auth0) |
//! | `audience_param` | how a request names an API: `audience` (Auth0, the default for `domain`) or `resource` (RFC 8707, the default for `issuer`) |
//! | `popup_timeout_secs` | how long a popup login may take, 10 to 900 (300) |
//! | `pushed_authorization_requests` | `auto` (push logins, RFC 9126, where discovery lists the endpoint; default), `always` or `never` |
//! | `dpop` | `true` binds every token to a non-extractable key this browser holds (DPoP, RFC 9449) where the provider accepts ES256 proofs (`false`) |
//! | `post_logout_redirect_uri` | where the provider sends the browser after logout, on the app's origin (`{origin}/`) |
//! | `federated_logout` | Auth0: also sign out of the social provider (`false`) |
//! | `refresh_token_storage` | `memory` (default) or `indexed_db` (a refresh token at rest) |
//! | `silent_sign_in` | `iframe_then_redirect` (default), `iframe` or `off`: signing a returning user back in after a reload |
//! | `silent_redirect_uri` | where silent sign-ins and popups answer, on the app's origin: the app itself, or the faster static page in `assets/` (`{origin}/silent-callback.html`) |
//! | `clock_leeway_secs` | clock skew tolerated on the ID token's times, 0 to 600 (60) |
//! | `http_timeout_secs` | how long a request may take, 1 to 120 (20) |
//! | `token_mediation` | `page` (default) or `service_worker`: a service worker keeps the tokens out of the page's reach |
//! | `api_origins` | with `service_worker`: the origins the worker may attach the access token to |
//! | `token_mediation_fallback` | with `service_worker`: keep the tokens in the page where no worker can be used (default `false`) |
//! | `storage_prefix` | names every storage key, lock, channel and database (`leptos-pkce.{client_id}`) |
//! | `authorization_endpoint`, `token_endpoint`, `userinfo_endpoint`, `jwks_uri` | override discovery |
//!
//! (The README's configuration table lists the same fields, in more words; a test keeps
//! the two, and the fields `AuthConfig` reads, the same.)
//!
//! # Several providers
//!
//! [`provide_auths`] with [`ProviderConfigs`] (the top level of `config.json` as the
//! default provider, its `providers` object naming the others) makes one context per
//! provider, each with its own storage prefix and so its own session, lock, channel,
//! refresh token and DPoP key. [`use_auth`] is the default one, [`use_named_auth`] the
//! others; `RequireAuth` takes a `provider`. A callback path may be shared: the login's
//! transaction says which provider redeems it.
//!
//! # Layers
//!
//! The protocol core is its own crate, [`oidc_browser_core`]: plain Rust with no
//! browser or Leptos in it, where time and randomness come in as arguments and every
//! rule has a native test. This crate is the browser glue (private), which fetches,
//! stores, signs and feeds answers to the core, and the Leptos face ([`Auth`], the
//! components), which turns the state into signals. It re-exports the core's types
//! its API names, and the core itself as [`oidc_browser_core`] for the rest.

#![warn(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod browser;
#[cfg(target_arch = "wasm32")]
#[cfg(feature = "router")]
mod components;
#[cfg(target_arch = "wasm32")]
mod context;
mod error;
#[cfg(target_arch = "wasm32")]
mod finish_login;
#[cfg(target_arch = "wasm32")]
pub mod lazy;
#[cfg(target_arch = "wasm32")]
mod lazy_view;
#[cfg(target_arch = "wasm32")]
mod several_callback;
#[cfg(all(target_arch = "wasm32", feature = "token-worker"))]
#[doc(hidden)]
pub mod token_worker;

/// The protocol core this crate is built on, for the types an app matches or
/// configures beyond the few re-exported here (the inner errors of a
/// [`ProtocolError`], say), at the very version this crate uses.
pub use oidc_browser_core;

pub use error::{AuthError, BrowserError, ProtocolError};
pub use oidc_browser_core::authorization::login_options::{LoginOptions, LoginOptionsError};
pub use oidc_browser_core::authorization::return_to::ReturnTo;
pub use oidc_browser_core::authorization::step_up::StepUp;
pub use oidc_browser_core::config::providers::{ProviderConfigs, ProvidersError};
pub use oidc_browser_core::config::{
    AudienceParam, AuthConfig, ConfigError, ProviderKind, RefreshTokenStorage,
};
pub use oidc_browser_core::id_token::claims::IdTokenClaims;
pub use oidc_browser_core::secret::AccessToken;
pub use oidc_browser_core::session::logout::LogoutOptions;
pub use oidc_browser_core::session::silent::SilentSignIn;
pub use oidc_browser_core::session::Session;
pub use oidc_browser_core::token::token_request::TokenRequest;

#[cfg(target_arch = "wasm32")]
pub use browser::http::HttpResponse;
#[cfg(target_arch = "wasm32")]
pub use browser::pending_login::begin_callback;
#[cfg(target_arch = "wasm32")]
#[cfg(feature = "router")]
pub use components::{HandleCallback, RequireAuth};
#[cfg(target_arch = "wasm32")]
pub use context::{
    provide_auth, provide_auths, use_auth, use_callback_auth, use_named_auth, ApiRequest, Auth,
    AuthProviders, AuthState, HttpMethod,
};
#[cfg(target_arch = "wasm32")]
pub use finish_login::FinishLogin;
#[cfg(target_arch = "wasm32")]
pub use lazy_view::LazyView;
