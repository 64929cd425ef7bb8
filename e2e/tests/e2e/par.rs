//! Pushed authorization requests (RFC 9126) against the generic provider, which takes
//! no other kind: the login's parameters go in a `POST` from the page, and the address
//! the browser is sent to holds `client_id` and `request_uri` only; and against the
//! default provider, which lists no pushed endpoint, `auto` leaves by the address.

use std::time::{Duration, Instant};

use e2e::app::{App, SIGN_IN_BUTTON};
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::Env;

use crate::library::without_password;
use crate::with_browser;

/// Keeps the page from leaving for the provider (the Navigation API's `navigate`
/// event, cancelable for a navigation the page starts itself) and records where it
/// was going (`window.__leaving`), and the body of every pushed request it sent
/// (`window.__pushed`).
const CATCH_THE_LOGIN: &str = "
  window.__leaving = null;
  window.__pushed = [];
  navigation.addEventListener('navigate', (event) => {
    if (window.__leaving === null && event.cancelable) {
      window.__leaving = event.destination.url;
      event.preventDefault();
    }
  });
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (new URL(request.url).pathname === '/request') {
      window.__pushed.push(await request.clone().text());
    }
    return original(request);
  };
  return typeof navigation;";

/// Clicks `button` with [`CATCH_THE_LOGIN`] in place; returns the address the page
/// would have gone to and the bodies it pushed.
async fn caught_login(browser: &Browser, button: &str) -> (url::Url, Vec<String>) {
    let installed = browser.eval(CATCH_THE_LOGIN).await;
    assert_eq!(
        installed, "object",
        "the Navigation API is there to catch the login"
    );
    browser.click(button).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let leaving = browser.eval("return window.__leaving;").await;
        if let Some(url) = leaving.as_str() {
            let pushed = browser.eval("return window.__pushed;").await;
            let pushed = pushed
                .as_array()
                .expect("a list")
                .iter()
                .map(|body| body.as_str().expect("a body").to_owned())
                .collect();
            return (url::Url::parse(url).expect("an address"), pushed);
        }
        assert!(
            Instant::now() < deadline,
            "the page never left for the provider"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The address's parameter names, in order.
fn names(url: &url::Url) -> Vec<String> {
    url.query_pairs()
        .map(|(name, _)| name.into_owned())
        .collect()
}

/// The one value of `name` in a form body.
fn field(body: &str, name: &str) -> Option<String> {
    let mut values = url::form_urlencoded::parse(body.as_bytes())
        .filter(|(n, _)| n == name)
        .map(|(_, value)| value.into_owned());
    let value = values.next();
    assert!(values.next().is_none(), "{name} sent twice");
    value
}

fn request_uri(url: &url::Url) -> String {
    url.query_pairs()
        .find(|(name, _)| name == "request_uri")
        .map(|(_, value)| value.into_owned())
        .expect("a request_uri")
}

/// `url` with its `request_uri` replaced by `uri`.
fn with_request_uri(url: &url::Url, uri: &str) -> String {
    let mut changed = url.clone();
    changed
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", "spa-dev")
        .append_pair("request_uri", uri);
    changed.to_string()
}

/// The generic provider's page answering an authorization request it refused: its
/// heading, once the address is the provider's.
async fn refusal(browser: &Browser, env: &Env) -> String {
    ProviderPages::generic(browser, env).login_heading().await
}

#[tokio::test]
async fn a_pushed_login_shows_only_the_client_and_a_reference_and_binds_the_code_to_the_key() {
    with_browser(|browser, env| async move {
        let app = App::par(&browser, &env);
        app.open("/").await;
        let (leaving, pushed) = caught_login(&browser, SIGN_IN_BUTTON).await;

        assert_eq!(
            leaving.as_str().split('?').next(),
            Some(format!("{}/authorize", env.generic_idp).as_str())
        );
        assert_eq!(names(&leaving), ["client_id", "request_uri"]);
        assert!(leaving.as_str().contains("client_id=spa-dev&"));
        assert!(
            request_uri(&leaving).starts_with("urn:ietf:params:oauth:request_uri:"),
            "{leaving}"
        );

        let [body] = pushed.as_slice() else {
            panic!("one pushed request expected, saw {}", pushed.len());
        };
        let state = app
            .pending_states()
            .await
            .pop()
            .expect("the login's transaction");
        assert_eq!(field(body, "state").as_deref(), Some(state.as_str()));
        assert_eq!(field(body, "client_id").as_deref(), Some("spa-dev"));
        assert_eq!(field(body, "response_type").as_deref(), Some("code"));
        assert_eq!(
            field(body, "code_challenge_method").as_deref(),
            Some("S256")
        );
        for name in ["redirect_uri", "scope", "nonce", "code_challenge"] {
            assert!(field(body, name).is_some(), "{name} pushed");
        }
        assert_eq!(
            field(body, "code_verifier"),
            None,
            "the verifier never leaves"
        );
        let jkt = field(body, "dpop_jkt").expect("the DPoP key's thumbprint pushed");
        assert_eq!(jkt.len(), 43);

        // On to the provider by the caught address: the login finishes as usual.
        browser.goto(leaving.as_str()).await;
        let provider = ProviderPages::generic(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        app.profile().await;
        // The code was bound to the key the session's tokens are bound to.
        assert_eq!(browser.text_of("[data-testid=dpop-jkt]").await, jkt);
        assert!(app.pending_states().await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_tampered_or_spent_request_uri_is_refused_at_the_provider_and_the_app_goes_on() {
    with_browser(|browser, env| async move {
        let app = App::generic(&browser, &env);
        app.open("/").await;
        let (leaving, _) = caught_login(&browser, SIGN_IN_BUTTON).await;
        let reference = request_uri(&leaving);

        // An address whose reference was changed: the provider refuses it on its own
        // page, and nothing comes back to the app.
        let mut tampered = reference.clone();
        let last = tampered.pop().expect("a reference");
        tampered.push(if last == 'A' { 'B' } else { 'A' });
        browser.goto(&with_request_uri(&leaving, &tampered)).await;
        assert_eq!(refusal(&browser, &env).await, "invalid_request_uri");
        assert!(browser.url().await.starts_with(&env.generic_idp));

        // The untouched reference still signs in: the refusal spent nothing of the
        // login in this tab.
        browser.goto(leaving.as_str()).await;
        let provider = ProviderPages::generic(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);

        // The reference once more: spent, refused.
        browser.goto(leaving.as_str()).await;
        assert_eq!(refusal(&browser, &env).await, "invalid_request_uri");

        // The app's session is untouched; a reload restores it through the hidden
        // frame's silent sign-in, which must push too (the provider takes no other).
        app.open("/profile").await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
    })
    .await;
}

#[tokio::test]
async fn a_pushed_request_the_provider_refuses_is_a_clear_error_before_the_browser_leaves() {
    with_browser(|browser, env| async move {
        let app = App::par(&browser, &env);
        app.open("/").await;
        assert_eq!(browser.eval(CATCH_THE_LOGIN).await, "object");
        browser.click("[data-connection=gitlab]").await;
        let error = browser
            .wait_for_text("[data-testid=auth-error]", "not accepted")
            .await;
        assert!(
            error.contains("The sign-in request was not accepted"),
            "{error}"
        );
        // Shown by the page that pushed, which never tried to leave.
        assert_eq!(
            browser.eval("return window.__leaving;").await,
            serde_json::Value::Null
        );
        assert_eq!(
            browser.eval("return window.__pushed.length;").await,
            1,
            "one pushed request, refused"
        );
        assert!(browser.url().await.starts_with(&env.par_app), "never left");
        assert!(
            app.pending_states().await.is_empty(),
            "nothing of the refused login is kept"
        );

        // The next login, through a connection the provider has, goes through.
        app.open("/").await;
        app.click_sign_in().await;
        let provider = ProviderPages::generic(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
    })
    .await;
}

/// Removes the DPoP key pair from IndexedDB, as the sign-out of another tab does
/// (`dpop::forget`); resolves to "removed".
const REMOVE_THE_DPOP_KEY: &str = "
  const database = arguments[0];
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(database);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const removal = db.transaction('keys', 'readwrite');
      removal.objectStore('keys').delete('dpop');
      removal.oncomplete = () => { db.close(); resolve('removed'); };
      removal.onerror = () => reject(removal.error);
    };
  });";

#[tokio::test]
async fn a_login_whose_dpop_key_was_removed_meanwhile_is_refused_before_its_code_is_spent() {
    with_browser(|browser, env| async move {
        let app = App::par(&browser, &env);
        app.open("/").await;
        let (leaving, pushed) = caught_login(&browser, SIGN_IN_BUTTON).await;
        assert!(field(&pushed[0], "dpop_jkt").is_some());
        // While the user is at the provider, a sign-out in another tab removes the key
        // the code is bound to.
        let removed = browser
            .client
            .execute(
                REMOVE_THE_DPOP_KEY,
                vec![format!("{}.dpop", app.storage_prefix()).into()],
            )
            .await
            .expect("remove the key");
        assert_eq!(removed, "removed");

        browser.goto(leaving.as_str()).await;
        let provider = ProviderPages::generic(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        let error = browser
            .wait_for_text("[data-testid=callback-error]", "key changed")
            .await;
        assert!(error.contains("sign in again"), "{error}");
        assert!(!browser.exists("[data-testid=profile-name]").await);
        // No key was made for the code: the next login makes the one it binds.
        let keys = browser
            .client
            .execute(
                "return new Promise((resolve) => { const open = indexedDB.open(arguments[0]); \
                   open.onsuccess = () => { const db = open.result; \
                     const get = db.transaction('keys').objectStore('keys').count(); \
                     get.onsuccess = () => { db.close(); resolve(get.result); }; }; });",
                vec![format!("{}.dpop", app.storage_prefix()).into()],
            )
            .await
            .expect("count the keys");
        assert_eq!(keys, 0, "no key made for a code bound to another");

        // Signing in again works, bound to a new key.
        app.open("/").await;
        app.click_sign_in().await;
        without_password(&browser, &provider, "[data-testid=profile-name]").await;
        assert_eq!(browser.text_of("[data-testid=dpop-jkt]").await.len(), 43);
    })
    .await;
}

#[tokio::test]
async fn a_popup_login_pushes_too() {
    with_browser(|browser, env| async move {
        let app = App::generic(&browser, &env);
        app.open("/").await;
        let main = app.open_popup_login().await;
        let provider = ProviderPages::generic(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        // The popup closes itself once its answer is in.
        browser
            .client
            .switch_to_window(main)
            .await
            .expect("back to the app");
        assert_eq!(app.header_user().await, env.user_name);
        assert_eq!(browser.url().await, app.url("/"), "the page never left");
    })
    .await;
}

#[tokio::test]
async fn where_the_provider_lists_no_pushed_endpoint_auto_sends_the_login_in_the_address() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        // The set-up: the app is on `auto` (its config.json names no setting), and
        // this provider's discovery lists no pushed endpoint, so there is nothing to
        // push to.
        let config = browser
            .fetch_text("/config.json")
            .await
            .expect("config.json");
        assert!(
            !config.contains("pushed_authorization_requests"),
            "{config}"
        );
        let discovery = browser
            .fetch_text(&format!("{}/.well-known/openid-configuration", env.idp))
            .await
            .expect("the provider's discovery");
        assert!(
            discovery.contains("\"authorization_endpoint\""),
            "{discovery}"
        );
        assert!(
            !discovery.contains("pushed_authorization_request_endpoint"),
            "{discovery}"
        );

        let (leaving, pushed) = caught_login(&browser, SIGN_IN_BUTTON).await;
        assert!(pushed.is_empty(), "nothing pushed: {pushed:?}");
        assert_eq!(
            leaving.as_str().split('?').next(),
            Some(format!("{}/authorize", env.idp).as_str())
        );
        let sent = names(&leaving);
        for name in [
            "client_id",
            "response_type",
            "redirect_uri",
            "scope",
            "state",
            "nonce",
            "code_challenge",
            "code_challenge_method",
        ] {
            assert!(sent.iter().any(|n| n == name), "{name} in {leaving}");
        }
        assert!(!sent.iter().any(|n| n == "request_uri"), "{leaving}");
        let state = app
            .pending_states()
            .await
            .pop()
            .expect("the login's transaction");
        assert!(
            leaving
                .query_pairs()
                .any(|(name, value)| name == "state" && value == state),
            "the address carries the stored login's state"
        );
    })
    .await;
}
