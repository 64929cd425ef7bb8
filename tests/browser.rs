//! Browser tests (wasm-bindgen-test in headless Chromium): the storage glue, and the
//! views rendered from a given auth state. Run by `cargo xtask test`, or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --tests`.
#![cfg(target_arch = "wasm32")]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use leptos::prelude::*;
use leptos_pkce::app::App;
use leptos_pkce::auth::browser::crypto::verify_signature;
use leptos_pkce::auth::browser::pending_login;
use leptos_pkce::auth::browser::storage::{
    save_transaction, sweep_transactions, take_transaction, TakeError, TRANSACTION_KEY_PREFIX,
};
use leptos_pkce::auth::claims::IdTokenError;
use leptos_pkce::auth::claims::{validate_id_token, ClaimsCheck};
use leptos_pkce::auth::config::AuthConfig;
use leptos_pkce::auth::context::{Auth, AuthState};
use leptos_pkce::auth::jwks::Jwks;
use leptos_pkce::auth::jwt::DecodedJwt;
use leptos_pkce::auth::return_to::ReturnTo;
use leptos_pkce::auth::secret::{CodeVerifier, Nonce, State};
use leptos_pkce::auth::session::Session;
use leptos_pkce::auth::token::TokenResponse;
use leptos_pkce::auth::transaction::{CallbackEndpoints, Transaction, TransactionError};
use leptos_pkce::components::header::Header;
use leptos_pkce::pages::callback::{CallbackPage, FinishLoginFirst};
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
        client_id: "spa-dev".into(),
        issuer: ISSUER.into(),
        redirect_uri: "http://127.0.0.1:8080/callback".into(),
        return_to: ReturnTo::parse("/profile").unwrap(),
        created_at: now_ms(),
        max_age: None,
        organization: None,
        provider: CallbackEndpoints {
            token_endpoint: "http://127.0.0.1:4000/oauth/token".into(),
            jwks_uri: "http://127.0.0.1:4000/.well-known/jwks.json".into(),
            iss_parameter_supported: true,
        },
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
        nonce: Some(&nonce),
        now_secs: now,
        max_age: None,
        organization: None,
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
    pending_login::start_if_at_callback();
    let container = mount(AuthState::SignedOut, || {
        view! { <Router><Header/><FinishLoginFirst><CallbackPage/></FinishLoginFirst></Router> }
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

// ---- WebCrypto signature verification, with keys generated here ----

/// A key pair made by WebCrypto: the private key to sign, the public one as a JWK Set.
struct TestKey {
    private: web_sys::CryptoKey,
    jwks: Jwks,
    alg: &'static str,
}

fn js_object(json: &str) -> js_sys::Object {
    js_sys::JSON::parse(json).unwrap().unchecked_into()
}

fn subtle() -> web_sys::SubtleCrypto {
    web_sys::window().unwrap().crypto().unwrap().subtle()
}

async fn generate_key(alg: &'static str, kid: &str) -> TestKey {
    let params = match alg {
        "RS256" => {
            let params =
                js_object(r#"{"name":"RSASSA-PKCS1-v1_5","modulusLength":2048,"hash":"SHA-256"}"#);
            let exponent = js_sys::Uint8Array::from(&[1u8, 0, 1][..]);
            js_sys::Reflect::set(&params, &"publicExponent".into(), &exponent).unwrap();
            params
        }
        _ => js_object(r#"{"name":"ECDSA","namedCurve":"P-256"}"#),
    };
    let usages = js_sys::Array::of2(&"sign".into(), &"verify".into());
    let pair = JsFuture::from(
        subtle()
            .generate_key_with_object(&params, true, &usages)
            .unwrap(),
    )
    .await
    .unwrap();
    let private = js_sys::Reflect::get(&pair, &"privateKey".into())
        .unwrap()
        .unchecked_into();
    let public: web_sys::CryptoKey = js_sys::Reflect::get(&pair, &"publicKey".into())
        .unwrap()
        .unchecked_into();
    let jwk = JsFuture::from(subtle().export_key("jwk", &public).unwrap())
        .await
        .unwrap();
    js_sys::Reflect::set(&jwk, &"kid".into(), &kid.into()).unwrap();
    let json = js_sys::JSON::stringify(&jwk).unwrap().as_string().unwrap();
    let jwks = Jwks::parse(&format!(r#"{{"keys":[{json}]}}"#)).unwrap();
    assert_eq!(jwks.keys.len(), 1, "the generated key is usable: {json}");
    TestKey { private, jwks, alg }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

async fn sign(key: &TestKey, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let params = match key.alg {
        "RS256" => js_object(r#"{"name":"RSASSA-PKCS1-v1_5"}"#),
        _ => js_object(r#"{"name":"ECDSA","hash":"SHA-256"}"#),
    };
    let signature = JsFuture::from(
        subtle()
            .sign_with_object_and_u8_array(&params, &key.private, input.as_bytes())
            .unwrap(),
    )
    .await
    .unwrap();
    let signature = js_sys::Uint8Array::new(&signature).to_vec();
    format!("{input}.{}", b64(&signature))
}

const PAYLOAD: &str = r#"{"iss":"http://127.0.0.1:4000/","sub":"auth0|ada","aud":"spa-dev"}"#;

async fn verify(token: &str, keys: &Jwks) -> Result<(), IdTokenError> {
    let jwt = DecodedJwt::decode(token)?;
    let key = keys.find(&jwt.header).ok_or(IdTokenError::UnknownKey)?;
    verify_signature(jwt, key).await.map(|_| ())
}

async fn check_algorithm(alg: &'static str) {
    let key = generate_key(alg, "k1").await;
    let header = format!(r#"{{"alg":"{alg}","kid":"k1"}}"#);
    let good = sign(&key, &header, PAYLOAD).await;
    assert_eq!(
        verify(&good, &key.jwks).await,
        Ok(()),
        "{alg}: a good token verifies"
    );

    let (head, rest) = good.split_once('.').unwrap();
    let signature = rest.split_once('.').unwrap().1;
    let tampered = format!(
        "{head}.{}.{signature}",
        b64(PAYLOAD.replace("ada", "eve").as_bytes())
    );
    assert_eq!(
        verify(&tampered, &key.jwks).await,
        Err(IdTokenError::BadSignature),
        "{alg}: tampered"
    );

    let other = generate_key(alg, "k1").await;
    assert_eq!(
        verify(&good, &other.jwks).await,
        Err(IdTokenError::BadSignature),
        "{alg}: wrong key"
    );

    let unknown_kid = sign(&key, &format!(r#"{{"alg":"{alg}","kid":"k2"}}"#), PAYLOAD).await;
    assert_eq!(
        verify(&unknown_kid, &key.jwks).await,
        Err(IdTokenError::UnknownKey),
        "{alg}: kid"
    );
}

#[wasm_bindgen_test]
async fn rs256_signatures_are_verified_with_webcrypto() {
    check_algorithm("RS256").await;
}

#[wasm_bindgen_test]
async fn es256_signatures_are_verified_with_webcrypto() {
    check_algorithm("ES256").await;
}

#[wasm_bindgen_test]
async fn alg_none_and_hmac_are_rejected_before_any_key_is_used() {
    let key = generate_key("RS256", "k1").await;
    let none = format!("{}.{}.", b64(br#"{"alg":"none"}"#), b64(PAYLOAD.as_bytes()));
    assert!(matches!(
        verify(&none, &key.jwks).await,
        Err(IdTokenError::UnsupportedAlg(_))
    ));
    // The classic key-confusion attack: HMAC keyed with the RSA public key.
    let hs256 = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"HS256","kid":"k1"}"#),
        b64(PAYLOAD.as_bytes()),
        b64(b"mac-with-the-public-key")
    );
    assert!(matches!(
        verify(&hs256, &key.jwks).await,
        Err(IdTokenError::UnsupportedAlg(_))
    ));
    // A token claiming ES256 against an RSA key set finds no key.
    let es_header = sign(&key, r#"{"alg":"ES256","kid":"k1"}"#, PAYLOAD).await;
    assert_eq!(
        verify(&es_header, &key.jwks).await,
        Err(IdTokenError::UnknownKey)
    );
}

// ---- Storage that refuses ----

fn run_js(code: &str) {
    js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_full_storage_stops_the_login_with_a_clear_error() {
    use leptos_pkce::auth::authorize::LoginOptions;
    use leptos_pkce::auth::browser::error::BrowserError;
    use leptos_pkce::auth::browser::flow::{start_login, LoginError};
    run_js(
        "window.__setItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function () {
           throw new DOMException('full', 'QuotaExceededError');
         };",
    );
    let outcome = start_login(&config(), LoginOptions::default()).await;
    run_js("Storage.prototype.setItem = window.__setItem;");
    assert_eq!(
        outcome,
        Err(LoginError::Browser(BrowserError::StorageWrite))
    );
    assert!(outcome.unwrap_err().to_string().contains("storage full"));
}

#[wasm_bindgen_test]
async fn unavailable_storage_stops_the_login_with_a_clear_error() {
    use leptos_pkce::auth::authorize::LoginOptions;
    use leptos_pkce::auth::browser::error::BrowserError;
    use leptos_pkce::auth::browser::flow::{start_login, LoginError};
    run_js(
        "window.__storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage')
           || Object.getOwnPropertyDescriptor(Window.prototype, 'sessionStorage');
         Object.defineProperty(window, 'sessionStorage', {
           configurable: true,
           get() { throw new DOMException('blocked', 'SecurityError'); },
         });",
    );
    let outcome = start_login(&config(), LoginOptions::default()).await;
    run_js("Object.defineProperty(window, 'sessionStorage', window.__storage);");
    assert_eq!(
        outcome,
        Err(LoginError::Browser(BrowserError::StorageUnavailable))
    );
    assert!(outcome
        .unwrap_err()
        .to_string()
        .contains("sessionStorage is unavailable"));
    assert!(
        session_storage().length().is_ok(),
        "storage is back for the other tests"
    );
}

// ---- The opt-in refresh token store ----

async fn run_js_async(code: &str) {
    let promise: js_sys::Promise = js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap()
        .unchecked_into();
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_refresh_token_store_round_trips_and_drops_foreign_values() {
    use leptos_pkce::auth::browser::refresh_store;
    use leptos_pkce::auth::secret::RefreshToken;
    let token = RefreshToken::new("rt-abc.def_123".into());
    refresh_store::store(Some(&token)).await;
    assert_eq!(refresh_store::load().await, Some(token));
    refresh_store::store(None).await;
    assert_eq!(refresh_store::load().await, None);

    // Something else wrote a number under the app's key: ignored and removed.
    run_js_async(
        "return new Promise((resolve, reject) => {
           const open = indexedDB.open('leptos-pkce', 1);
           open.onupgradeneeded = () => open.result.createObjectStore('tokens');
           open.onsuccess = () => {
             const tx = open.result.transaction('tokens', 'readwrite');
             tx.objectStore('tokens').put(42, 'refresh_token');
             tx.oncomplete = () => { open.result.close(); resolve(); };
             tx.onerror = reject;
           };
           open.onerror = reject;
         });",
    )
    .await;
    assert_eq!(refresh_store::load().await, None);
    let spaced = RefreshToken::new("two words".into());
    refresh_store::store(Some(&spaced)).await;
    assert_eq!(
        refresh_store::load().await,
        None,
        "a value with whitespace is no token"
    );
    assert_eq!(refresh_store::load().await, None, "and it was removed");
}

// ---- Small UI pieces ----

#[wasm_bindgen_test]
async fn fetched_shows_the_answer_and_drops_a_stale_one() {
    use leptos_pkce::components::fetched::Fetched;
    use std::cell::Cell;
    use std::rc::Rc;

    let loads = Rc::new(Cell::new(0u32));
    let handle: Rc<Cell<Option<Fetched<u32>>>> = Rc::new(Cell::new(None));
    let container = {
        let (loads, handle) = (loads.clone(), handle.clone());
        mount(AuthState::SignedOut, move || {
            let fetched = Fetched::new(move || {
                loads.set(loads.get() + 1);
                let n = loads.get();
                // The second load is slow: its answer arrives after the third's.
                async move {
                    sleep(if n == 2 { 300 } else { 10 }).await;
                    n
                }
            });
            handle.set(Some(fetched));
            view! { <p>{move || fetched.get().map_or("loading".to_owned(), |n| format!("answer {n}"))}</p> }
        })
    };
    assert_eq!(container.text_content().unwrap(), "loading");
    text_eventually(&container, "answer 1").await;
    let fetched = handle.get().unwrap();
    fetched.reload();
    fetched.reload();
    text_eventually(&container, "answer 3").await;
    sleep(400).await;
    assert_eq!(
        container.text_content().unwrap(),
        "answer 3",
        "the slow second answer is dropped"
    );
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
