//! The core journeys against a second, independent OpenID Connect provider:
//! django-oauth-toolkit 3.4 (`devidp2/`, stock but for two documented validator hooks),
//! which differs from the first where real providers do: its issuer has a path and no
//! trailing slash, it gives a refresh token to every code exchange (a silent one too,
//! like Keycloak), it serves its key set cacheable for an hour, it lists no revocation
//! endpoint in discovery, and its error answers carry no `iss`.

use e2e::app::App;
use e2e::second_provider::SecondProvider;

use crate::with_browser;

/// The key rotation restarts the provider: its tests take turns.
pub(crate) static SECOND_SLOT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const NAME: &str = "Ada Lovelace";

/// Signs ada in to the second provider's app from its home page.
async fn sign_in(app: &App<'_>, provider: &SecondProvider<'_>) {
    app.open("/").await;
    app.click_sign_in().await;
    provider.sign_in_as("ada", "ada-password").await;
    let (name, _) = app.profile().await;
    assert_eq!(name, NAME);
}

#[tokio::test]
async fn second_provider_sign_in_reload_renew_and_sign_out() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::second(&browser, &env);
        let provider = SecondProvider::new(&browser, &env);
        sign_in(&app, &provider).await;
        // A reload signs back in with prompt=none in the hidden frame; that exchange
        // brings a refresh token, which must be kept: "Renew tokens now" is offered
        // only with one, and renewing twice spends the first and the rotated one.
        browser.reload().await;
        let (name, _) = app.profile().await;
        assert_eq!(name, NAME);
        app.renew_and_wait().await;
        app.renew_and_wait().await;
        assert_eq!(app.header_user().await, NAME);
        assert!(!browser.exists("[data-testid=session-error]").await);
        assert_eq!(app.stored_keys().await, serde_json::json!([]));
        // Sign-out ends the provider's session too (its end_session_endpoint); no
        // revocation endpoint in its discovery, so none is tried.
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        assert!(app.header_offers_sign_in().await);
        assert!(!app.signed_in_hint().await);
    })
    .await;
}

#[tokio::test]
async fn second_provider_signed_out_behind_the_apps_back_leaves_the_user_quietly_signed_out() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::second(&browser, &env);
        let provider = SecondProvider::new(&browser, &env);
        sign_in(&app, &provider).await;
        assert!(
            app.signed_in_hint().await,
            "set-up: a silent sign-in will be tried"
        );
        // The provider's session ends elsewhere (its own logout page, confirmed).
        browser.goto(&format!("{}/o/logout/", env.second_idp)).await;
        browser.click("#authorizationForm input[name=allow]").await;
        browser
            .wait_for_url_change(&format!("{}/o/logout/", env.second_idp))
            .await;
        // The next visit tries prompt=none (the hint is set), and the provider's
        // login_required answer carries no iss although its discovery promises one:
        // believed (an error spends nothing), so: quietly signed out, no error page.
        browser.goto(&app.url("/profile")).await;
        browser.wait_for("[data-testid=signed-out]").await;
        assert!(!browser.exists("[data-testid=session-error]").await);
        assert!(!browser.exists("[data-testid=callback-error]").await);
        assert_eq!(browser.url().await, app.url("/profile"));
        assert!(!app.signed_in_hint().await, "no retry next time");
    })
    .await;
}

/// Its discovery promises `iss` in authorization answers, and its error answers carry
/// none: an error answer for a login of this tab without `iss` is believed (an error
/// spends nothing), so the user reads the provider's reason, not a mix-up alarm.
#[tokio::test]
async fn second_provider_an_error_answer_without_iss_is_believed() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::second(&browser, &env);
        let state = app.pending_login_state(&env.second_idp).await;
        app.open(&format!(
            "/callback?error=access_denied&error_description=Details+here&state={state}"
        ))
        .await;
        let error = app.callback_error().await;
        assert!(
            error.contains("Sign-in was cancelled or access was denied.")
                && error.contains("Details here"),
            "{error}"
        );
    })
    .await;
}

#[tokio::test]
async fn second_provider_rotating_its_key_mid_session_keeps_the_user_signed_in() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::second(&browser, &env);
        let provider = SecondProvider::new(&browser, &env);
        sign_in(&app, &provider).await;
        let before = provider.published_kids().await;
        provider.rotate_signing_key().await;
        let after = provider.published_kids().await;
        assert!(
            after.len() == before.len() + 1 && before.iter().all(|kid| after.contains(kid)),
            "set-up: a new key beside the old ones ({before:?} -> {after:?})"
        );
        // The renewed ID token is signed with the new key; the key set the page holds
        // (and the browser's HTTP cache, max-age=3600) lacks it: fetched anew.
        let key_set = "/o/.well-known/jwks.json";
        let fetched_before = browser.requests_to(key_set).await;
        app.renew_and_wait().await;
        assert_eq!(app.header_user().await, NAME);
        assert!(!browser.exists("[data-testid=session-error]").await);
        assert_eq!(
            browser.requests_to(key_set).await,
            fetched_before + 1,
            "set-up: the renewal's ID token named the new key, and the set was fetched once"
        );
        // A new sign-in after the rotation verifies too.
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        sign_in(&app, &provider).await;
    })
    .await;
}

#[tokio::test]
async fn second_provider_back_from_its_login_page_offers_sign_in_again() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::second(&browser, &env);
        let provider = SecondProvider::new(&browser, &env);
        app.open("/").await;
        browser.mark_page().await;
        app.click_sign_in().await;
        browser.wait_for_url(&env.second_idp).await;
        browser.client.back().await.expect("back");
        browser.wait_for_url(&app.url("/")).await;
        assert!(
            browser.page_is_marked().await,
            "the page came back from the back/forward cache"
        );
        assert!(app.header_offers_sign_in().await);
        sign_in(&app, &provider).await;
    })
    .await;
}
