//! Browser tests of the app (wasm-bindgen-test in headless Chromium): the views
//! rendered from a given auth state, the callback failure, the configuration error
//! page, and small UI pieces. The library's glue has its own browser tests. Run by
//! `cargo xtask test`, or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --tests -p leptos-pkce`.
#![cfg(target_arch = "wasm32")]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use leptos::prelude::*;
use leptos_pkce::app::{App, Shell};
use leptos_pkce::components::header::Header;
use leptos_pkce::config::AppConfig;
use leptos_pkce::pages::profile::ProfilePage;
use leptos_pkce_auth::oidc_browser_core::id_token::claims::{validate_id_token, ClaimsCheck};
use leptos_pkce_auth::oidc_browser_core::id_token::jwt::DecodedJwt;
use leptos_pkce_auth::oidc_browser_core::secret::Nonce;
use leptos_pkce_auth::oidc_browser_core::token::TokenResponse;
use leptos_pkce_auth::{Auth, AuthState, Session};
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "http://127.0.0.1:4000/";
const CONFIG: &str = r#"{"domain":"http://127.0.0.1:4000","client_id":"spa-dev",
    "connections":[{"name":"github","label":"GitHub"}]}"#;
const ORIGIN: &str = "http://127.0.0.1:8080";

fn config() -> AppConfig {
    AppConfig::from_json(CONFIG, ORIGIN).expect("test config")
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
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
        nonce: Some(&nonce),
        now_secs: now,
        max_age: None,
        organization: None,
        acr_values: None,
        leeway_secs: 60,
        access_token: None,
    };
    let id_token = tokens.require_id_token().unwrap().clone();
    let jwt = DecodedJwt::decode(id_token.secret())
        .unwrap()
        .insecure_assume_signature_verified();
    let claims = validate_id_token(jwt, &check).unwrap();
    Session::new(tokens, id_token, claims, now_ms())
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
        let config = config();
        provide_context(Auth::new(config.auth.default_config().clone(), state));
        provide_context(config.settings);
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
    // The whole shell, as the app runs it: the library finishes logins at the
    // configured callback path, and this one matches no login of this tab.
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.clone(), || view! { <Shell config=config()/> }).forget();
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

// ---- Small UI pieces ----

#[wasm_bindgen_test]
async fn fetched_shows_the_answer_and_drops_a_stale_one() {
    use leptos_pkce::components::fetched::Fetched;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    // Each load waits for a promise the test settles, so the order of the answers
    // is the test's choice, not a race of timers.
    let answers: Rc<RefCell<Vec<(js_sys::Promise, js_sys::Function)>>> = Rc::default();
    let handle: Rc<Cell<Option<Fetched<u32>>>> = Rc::new(Cell::new(None));
    let container = {
        let (answers, handle) = (answers.clone(), handle.clone());
        mount(AuthState::SignedOut, move || {
            let fetched = Fetched::new(move || {
                let mut settle = None;
                let promise = js_sys::Promise::new(&mut |resolve, _| settle = Some(resolve));
                answers
                    .borrow_mut()
                    .push((promise.clone(), settle.expect("set by the constructor")));
                let n = answers.borrow().len() as u32;
                async move {
                    let _ = JsFuture::from(promise).await;
                    n
                }
            });
            handle.set(Some(fetched));
            view! { <p>{move || fetched.get().map_or("loading".to_owned(), |n| format!("answer {n}"))}</p> }
        })
    };
    let settle = |n: usize| {
        let (promise, resolve) = answers.borrow()[n - 1].clone();
        resolve.call0(&wasm_bindgen::JsValue::NULL).unwrap();
        promise
    };
    assert_eq!(container.text_content().unwrap(), "loading");
    let _ = settle(1);
    text_eventually(&container, "answer 1").await;
    let fetched = handle.get().unwrap();
    fetched.reload();
    fetched.reload();
    assert_eq!(answers.borrow().len(), 3, "two more loads started");
    // The third answer arrives first, then the second (stale) one.
    let _ = settle(3);
    text_eventually(&container, "answer 3").await;
    let stale = settle(2);
    // The loader's own wait on the second answer was registered first, so it has
    // run once this one returns; two animation frames later any update is painted.
    JsFuture::from(stale).await.unwrap();
    next_frame().await;
    next_frame().await;
    assert_eq!(
        container.text_content().unwrap(),
        "answer 3",
        "the stale second answer is dropped"
    );
}

/// Resolves at the next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .request_animation_frame(&resolve)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn avatar_shows_the_picture_or_the_upper_cased_initial() {
    use leptos_pkce::components::user_card::Avatar;

    let container = mount(AuthState::SignedOut, || {
        view! {
            <Avatar picture=None name="ada".to_owned()/>
            <Avatar picture=Some(String::new()) name="émile".to_owned()/>
            <Avatar picture=Some("data:image/gif;base64,R0lGODlhAQABAAAAACw=".to_owned()) name="x".to_owned() large=true/>
        }
    });
    let initials = container.query_selector_all(".avatar-initial").unwrap();
    assert_eq!(initials.length(), 2);
    assert_eq!(initials.get(0).unwrap().text_content().unwrap(), "A");
    assert_eq!(
        initials.get(1).unwrap().text_content().unwrap(),
        "é",
        "non-ASCII letters are shown as written"
    );
    let img = container
        .query_selector("img.avatar.large")
        .unwrap()
        .unwrap();
    assert_eq!(
        img.get_attribute("referrerpolicy").as_deref(),
        Some("no-referrer")
    );
}

#[wasm_bindgen_test]
async fn a_picture_that_cannot_be_shown_falls_back_to_the_initial() {
    use leptos_pkce::components::user_card::Avatar;

    // A host the page cannot load from (as when the CSP's img-src leaves it out).
    let container = mount(AuthState::SignedOut, || {
        view! { <Avatar picture=Some("http://127.0.0.1:9/ada.png".to_owned()) name="ada".to_owned()/> }
    });
    assert!(
        container.query_selector("img").unwrap().is_some(),
        "the picture is tried first"
    );
    text_eventually(&container, "A").await;
    assert!(container.query_selector("img").unwrap().is_none());
}

/// Signed out of this app only (the provider's session may be open): a guarded page
/// shows "signed out" instead of starting a login that would sign the user straight
/// back in.
#[wasm_bindgen_test]
async fn a_guarded_page_does_not_sign_a_locally_signed_out_user_back_in() {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let auth_slot = std::rc::Rc::new(std::cell::Cell::new(None));
    let slot = auth_slot.clone();
    leptos::mount::mount_to(container.clone(), move || {
        let config = config();
        let auth = Auth::new(config.auth.default_config().clone(), AuthState::SignedOutLocally);
        slot.set(Some(auth));
        provide_context(auth);
        provide_context(config.settings);
        view! {
            <Router>
                <leptos_pkce_auth::RequireAuth>"Only for signed-in users"</leptos_pkce_auth::RequireAuth>
            </Router>
        }
    })
    .forget();
    text_eventually(&container, "You are signed out.").await;
    // The guard's effect runs after the first render: yield to the event loop (the
    // effects' microtasks run first) before reading what it did.
    sleep(50).await;
    let text = container.text_content().unwrap_or_default();
    assert!(text.contains("You are signed out."), "{text}");
    assert!(!text.contains("Only for signed-in users"), "{text}");
    let auth = auth_slot.get().expect("the auth context");
    assert_eq!(
        auth.state().get_untracked(),
        AuthState::SignedOutLocally,
        "no login was started"
    );
}
