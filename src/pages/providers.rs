//! `/providers`: every provider of the app side by side (`config.json`'s
//! `providers`), each signed in, renewed and signed out on its own; and
//! `/providers/:name`, a page only that provider's user sees.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use leptos_pkce_auth::{Auth, AuthProviders, LoginOptions, LogoutOptions, RequireAuth, ReturnTo};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::pages::not_found::NotFoundPage;

/// One card per provider, the default one first.
#[component]
pub fn ProvidersPage() -> impl IntoView {
    let providers = use_context::<AuthProviders>();
    let cards = providers.map(|providers| {
        providers
            .all()
            .map(|(name, auth)| {
                let name = name.unwrap_or("default").to_owned();
                view! { <ProviderCard name auth/> }
            })
            .collect_view()
    });
    view! {
        <section class="card">
            <h1>"Providers"</h1>
            <p>"Each provider keeps its own session: signing out of one leaves the others."</p>
        </section>
        {cards}
    }
}

/// A provider's session: who is signed in, when the token expires, and its actions.
#[component]
fn ProviderCard(name: String, auth: Auth) -> impl IntoView {
    let sign_in = move |_| {
        auth.login(LoginOptions {
            return_to: ReturnTo::parse("/providers").ok(),
            ..LoginOptions::default()
        });
    };
    let renew = move |_| {
        leptos::task::spawn_local(async move {
            let _ = auth.renew().await;
        });
    };
    let sign_out = move |_| auth.logout(LogoutOptions::default());
    let sign_out_here = move |_| {
        auth.logout(LogoutOptions {
            local_only: true,
            ..LogoutOptions::default()
        })
    };
    let expiry = move || {
        auth.access_token_expires_at().get().map(|ms| {
            js_sys::Date::new(&(ms as f64).into())
                .to_iso_string()
                .as_string()
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card" data-testid="provider" data-provider=name.clone()>
            <h2>{name.clone()}</h2>
            {move || match auth.user().get() {
                Some(user) => view! {
                    <p>
                        "Signed in as "
                        <strong data-testid="provider-user">{user.display_name().to_owned()}</strong>
                        " from "
                        <code data-testid="provider-issuer">{user.iss.clone()}</code>
                        " (token valid until "
                        <time data-testid="provider-expiry">{expiry}</time>
                        ")"
                    </p>
                    <button class="button" data-testid="provider-renew" on:click=renew>"Renew"</button>
                    <button class="button" data-testid="provider-sign-out" on:click=sign_out>"Sign Out"</button>
                    <button class="button" data-testid="provider-sign-out-here" on:click=sign_out_here>
                        "Sign out of this app only"
                    </button>
                }
                .into_any(),
                None if auth.is_loading().get() => {
                    view! { <p data-testid="provider-loading">"Signing you in…"</p> }.into_any()
                }
                None => view! {
                    <p data-testid="provider-signed-out">"Signed out."</p>
                    {move || auth.error().get().map(|error| view! {
                        <p class="error" role="alert" data-testid="provider-error">{error.to_string()}</p>
                    })}
                    <button class="button primary" data-testid="provider-sign-in" on:click=sign_in>
                        "Sign In"
                    </button>
                }
                .into_any(),
            }}
            <A href=format!("/providers/{name}")>"This provider's own page"</A>
        </section>
    }
}

/// A page for the named provider's users only: the route guard names the provider.
#[component]
pub fn ProviderOnlyPage() -> impl IntoView {
    let params = use_params_map();
    let providers = use_context::<AuthProviders>();
    move || {
        let name = params.with(|p| p.get("name")).unwrap_or_default();
        let known = providers
            .as_ref()
            .is_some_and(|p| name != "default" && p.get(Some(&name)).is_some());
        if !known {
            return view! { <NotFoundPage/> }.into_any();
        }
        let auth = providers.as_ref().and_then(|p| p.get(Some(&name)));
        let heading = format!("Only for {name}'s users");
        view! {
            <RequireAuth provider=name.clone()>
                <section class="card" data-testid="provider-only">
                    <h1>{heading.clone()}</h1>
                    <p>
                        "Signed in as "
                        <strong data-testid="provider-only-user">
                            {auth.and_then(|a| a.user().get()).map(|u| u.display_name().to_owned())}
                        </strong>
                    </p>
                </section>
            </RequireAuth>
        }
        .into_any()
    }
}
