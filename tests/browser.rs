//! Browser tests (wasm-bindgen-test in headless Chromium): the storage glue, and the
//! views rendered from a given auth state. Run by `cargo xtask test`, or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --tests`.
#![cfg(target_arch = "wasm32")]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use leptos::prelude::*;
use leptos_pkce::app::App;
use leptos_pkce::auth::browser::storage::{
    save_transaction, sweep_transactions, take_transaction, TakeError, TRANSACTION_KEY_PREFIX,
};
use leptos_pkce::auth::claims::{validate_id_token, ClaimsCheck};
use leptos_pkce::auth::config::AuthConfig;
use leptos_pkce::auth::context::{Auth, AuthState};
use leptos_pkce::auth::return_to::ReturnTo;
use leptos_pkce::auth::secret::{CodeVerifier, Nonce, State};
use leptos_pkce::auth::session::Session;
use leptos_pkce::auth::token::TokenResponse;
use leptos_pkce::auth::transaction::{Transaction, TransactionError};
use leptos_pkce::components::header::Header;
use leptos_pkce::pages::callback::CallbackPage;
use leptos_pkce::pages::profile::ProfilePage;
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "http://127.0.0.1:4000/";

fn config() -> AuthConfig {
    AuthConfig::from_json(
        r#"{"domain":"http://127.0.0.1:4000","client_id":"spa-dev",
            "connections":[{"name":"github","label":"GitHub"}]}"#,
        "http://127.0.0.1:8080",
    )
    .expect("test config")
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn transaction(state: &str) -> Transaction {
    Transaction {
        state: State::new(state.into()),
        code_verifier: CodeVerifier::new("verifier-verifier-verifier-verifier-verifier".into()),
        nonce: Nonce::new("nonce".into()),
        redirect_uri: "http://127.0.0.1:8080/callback".into(),
        return_to: ReturnTo::parse("/profile").unwrap(),
        created_at: now_ms(),
        max_age: None,
        organization: None,
    }
}

/// A session as the callback would make it, from a token signed by nobody (claims
/// checks only; these tests are about rendering).
fn session() -> Session {
    let now = (now_ms() / 1000) as i64;
    let payload = serde_json::json!({
        "iss": ISSUER, "sub": "auth0|ada", "aud": "spa-dev", "exp": now + 3600, "iat": now,
        "nonce": "n1", "name": "Ada Lovelace", "email": "ada@example.com",
        "email_verified": true, "picture": "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "locale": "en-GB"
    });
    let jwt = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        URL_SAFE_NO_PAD.encode("sig")
    );
    let body = format!(
        r#"{{"access_token":"at","id_token":"{jwt}","token_type":"Bearer","expires_in":3600}}"#
    );
    let tokens = TokenResponse::parse(200, &body).unwrap();
    let nonce = Nonce::new("n1".into());
    let check = ClaimsCheck {
        issuer: ISSUER,
        client_id: "spa-dev",
        nonce: &nonce,
        now_secs: now,
        max_age: None,
        organization: None,
    };
    let claims = validate_id_token(&tokens.id_token, &check).unwrap();
    Session::new(tokens, claims, now_ms())
}

/// Mounts `view` in a fresh container with an auth context in `state`.
fn mount<V: IntoView + 'static>(
    state: AuthState,
    view: impl FnOnce() -> V + 'static,
) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        provide_context(Auth::new(config(), state));
        view()
    });
    handle.forget();
    container
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits up to two seconds for `needle` in the container's text.
async fn text_eventually(container: &web_sys::HtmlElement, needle: &str) -> String {
    for _ in 0..40 {
        let text = container.text_content().unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        sleep(50).await;
    }
    panic!("never saw {needle:?} in {:?}", container.text_content());
}

#[wasm_bindgen_test]
fn transaction_round_trips_and_is_used_once() {
    let tx = transaction("round-trip");
    save_transaction(&tx).unwrap();
    let key = format!("{TRANSACTION_KEY_PREFIX}round-trip");
    assert!(session_storage().get_item(&key).unwrap().is_some());
    assert_eq!(take_transaction(&tx.state, now_ms()), Ok(tx.clone()));
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
    assert_eq!(
        take_transaction(&tx.state, now_ms()),
        Err(TakeError::UnknownState)
    );
}

#[wasm_bindgen_test]
fn two_logins_in_progress_do_not_overwrite_each_other() {
    let first = transaction("tab-one");
    let second = transaction("tab-two");
    save_transaction(&first).unwrap();
    save_transaction(&second).unwrap();
    assert_eq!(take_transaction(&second.state, now_ms()), Ok(second));
    assert_eq!(take_transaction(&first.state, now_ms()), Ok(first));
}

#[wasm_bindgen_test]
fn garbage_in_storage_is_an_error_and_is_removed() {
    let key = format!("{TRANSACTION_KEY_PREFIX}garbage");
    session_storage().set_item(&key, "{not json").unwrap();
    let state = State::new("garbage".into());
    assert_eq!(
        take_transaction(&state, now_ms()),
        Err(TakeError::Transaction(TransactionError::Corrupt))
    );
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
}

