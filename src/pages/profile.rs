//! `/profile`: who is signed in, from the validated ID token claims.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use leptos_pkce_auth::{use_auth, IdTokenClaims, LogoutOptions};
use serde_json::Value;

use crate::components::busy::Busy;
use crate::components::login_buttons::LoginButtons;
use crate::components::user_card::Avatar;

/// The profile page; signed out it offers to sign in and come back here.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let auth = use_auth();
    let loading = auth.is_loading();
    move || {
        match auth.user().get() {
        Some(user) => view! { <Profile user/> }.into_any(),
        None if loading.get() => view! { <Busy message="Signing you in…"/> }.into_any(),
        None => view! {
            <section class="card">
                <h1>"Profile"</h1>
                <p data-testid="signed-out">"You are not signed in."</p>
                {move || auth.error().get().map(|error| view! {
                    <p class="error" role="alert" data-testid="session-error">{error.to_string()}</p>
                })}
                <LoginButtons/>
            </section>
        }
        .into_any(),
    }
    }
}

/// When the access token expires, and a button to renew it now.
#[component]
fn TokenStatus() -> impl IntoView {
    let auth = use_auth();
    let renew = move |_| {
        leptos::task::spawn_local(async move {
            let _ = auth.renew().await;
        })
    };
    // DPoP: the key the tokens are bound to (read once the session is known).
    let bound_to = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if auth.access_token_expires_at().get().is_some() {
            leptos::task::spawn_local(async move {
                bound_to.set(auth.dpop_thumbprint().await);
            });
        }
    });
    view! {
        {move || bound_to.get().map(|jkt| view! {
            <p class="token-status">
                "Tokens bound to this browser's key (DPoP), thumbprint "
                <code data-testid="dpop-jkt">{jkt}</code>
            </p>
        })}
        {move || auth.access_token_expires_at().get().map(|ms| {
            let at = js_sys::Date::new(&(ms as f64).into()).to_iso_string().as_string();
            view! {
                <p class="token-status">
                    "Access token valid until "
                    <time data-testid="token-expiry">{at}</time>
                    {move || auth.can_renew().get().then_some(" (renewed automatically)")}
                </p>
            }
        })}
        <Show when=move || auth.can_renew().get()>
            <button class="button" data-testid="renew" on:click=renew>"Renew tokens now"</button>
        </Show>
        <button
            class="button"
            data-testid="sign-out-here"
            title="Forget the session in this app; stay signed in at the provider"
            on:click=move |_| auth.logout(LogoutOptions { local_only: true, ..LogoutOptions::default() })
        >
            "Sign out of this app only"
        </button>
    }
}

#[component]
fn Profile(user: IdTokenClaims) -> impl IntoView {
    let name = user.display_name().to_owned();
    let verified = match user.email_verified {
        Some(true) => " (verified)",
        Some(false) => " (not verified)",
        None => "",
    };
    let rows = claim_rows(&user);
    view! {
        <section class="card profile" data-testid="profile">
            <div class="profile-head">
                <Avatar picture=user.picture.clone() name=name.clone() large=true/>
                <div>
                    {view! { <h1 data-testid="profile-name">{name}</h1> }.attr("elementtiming", "profile")}
                    {user.email.clone().map(|email| view! {
                        <p class="email"><span data-testid="profile-email">{email}</span>{verified}</p>
                    })}
                </div>
            </div>
            <TokenStatus/>
            <h2>"ID token claims"</h2>
            <table class="claims">
                <thead>
                    <tr><th scope="col">"Claim"</th><th scope="col">"Value"</th></tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(claim, value)| view! {
                            <tr><th scope="row"><code>{claim}</code></th><td>{value}</td></tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Every claim as text, the standard ones first. The spent `nonce` is left out.
fn claim_rows(user: &IdTokenClaims) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = vec![
        ("sub".into(), user.sub.clone()),
        ("iss".into(), user.iss.clone()),
        ("aud".into(), user.aud.join(", ")),
    ];
    let optional = [
        ("name", user.name.clone()),
        ("nickname", user.nickname.clone()),
        ("email", user.email.clone()),
        ("email_verified", user.email_verified.map(|v| v.to_string())),
        ("picture", user.picture.clone()),
        ("azp", user.azp.clone()),
        ("org_id", user.org_id.clone()),
        ("auth_time", user.auth_time.map(|t| t.to_string())),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(k, v)| Some((k.into(), v?))),
    );
    rows.push(("iat".into(), user.iat.to_string()));
    rows.push(("exp".into(), user.exp.to_string()));
    rows.extend(user.other.iter().map(|(k, v)| {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        (k.clone(), text)
    }));
    rows.into_iter()
        .map(|(claim, value)| (claim, shortened(value)))
        .collect()
}

/// Long values (a picture sent as a data URI) cut to a readable length.
fn shortened(value: String) -> String {
    const MAX_CHARS: usize = 96;
    if value.chars().count() <= MAX_CHARS {
        return value;
    }
    let mut short: String = value.chars().take(MAX_CHARS).collect();
    short.push('…');
    short
}
