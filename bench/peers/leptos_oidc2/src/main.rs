//! The smallest Leptos 0.8 app that signs in with leptos_oidc2 0.11: a Sign In link,
//! the callback (handled by the crate on the page it returns to), and a profile page
//! with the user's name from the ID token. Built by `cargo xtask bench` with the
//! app's release profile and tools, for its size only.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use leptos_oidc2::{
        Algorithm, Auth, AuthParameters, AuthSignal, Authenticated, Challenge, LoginLink,
    };
    use leptos_router::components::{Route, Router, Routes};
    use leptos_router::path;

    const ISSUER: &str = "http://127.0.0.1:4000";
    const CLIENT_ID: &str = "leptos-pkce-dev";

    #[derive(serde::Deserialize)]
    struct Claims {
        name: Option<String>,
        sub: String,
    }

    #[component]
    fn Home() -> impl IntoView {
        view! {
            <h1>"Home"</h1>
            <Authenticated unauthenticated=|| view! { <LoginLink>"Sign in"</LoginLink> }>
                <a href="/profile">"Profile"</a>
            </Authenticated>
        }
    }

    #[component]
    fn Profile() -> impl IntoView {
        let auth = expect_context::<AuthSignal>();
        let name = move || {
            auth.get().authenticated().and_then(|data| {
                data.decoded_id_token::<Claims>(Algorithm::RS256, &[CLIENT_ID])
                    .map(|token| token.claims.name.unwrap_or(token.claims.sub))
            })
        };
        view! {
            <Authenticated unauthenticated=|| view! { <LoginLink>"Sign in"</LoginLink> }>
                <h1>{name}</h1>
            </Authenticated>
        }
    }

    #[component]
    fn Signed() -> impl IntoView {
        let origin = window().location().origin().unwrap_or_default();
        let _ = Auth::init(AuthParameters {
            issuer: ISSUER.into(),
            client_id: CLIENT_ID.into(),
            redirect_uri: format!("{origin}/profile"),
            post_logout_redirect_uri: format!("{origin}/"),
            challenge: Challenge::S256,
            scope: Some("openid profile email offline_access".into()),
            audience: None,
        });
        view! {
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=Home/>
                <Route path=path!("/profile") view=Profile/>
            </Routes>
        }
    }

    leptos::mount::mount_to_body(|| {
        provide_context(Auth::signal());
        view! { <Router><Signed/></Router> }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