#[wasm_bindgen_test]
fn a_transaction_copied_under_another_state_is_refused() {
    let tx = transaction("original");
    let key = format!("{TRANSACTION_KEY_PREFIX}copy");
    session_storage().set_item(&key, &tx.to_json()).unwrap();
    assert_eq!(
        take_transaction(&State::new("copy".into()), now_ms()),
        Err(TakeError::UnknownState)
    );
}

#[wasm_bindgen_test]
fn sweeping_removes_expired_and_unreadable_transactions_only() {
    let storage = session_storage();
    let mut old = transaction("old");
    old.created_at = now_ms() - 11 * 60 * 1000;
    save_transaction(&old).unwrap();
    save_transaction(&transaction("fresh")).unwrap();
    storage
        .set_item(&format!("{TRANSACTION_KEY_PREFIX}junk"), "42")
        .unwrap();
    storage.set_item("someone-else", "kept").unwrap();
    sweep_transactions(now_ms());
    assert_eq!(
        storage
            .get_item(&format!("{TRANSACTION_KEY_PREFIX}old"))
            .unwrap(),
        None
    );
    assert_eq!(
        storage
            .get_item(&format!("{TRANSACTION_KEY_PREFIX}junk"))
            .unwrap(),
        None
    );
    assert!(storage
        .get_item(&format!("{TRANSACTION_KEY_PREFIX}fresh"))
        .unwrap()
        .is_some());
    assert_eq!(
        storage.get_item("someone-else").unwrap().as_deref(),
        Some("kept")
    );
    storage
        .remove_item(&format!("{TRANSACTION_KEY_PREFIX}fresh"))
        .unwrap();
    storage.remove_item("someone-else").unwrap();
}

#[wasm_bindgen_test]
async fn signed_out_header_offers_sign_in() {
    let container = mount(
        AuthState::SignedOut,
        || view! { <Router><Header/></Router> },
    );
    let text = text_eventually(&container, "Sign In").await;
    assert!(!text.contains("Sign Out"), "{text}");
    assert!(
        !text.contains("Sign in with GitHub"),
        "the header keeps to one button: {text}"
    );
}

#[wasm_bindgen_test]
async fn signed_in_header_shows_the_user_and_sign_out() {
    let container = mount(AuthState::SignedIn(Box::new(session())), || {
        view! { <Router><Header/></Router> }
    });
    let text = text_eventually(&container, "Ada Lovelace").await;
    assert!(text.contains("Sign Out"), "{text}");
    assert!(!text.contains("Sign In"), "{text}");
    let img = container
        .query_selector("img.avatar")
        .unwrap()
        .expect("avatar");
    assert!(img
        .get_attribute("src")
        .unwrap()
        .starts_with("data:image/gif"));
}

#[wasm_bindgen_test]
async fn profile_page_shows_the_claims() {
    let container = mount(AuthState::SignedIn(Box::new(session())), || {
        view! { <Router><ProfilePage/></Router> }
    });
    let text = text_eventually(&container, "ada@example.com").await;
    for expected in [
        "Ada Lovelace",
        "(verified)",
        "auth0|ada",
        ISSUER,
        "locale",
        "en-GB",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
    assert!(!text.contains("n1"), "the spent nonce is not shown: {text}");
}

#[wasm_bindgen_test]
async fn profile_page_signed_out_offers_sign_in() {
    let container = mount(
        AuthState::SignedOut,
        || view! { <Router><ProfilePage/></Router> },
    );
    let text = text_eventually(&container, "You are not signed in.").await;
    assert!(text.contains("Sign in with GitHub"), "{text}");
}

#[wasm_bindgen_test]
async fn callback_with_a_forged_state_shows_an_error_and_signs_nobody_in() {
    let history = web_sys::window().unwrap().history().unwrap();
    history
        .push_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("/callback?code=x&state=forged"),
        )
        .unwrap();
    let container = mount(AuthState::SignedOut, || {
        view! { <Router><Header/><CallbackPage/></Router> }
    });
    let text = text_eventually(&container, "Sign-in failed").await;
    assert!(
        text.contains("does not match a sign-in started in this browser"),
        "{text}"
    );
    assert!(text.contains("Try again"), "{text}");
    assert!(text.contains("Sign In"), "nobody is signed in: {text}");
    let location = web_sys::window().unwrap().location();
    assert_eq!(
        location.search().unwrap(),
        "",
        "code and state are scrubbed"
    );
    assert_eq!(location.pathname().unwrap(), "/callback");
}

#[wasm_bindgen_test]
async fn a_missing_config_shows_an_error_page_not_a_blank_one() {
    // The test server has no /config.json.
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), App).forget();
    let text = text_eventually(&container, "The app is not configured").await;
    assert!(
        text.contains("/config.json could not be loaded (HTTP 404)"),
        "{text}"
    );
}
