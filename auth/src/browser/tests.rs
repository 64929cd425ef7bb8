//! Browser tests of the glue (wasm-bindgen-test in headless Chromium): transaction
//! storage, WebCrypto verification with keys generated here, storage that refuses,
//! the IndexedDB refresh token store. Run by `cargo xtask test`, or
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p leptos-pkce-auth --lib`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

use super::crypto::verify_signature;
use super::flow::start_login;
use super::refresh_store;
use super::storage::{
    clear_transactions, find_transaction, save_transaction, sweep_transactions, take_transaction,
};
use crate::error::{AuthError, BrowserError};
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::authorization::return_to::ReturnTo;
use oidc_browser_core::authorization::transaction::{
    CallbackEndpoints, TakeError, Transaction, TransactionError,
};
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::id_token::jwks::Jwks;
use oidc_browser_core::id_token::jwt::DecodedJwt;
use oidc_browser_core::id_token::IdTokenError;
use oidc_browser_core::secret::{CodeVerifier, Nonce, RefreshToken, State};

wasm_bindgen_test_configure!(run_in_browser);

const ISSUER: &str = "http://127.0.0.1:4000/";

fn config() -> AuthConfig {
    AuthConfig::from_json(
        r#"{"domain":"http://127.0.0.1:4000","client_id":"spa-dev"}"#,
        "http://127.0.0.1:8080",
    )
    .expect("test config")
}

fn names() -> StorageNames {
    StorageNames::new(&config().storage_prefix)
}

fn key(state: &str) -> String {
    names().transaction_key(state)
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
        acr_values: None,
        audience: None,
        scope: None,
        app_state: Some(serde_json::json!({"draft": "kept"})),
        silent: false,
        leeway_secs: 60,
        timeout_secs: 20,
        dpop: false,
        dpop_jkt: None,
        provider: CallbackEndpoints {
            keys: None,
            token_endpoint: "http://127.0.0.1:4000/oauth/token".into(),
            jwks_uri: "http://127.0.0.1:4000/.well-known/jwks.json".into(),
            iss_parameter_supported: true,
        },
    }
}

#[wasm_bindgen_test]
fn transaction_round_trips_and_is_used_once() {
    let tx = transaction("round-trip");
    save_transaction(&names(), &tx).unwrap();
    let key = key("round-trip");
    assert!(session_storage().get_item(&key).unwrap().is_some());
    assert_eq!(
        take_transaction(&names(), &tx.state, now_ms()),
        Ok(tx.clone())
    );
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
    assert_eq!(
        take_transaction(&names(), &tx.state, now_ms()),
        Err(TakeError::UnknownState)
    );
}

#[wasm_bindgen_test]
fn two_logins_in_progress_do_not_overwrite_each_other() {
    let first = transaction("tab-one");
    let second = transaction("tab-two");
    save_transaction(&names(), &first).unwrap();
    save_transaction(&names(), &second).unwrap();
    assert_eq!(
        take_transaction(&names(), &second.state, now_ms()),
        Ok(second)
    );
    assert_eq!(
        take_transaction(&names(), &first.state, now_ms()),
        Ok(first)
    );
}

#[wasm_bindgen_test]
fn garbage_in_storage_is_an_error_and_is_removed() {
    let key = key("garbage");
    session_storage().set_item(&key, "{not json").unwrap();
    let state = State::new("garbage".into());
    assert_eq!(
        take_transaction(&names(), &state, now_ms()),
        Err(TakeError::Transaction(TransactionError::Corrupt))
    );
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
}

#[wasm_bindgen_test]
fn a_transaction_copied_under_another_state_is_refused() {
    let tx = transaction("original");
    let key = key("copy");
    session_storage().set_item(&key, &tx.to_json()).unwrap();
    assert_eq!(
        take_transaction(&names(), &State::new("copy".into()), now_ms()),
        Err(TakeError::UnknownState)
    );
}

#[wasm_bindgen_test]
fn sweeping_removes_expired_and_unreadable_transactions_only() {
    let storage = session_storage();
    let mut old = transaction("old");
    old.created_at = now_ms() - 11 * 60 * 1000;
    save_transaction(&names(), &old).unwrap();
    save_transaction(&names(), &transaction("fresh")).unwrap();
    storage.set_item(&key("junk"), "42").unwrap();
    storage.set_item("someone-else", "kept").unwrap();
    sweep_transactions(&names(), now_ms());
    assert_eq!(storage.get_item(&key("old")).unwrap(), None);
    assert_eq!(storage.get_item(&key("junk")).unwrap(), None);
    assert!(storage.get_item(&key("fresh")).unwrap().is_some());
    assert_eq!(
        storage.get_item("someone-else").unwrap().as_deref(),
        Some("kept")
    );
    storage.remove_item(&key("fresh")).unwrap();
    storage.remove_item("someone-else").unwrap();
}

#[wasm_bindgen_test]
fn two_apps_on_one_origin_keep_their_transactions_apart() {
    let other = StorageNames::new("example");
    let ours = transaction("ours-1");
    let theirs = transaction("theirs-1");
    save_transaction(&names(), &ours).unwrap();
    save_transaction(&other, &theirs).unwrap();
    assert_eq!(
        take_transaction(&names(), &theirs.state, now_ms()),
        Err(TakeError::UnknownState),
        "another app's login is not ours to finish"
    );
    let (prefix, found) = find_transaction(&theirs.state, now_ms()).expect("found by state");
    assert_eq!(prefix, "example");
    assert_eq!(
        (&found.state, found.redirect_uri.as_str()),
        (&theirs.state, theirs.redirect_uri.as_str())
    );
    clear_transactions(&names());
    assert_eq!(session_storage().get_item(&key("ours-1")).unwrap(), None);
    assert_eq!(
        take_transaction(&other, &theirs.state, now_ms()),
        Ok(theirs),
        "signing out of one app leaves the other's login alone"
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
    let key = keys.find(jwt.header()).ok_or(IdTokenError::UnknownKey)?;
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
    run_js(
        "window.__setItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function () {
           throw new DOMException('full', 'QuotaExceededError');
         };",
    );
    let outcome = start_login(&config(), LoginOptions::default(), || true).await;
    run_js("Storage.prototype.setItem = window.__setItem;");
    assert_eq!(outcome, Err(AuthError::Browser(BrowserError::StorageWrite)));
    assert!(outcome.unwrap_err().to_string().contains("storage full"));
}

#[wasm_bindgen_test]
async fn unavailable_storage_stops_the_login_with_a_clear_error() {
    run_js(
        "window.__storage = Object.getOwnPropertyDescriptor(window, 'sessionStorage')
           || Object.getOwnPropertyDescriptor(Window.prototype, 'sessionStorage');
         Object.defineProperty(window, 'sessionStorage', {
           configurable: true,
           get() { throw new DOMException('blocked', 'SecurityError'); },
         });",
    );
    let outcome = start_login(&config(), LoginOptions::default(), || true).await;
    run_js("Object.defineProperty(window, 'sessionStorage', window.__storage);");
    assert_eq!(
        outcome,
        Err(AuthError::Browser(BrowserError::StorageUnavailable))
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
    let owned = |token: &str, sub: &str| oidc_browser_core::token::refresh::OwnedRefreshToken {
        token: RefreshToken::new(token.into()),
        sub: sub.into(),
    };
    let token_for_ada = || owned("rt-ada", "ada");
    let token = owned("rt-abc.def_123", "ada");
    refresh_store::store(&config(), Some(&token)).await;
    assert_eq!(refresh_store::load(&config()).await, Some(token));
    refresh_store::store(&config(), None).await;
    assert_eq!(refresh_store::load(&config()).await, None);

    // Something else wrote a number under the app's key: ignored and removed.
    run_js_async(
        "return new Promise((resolve, reject) => {
           const open = indexedDB.open('leptos-pkce.spa-dev.tokens', 1);
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
    assert_eq!(refresh_store::load(&config()).await, None);
    let spaced = owned("two words", "ada");
    refresh_store::store(&config(), Some(&spaced)).await;
    assert_eq!(
        refresh_store::load(&config()).await,
        None,
        "a value with whitespace is no token"
    );
    assert_eq!(
        refresh_store::load(&config()).await,
        None,
        "and it was removed"
    );

    // config.json changed to another provider: the token is never sent there.
    refresh_store::store(&config(), Some(&token_for_ada())).await;
    let moved = AuthConfig::from_json(
        r#"{"issuer":"http://127.0.0.1:4001/","client_id":"spa-dev","storage_prefix":"leptos-pkce.spa-dev"}"#,
        "http://127.0.0.1:8080",
    )
    .unwrap();
    assert_eq!(refresh_store::load(&moved).await, None);
    assert_eq!(
        refresh_store::load(&config()).await,
        None,
        "and the foreign token is gone"
    );
}

/// Resolves after `ms` milliseconds.
async fn delay(ms: i32) {
    let timer = js_sys::Promise::new(&mut |resolve: js_sys::Function, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(timer).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_shared_task_is_waited_for_at_most_the_given_time() {
    let slow = super::task::SharedTask::spawn(async {
        delay(300).await;
        7
    });
    assert_eq!(slow.join_within(20).await, None, "not in after 20 ms");
    assert_eq!(slow.outcome(), None);
    assert_eq!(slow.join().await, 7, "the work went on");
    assert_eq!(
        slow.join_within(0).await,
        Some(7),
        "a finished task answers at once"
    );
}

#[wasm_bindgen_test]
fn a_dpop_proof_names_the_url_as_the_browser_resolves_it() {
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(
        super::dpop::absolute_url("/api/notes?x=1"),
        format!("{origin}/api/notes?x=1"),
        "a relative URL is the page's origin's"
    );
    assert_eq!(
        super::dpop::absolute_url("HTTP://API.Example:80/notes"),
        "http://api.example/notes",
        "scheme and host lower-cased, the default port dropped"
    );
    assert_eq!(
        oidc_browser_core::dpop::htu(&super::dpop::absolute_url(
            "https://api.example:443/a/../b?q#f"
        )),
        "https://api.example/b"
    );
}

#[wasm_bindgen_test]
async fn two_callers_making_the_dpop_key_at_once_get_one_key() {
    let names = StorageNames::new("test-dpop-lock");
    super::dpop::forget(&names).await;
    // Both miss the page's cached key and the store: without the key lock each would
    // make its own key, and only the last one written would stay stored.
    let (a, b) = futures_join(super::dpop::key(&names), super::dpop::key(&names)).await;
    let (a, b) = (a.expect("a key"), b.expect("a key"));
    assert_eq!(super::dpop::thumbprint(&a), super::dpop::thumbprint(&b));
    super::dpop::forget(&names).await;
}

/// Runs two futures at once and gives both outcomes.
async fn futures_join<A, B>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
) -> (A, B) {
    let (mut a, mut b) = (Box::pin(a), Box::pin(b));
    let (mut out_a, mut out_b) = (None, None);
    std::future::poll_fn(|cx| {
        use std::task::Poll;
        if out_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                out_a = Some(v);
            }
        }
        if out_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                out_b = Some(v);
            }
        }
        if out_a.is_some() && out_b.is_some() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    (out_a.unwrap(), out_b.unwrap())
}

/// Resolves with the first message `channel` receives.
fn next_message(channel: &web_sys::BroadcastChannel) -> js_sys::Promise {
    let channel = channel.clone();
    js_sys::Promise::new(&mut |resolve, _| {
        let on_message =
            wasm_bindgen::closure::Closure::once_into_js(move |event: web_sys::MessageEvent| {
                let _ = resolve.call1(&wasm_bindgen::JsValue::NULL, &event.data());
            });
        channel.set_onmessage(Some(on_message.unchecked_ref()));
    })
}

#[wasm_bindgen_test]
async fn a_page_with_two_providers_never_hears_its_own_sign_out_on_either_channel() {
    use oidc_browser_core::session::session_event::SessionEvent;
    use std::cell::Cell;
    use std::rc::Rc;
    // Two providers of this page listen, each on its own channel.
    let heard_a = Rc::new(Cell::new(0));
    let heard_b = Rc::new(Cell::new(0));
    let (a, b) = (heard_a.clone(), heard_b.clone());
    super::broadcast::on_event_elsewhere("test-two.a.auth", move |_| a.set(a.get() + 1));
    super::broadcast::on_event_elsewhere("test-two.b.auth", move |_| b.set(b.get() + 1));
    // Another tab's channel object for each: it hears what this page announces.
    let other_tab_a = web_sys::BroadcastChannel::new("test-two.a.auth").unwrap();
    let other_tab_b = web_sys::BroadcastChannel::new("test-two.b.auth").unwrap();
    let received_a = next_message(&other_tab_a);
    super::broadcast::announce("test-two.a.auth", &SessionEvent::SignedOut);
    // The other tab's object was made after this page's listener, so once it has the
    // message, this page's listener would have had it too, were it posted from
    // another object.
    let message = JsFuture::from(received_a).await.unwrap();
    assert_eq!(message.as_string().as_deref(), Some("signed-out"));
    let received_b = next_message(&other_tab_b);
    super::broadcast::announce("test-two.b.auth", &SessionEvent::SignedOut);
    JsFuture::from(received_b).await.unwrap();
    assert_eq!(
        heard_a.get(),
        0,
        "the page heard its own sign-out on the first channel"
    );
    assert_eq!(
        heard_b.get(),
        0,
        "the page heard its own sign-out on the second channel"
    );
    // And another tab's sign-out is heard, on its channel only (the witness, made
    // after the first post, gets the second: by then this page had both).
    other_tab_a.post_message(&"signed-out".into()).unwrap();
    let witness = web_sys::BroadcastChannel::new("test-two.a.auth").unwrap();
    let seen = next_message(&witness);
    other_tab_a.post_message(&"signed-out".into()).unwrap();
    JsFuture::from(seen).await.unwrap();
    assert_eq!(heard_a.get(), 2);
    assert_eq!(heard_b.get(), 0);
    for channel in [other_tab_a, other_tab_b, witness] {
        channel.close();
    }
}
