//! The site header: navigation, and Sign In or the signed-in user with Sign Out.

use leptos::prelude::*;
use leptos_pkce_auth::{use_auth, AuthProviders, LogoutOptions};
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::login_buttons::LoginButtons;
use super::user_card::Avatar;

/// The header shown on every page.
#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    // Only an app with several providers has their page.
    let several = use_context::<AuthProviders>().is_some_and(|p| p.all().count() > 1);
    let navigate = use_navigate();
    let sign_out = move |_| {
        auth.logout(LogoutOptions::default());
        navigate("/", Default::default());
    };
    view! {
        <header class="site-header">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <A href="/" attr:class="brand">"leptos-pkce"</A>
            <nav aria-label="Main">
                <A href="/" exact=true>"Home"</A>
                <A href="/profile">"Profile"</A>
                <A href="/userinfo">"User info"</A>
                <A href="/api">"API"</A>
                {several.then(|| view! { <A href="/providers">"Providers"</A> })}
            </nav>
            <div class="session" aria-live="polite">
                {move || match auth.user().get() {
                    Some(user) => {
                        let name = user.display_name().to_owned();
                        view! {
                            <span class="user" data-testid="header-user">
                                <Avatar picture=user.picture.clone() name=name.clone()/>
                                <span class="user-name">{name}</span>
                            </span>
                            <button class="button" on:click=sign_out.clone()>"Sign Out"</button>
                        }
                        .into_any()
                    }
                    None => view! { <LoginButtons connections=false/> }.into_any(),
                }}
            </div>
        </header>
    }
}
