//! The baseline's page on leptos-pkce-auth: what bench/baseline renders with
//! auth0-react (a header, the home hero, a profile card with the ID token claims, the
//! same markup and stylesheet), with nothing more, so the two first loads compare like
//! with like. The library keeps every capability the baseline's bundle carries (popup
//! login, DPoP, step-up): nothing is switched off.

#[cfg(target_arch = "wasm32")]
fn main() {
    leptos_pkce_auth::begin_callback();
    leptos::mount::mount_to_body(page::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the equal page runs in the browser: `cargo xtask bench` builds and serves it.");
}

#[cfg(target_arch = "wasm32")]
mod page {
    use leptos::prelude::*;
    use leptos::tachys::html::attribute::custom::CustomAttribute;
    use leptos_pkce_auth::{
        provide_auth, use_auth, AuthConfig, FinishLogin, IdTokenClaims, LoginOptions,
        LogoutOptions, ReturnTo,
    };
    use serde_json::Value;

    /// The baseline's provider, client and scope.
    const PROVIDER: &str = "http://127.0.0.1:4000";
    const CLIENT_ID: &str = "spa-dev";
    const SCOPE: &str = "openid profile email offline_access";

    fn config() -> Result<AuthConfig, String> {
        let origin = window().location().origin().map_err(|_| "no origin")?;
        let json = serde_json::json!({
            "domain": PROVIDER,
            "client_id": CLIENT_ID,
            "scope": SCOPE,
            "redirect_uri": format!("{origin}/callback"),
        });
        AuthConfig::from_json(&json.to_string(), &origin).map_err(|e| e.to_string())
    }

    fn sign_in() {
        use_auth().login(LoginOptions {
            return_to: ReturnTo::parse("/profile").ok(),
            ..LoginOptions::default()
        });
    }

    #[component]
    pub fn App() -> impl IntoView {
        let config = match config() {
            Ok(config) => config,
            Err(error) => return view! { <p class="error" role="alert">{error}</p> }.into_any(),
        };
        provide_auth(config);
        // One page at every address and plain links, as the baseline (which has no
        // router either): the library finishes the login without one.
        view! {
            <Header/>
            <main id="main">
                <FinishLogin>
                    <Page/>
                </FinishLogin>
            </main>
        }
        .into_any()
    }

    #[component]
    fn Header() -> impl IntoView {
        let auth = use_auth();
        view! {
            <header class="site-header">
                <a class="skip-link" href="#main">"Skip to content"</a>
                <a href="/" class="brand">"leptos-pkce"</a>
                <nav aria-label="Main">
                    <a href="/">"Home"</a>
                    <a href="/profile">"Profile"</a>
                    <a href="/userinfo">"User info"</a>
                    <a href="/api">"API"</a>
                </nav>
                <div class="session" aria-live="polite">
                    {move || match auth.user().get() {
                        Some(user) => view! {
                            <span class="user">
                                <Avatar user=user.clone() large=false/>
                                <span class="user-name">{user.display_name().to_owned()}</span>
                            </span>
                            <button type="button" class="button" on:click=move |_| auth.logout(LogoutOptions::default())>
                                "Sign Out"
                            </button>
                        }
                        .into_any(),
                        None => view! {
                            <div class="login-buttons">
                                <button type="button" class="button primary" on:click=|_| sign_in()>"Sign In"</button>
                            </div>
                        }
                        .into_any(),
                    }}
                </div>
            </header>
        }
    }

    /// The baseline's one page: loading, the error, the profile or the home hero.
    #[component]
    fn Page() -> impl IntoView {
        let auth = use_auth();
        move || match auth.user().get() {
            Some(user) => view! { <Profile user/> }.into_any(),
            None if auth.is_loading().get() => {
                view! { <p class="page-status" role="status">"Loading…"</p> }.into_any()
            }
            None => match auth.error().get() {
                Some(error) => {
                    view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
                }
                None => view! { <Home/> }.into_any(),
            },
        }
    }

    #[component]
    fn Home() -> impl IntoView {
        view! {
            <section class="hero">
                <h1>"Sign in with PKCE, in Rust"</h1>
                <p class="lead">"A Leptos app that signs you in with the OAuth 2.0 Authorization Code Flow with PKCE, and checks the ID token before trusting it."</p>
                <div class="login-buttons">
                    {view! {
                        <button type="button" class="button primary sign-in" on:click=|_| sign_in()>"Sign In"</button>
                    }
                    .attr("elementtiming", "sign-in")}
                </div>
            </section>
        }
    }

    #[component]
    fn Avatar(user: IdTokenClaims, large: bool) -> impl IntoView {
        let class = if large { "avatar large" } else { "avatar" };
        view! { <img class=class src=user.picture.unwrap_or_default() alt="" referrerpolicy="no-referrer"/> }
    }

    #[component]
    fn Profile(user: IdTokenClaims) -> impl IntoView {
        let verified = match user.email_verified {
            Some(true) => " (verified)",
            Some(false) => " (not verified)",
            None => "",
        };
        let rows = claim_rows(&user);
        view! {
            <section class="card profile" data-testid="profile">
                <div class="profile-head">
                    <Avatar user=user.clone() large=true/>
                    <div>
                        {view! { <h1 data-testid="profile-name">{user.display_name().to_owned()}</h1> }
                            .attr("elementtiming", "profile")}
                        <p class="email"><span data-testid="profile-email">{user.email.clone()}</span>{verified}</p>
                    </div>
                </div>
                <h2>"ID token claims"</h2>
                <table class="claims">
                    <thead><tr><th scope="col">"Claim"</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(claim, value)| view! {
                            <tr><th scope="row"><code>{claim}</code></th><td>{value}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }
    }

    /// The standard claims in the baseline's order, then the others sorted by name
    /// (the spent `nonce` left out), each cut to 96 characters.
    fn claim_rows(user: &IdTokenClaims) -> Vec<(String, String)> {
        let standard = [
            ("sub", Some(user.sub.clone())),
            ("iss", Some(user.iss.clone())),
            ("aud", Some(user.aud.join(", "))),
            ("name", user.name.clone()),
            ("nickname", user.nickname.clone()),
            ("email", user.email.clone()),
            ("email_verified", user.email_verified.map(|v| v.to_string())),
            ("picture", user.picture.clone()),
            ("azp", user.azp.clone()),
            ("org_id", user.org_id.clone()),
            ("auth_time", user.auth_time.map(|t| t.to_string())),
            ("iat", Some(user.iat.to_string())),
            ("exp", Some(user.exp.to_string())),
        ];
        let mut rest: Vec<(String, String)> = user
            .other
            .iter()
            .filter(|(k, _)| k.as_str() != "nonce")
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect();
        rest.sort();
        standard
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_owned(), v?)))
            .chain(rest)
            .map(|(k, v)| (k, shortened(v)))
            .collect()
    }

    fn shortened(value: String) -> String {
        if value.chars().count() <= 96 {
            return value;
        }
        let mut short: String = value.chars().take(95).collect();
        short.push('…');
        short
    }
}
