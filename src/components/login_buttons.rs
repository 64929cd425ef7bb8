//! The sign-in buttons: the provider's own login page, and one button per configured
//! direct connection ("Sign in with GitHub").

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::CustomAttribute;
use leptos_pkce_auth::{use_auth, LoginOptions, ReturnTo};
use leptos_router::hooks::use_location;

use crate::settings::use_settings;

/// "Sign In", plus a button per connection in `config.json` unless
/// `connections=false`. After sign-in the user lands on `return_to`, or back on the
/// current page when it is not given.
#[component]
pub fn LoginButtons(
    #[prop(optional)] return_to: Option<ReturnTo>,
    #[prop(default = true)] connections: bool,
) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let busy = auth.is_loading();
    let login = move |connection: Option<String>| {
        let return_to = return_to.clone().unwrap_or_else(|| {
            let here = location.pathname.get_untracked() + &location.search.get_untracked();
            ReturnTo::parse(&here).unwrap_or_else(|_| ReturnTo::home())
        });
        auth.login(LoginOptions {
            return_to: Some(return_to),
            connection,
            ..LoginOptions::default()
        });
    };
    let connection_buttons = connections.then(|| {
        use_settings()
            .connections
            .into_iter()
            .map(|connection| {
                let login = login.clone();
                let name = connection.name.clone();
                view! {
                    <button
                        class="button connection"
                        data-connection=connection.name
                        disabled=busy
                        on:click=move |_| login(Some(name.clone()))
                    >
                        "Sign in with "
                        {connection.label}
                    </button>
                }
            })
            .collect_view()
    });
    // `elementtiming` lets `cargo xtask bench` read when the first interactive paint
    // happened (Element Timing API).
    let sign_in = view! {
        <button class="button primary" disabled=busy on:click=move |_| login(None)>
            "Sign In"
        </button>
    }
    .attr("elementtiming", "sign-in");
    // The popup opens inside the click (browsers block it otherwise); this page stays.
    let popup_error = RwSignal::new(None::<String>);
    let in_popup = move |_| {
        let login = auth.login_with_popup(LoginOptions::default());
        leptos::task::spawn_local(async move {
            popup_error.set(login.await.err().map(|error| error.to_string()));
        });
    };
    view! {
        <div class="login-buttons">
            {sign_in}
            <button class="button" data-testid="sign-in-popup" disabled=busy on:click=in_popup>
                "Sign in with a pop-up"
            </button>
            {connection_buttons}
        </div>
        {move || popup_error.get().map(|error| view! {
            <p class="error" role="alert" data-testid="popup-error">{error}</p>
        })}
    }
}
