//! One more API, called with a token for its own audience: its answer, a way to add a
//! note (a `POST` with a JSON body) where the API takes notes, and, when the API asks
//! for a stronger sign-in, a button that answers with a step-up login which comes back
//! to this page with the app state saying which API it was for.

use leptos::prelude::*;
use leptos_pkce_auth::{
    use_auth, ApiRequest, AuthError, HttpMethod, LoginOptions, ProtocolError, ReturnTo, StepUp,
    TokenRequest,
};

use crate::components::fetched::Fetched;
use crate::components::http_result::HttpResult;
use crate::config::ExtraApi;

/// A card for `api`.
#[component]
pub fn ApiCard(api: ExtraApi) -> impl IntoView {
    let auth = use_auth();
    let token = TokenRequest::for_audience(api.audience.clone());
    let answer = Fetched::new({
        let (url, token) = (api.url.clone(), token.clone());
        move || {
            let request = ApiRequest::get(url.clone()).with_token(token.clone());
            async move { auth.call_api(request).await }
        }
    });
    let id = api.name.to_lowercase();
    let name = api.name.clone();
    let back_from_step_up = move || {
        auth.app_state()
            .get()
            .and_then(|state| {
                state
                    .get("confirmed")
                    .and_then(|v| v.as_str().map(str::to_owned))
            })
            .is_some_and(|confirmed| confirmed == name)
    };
    let takes_notes = api.name == "Notes";
    let (url, audience) = (api.url.clone(), api.audience.clone());
    view! {
        <section class="card" data-testid=format!("api-{id}")>
            <h2>{api.name.clone()}</h2>
            <p>"GET " <code>{api.url.clone()}</code> " with a token for " <code>{audience}</code></p>
            {move || back_from_step_up().then(|| view! {
                <p class="notice" role="status" data-testid="step-up-done">
                    "You confirmed it's you; here is the answer you asked for."
                </p>
            })}
            {move || match answer.get() {
                None => view! { <div class="spinner" role="status" aria-label="Loading"></div> }.into_any(),
                Some(Err(AuthError::Protocol(ProtocolError::StepUpRequired(step_up)))) => {
                    view! { <StepUpPrompt step_up name=api.name.clone() on_done=move || answer.reload()/> }.into_any()
                }
                Some(result) => view! { <HttpResult result/> }.into_any(),
            }}
            <button class="button" on:click=move |_| answer.reload()>"Call again"</button>
            {takes_notes.then(|| view! { <AddNote url=url.clone() token=token.clone() on_added=move || answer.reload()/> })}
        </section>
    }
}

/// Why the API wants more, and the button that signs in again to give it.
#[component]
fn StepUpPrompt(
    step_up: StepUp,
    name: String,
    on_done: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let message = ProtocolError::StepUpRequired(step_up.clone()).to_string();
    // In a popup: this page, and anything typed on it, stays as it is.
    let popup_error = RwSignal::new(None::<String>);
    let in_popup = {
        let step_up = step_up.clone();
        move |_| {
            let login = auth.login_with_popup(step_up.login_options(LoginOptions::default()));
            leptos::task::spawn_local(async move {
                match login.await {
                    Ok(()) => on_done(),
                    Err(error) => popup_error.set(Some(error.to_string())),
                }
            });
        }
    };
    let confirm = move |_| {
        let options = step_up.login_options(LoginOptions {
            return_to: ReturnTo::parse("/api").ok(),
            app_state: Some(serde_json::json!({ "confirmed": name.clone() })),
            ..LoginOptions::default()
        });
        auth.login(options);
    };
    view! {
        <p class="error" role="alert" data-testid="step-up-needed">
            {message}
        </p>
        <button class="button primary" data-testid="step-up" on:click=confirm>"Confirm it's you"</button>
        <button class="button" data-testid="step-up-popup" on:click=in_popup>"Confirm in a pop-up"</button>
        {move || popup_error.get().map(|error| view! {
            <p class="error" role="alert" data-testid="popup-error">{error}</p>
        })}
    }
}

/// A one-line form that `POST`s `{"text": …}` as JSON.
#[component]
fn AddNote(
    url: String,
    token: TokenRequest,
    on_added: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let auth = use_auth();
    let text = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, AuthError>>);
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (url, token) = (url.clone(), token.clone());
        let note = serde_json::json!({ "text": text.get_untracked() });
        leptos::task::spawn_local(async move {
            let result = match ApiRequest::json(HttpMethod::Post, url, &note) {
                Ok(request) => auth
                    .call_json::<serde_json::Value>(request.with_token(token))
                    .await
                    .map(|answer| format!("Added; you have {} notes.", answer["count"])),
                Err(error) => Err(error),
            };
            if result.is_ok() {
                text.set(String::new());
                on_added();
            }
            outcome.set(Some(result));
        });
    };
    view! {
        <form class="add-note" on:submit=add>
            <label for="note">"New note"</label>
            <input id="note" data-testid="note-text" prop:value=text on:input=move |e| text.set(event_target_value(&e))/>
            <button class="button" type="submit" data-testid="add-note">"Add (POST)"</button>
        </form>
        {move || outcome.get().map(|result| match result {
            Ok(message) => view! { <p role="status" data-testid="note-added">{message}</p> }.into_any(),
            Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
        })}
    }
}
