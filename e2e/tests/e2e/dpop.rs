//! DPoP (RFC 9449): tokens bound to a key this browser holds and cannot export. The
//! local provider requires nonces for proofs and binds refresh tokens; its APIs check
//! the proof and the binding.

use e2e::app::App;
use e2e::browser::Browser;
use e2e::outside;

use crate::session::stored_refresh_token;
use crate::{sign_in_to, with_browser};

/// Records the `Authorization` header of the page's API calls in sessionStorage
/// (`test.authorization`): the access token, as script on the page could copy it.
const CAPTURE_AUTHORIZATION: &str = "
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    const value = request.headers.get('Authorization');
    if (value && request.url.includes('/api/private')) sessionStorage.setItem('test.authorization', value);
    return original(request);
  };
  return null;";

async fn thumbprint(browser: &Browser) -> String {
    let jkt = browser.text_of("[data-testid=dpop-jkt]").await;
    assert_eq!(jkt.len(), 43, "an RFC 7638 SHA-256 thumbprint: {jkt}");
    jkt
}

#[tokio::test]
async fn sign_in_renewal_and_api_calls_are_bound_to_the_browsers_key() {
    with_browser(|browser, env| async move {
        let app = App::dpop(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        // The callback answered the provider's nonce challenge: two token requests.
        assert_eq!(
            browser.requests_to("/oauth/token").await,
            2,
            "use_dpop_nonce answered once"
        );
        let jkt = thumbprint(&browser).await;
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let private = browser.text_of("[data-testid=http-body]").await;
        assert!(private.contains("\"token_type\": \"DPoP\""), "{private}");
        assert!(
            private.contains(&format!("\"cnf_jkt\": \"{jkt}\"")),
            "bound to this key: {private}"
        );
        // Another API's token, also bound (its API asked for its own nonce first).
        let notes = "[data-testid=api-notes] [data-testid=http-body]";
        browser
            .wait_for_text(notes, "Hello from the Notes API")
            .await;
        assert!(browser.text_of(notes).await.contains(&jkt));
        // A renewal keeps the binding.
        app.nav("Profile").await;
        app.renew_and_wait().await;
        assert_eq!(thumbprint(&browser).await, jkt);
    })
    .await;
}

#[tokio::test]
async fn tokens_copied_out_of_the_browser_are_refused_outside_it() {
    with_browser(|browser, env| async move {
        let app = App::dpop(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        browser.eval(CAPTURE_AUTHORIZATION).await;
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let authorization = browser
            .eval("return sessionStorage.getItem('test.authorization');")
            .await;
        let authorization = authorization
            .as_str()
            .expect("the API call was seen")
            .to_owned();
        let access_token = authorization
            .strip_prefix("DPoP ")
            .unwrap_or_else(|| panic!("sent as a DPoP token: {authorization}"));
        let refresh_token =
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await;
        let refresh_token = refresh_token.as_str().expect("a stored refresh token");
        // Replayed from outside the browser, without the key.
        let form = format!(
            "grant_type=refresh_token&client_id={}&refresh_token={refresh_token}",
            env.client_id
        );
        let (status, body) = outside::request(
            &env.idp,
            "POST",
            "/oauth/token",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &form,
        );
        assert_eq!(
            status, 400,
            "the refresh token is refused without its key: {body}"
        );
        for scheme in ["Bearer", "DPoP"] {
            let header = format!("{scheme} {access_token}");
            let (status, body) = outside::request(
                &env.idp,
                "GET",
                "/api/private",
                &[("Authorization", &header)],
                "",
            );
            assert_eq!(status, 401, "{scheme} without a proof is refused: {body}");
        }
        // The browser, which holds the key, still can.
        app.nav("Profile").await;
        app.renew_and_wait().await;
    })
    .await;
}

/// The key kept in IndexedDB, as the app's origin sees it: `true` when there is one.
async fn key_stored(browser: &Browser, app: &App<'_>) -> bool {
    let script = "const done = arguments[arguments.length - 1];
        const open = indexedDB.open(arguments[0], 1);
        open.onupgradeneeded = () => open.result.createObjectStore('keys');
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('keys').objectStore('keys').get('dpop');
          get.onsuccess = () => { db.close(); done(get.result !== undefined && get.result.privateKey.extractable === false); };
          get.onerror = () => done(false);
        };
        open.onerror = () => done(false);";
    let database = format!("{}.dpop", app.storage_prefix());
    browser
        .client
        .execute_async(script, vec![database.into()])
        .await
        .expect("read IndexedDB")
        .as_bool()
        .unwrap_or(false)
}

#[tokio::test]
async fn a_reload_keeps_the_key_and_the_session_and_sign_out_removes_both() {
    with_browser(|browser, env| async move {
        let app = App::dpop(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let jkt = thumbprint(&browser).await;
        assert!(
            key_stored(&browser, &app).await,
            "a non-extractable key is kept"
        );
        app.open("/profile").await;
        assert_eq!(
            app.header_user().await,
            env.user_name,
            "signed in after a reload"
        );
        assert_eq!(thumbprint(&browser).await, jkt, "with the same key");
        app.sign_out().await;
        assert!(app.header_offers_sign_in().await);
        assert!(!key_stored(&browser, &app).await, "the key is gone");
        assert_eq!(
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await,
            serde_json::Value::Null,
            "the refresh token is gone"
        );
    })
    .await;
}
