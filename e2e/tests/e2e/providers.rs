//! Two providers side by side in one app: the local provider (node oidc-provider) by
//! default and the second one (django-oauth-toolkit) as `partners`, sharing the
//! callback path. Each signs in, renews and signs out on its own.

use std::time::Duration;

use e2e::app::App;
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::second_provider::SecondProvider;
use e2e::Env;

use crate::second_provider::SECOND_SLOT;
use crate::with_browser;

/// The card of the provider `name` (`default` for the default one).
fn card(name: &str, part: &str) -> String {
    format!("[data-provider={name}] [data-testid={part}]")
}

/// The issuer whose ID token the card of `name` shows.
async fn issuer_of(browser: &Browser, name: &str) -> String {
    browser.text_of(&card(name, "provider-issuer")).await
}

/// Signs in with the default provider, then with `partners`, from `/providers`.
async fn sign_in_to_both(browser: &Browser, env: &Env, app: &App<'_>) {
    app.open("/providers").await;
    browser.click(&card("default", "provider-sign-in")).await;
    ProviderPages::new(browser, env)
        .sign_in_and_allow(&env.user, &env.password)
        .await;
    browser.wait_for(&card("default", "provider-user")).await;
    assert!(
        browser
            .exists(&card("partners", "provider-signed-out"))
            .await
    );
    browser.click(&card("partners", "provider-sign-in")).await;
    SecondProvider::new(browser, env)
        .sign_in_as("ada", "ada-password")
        .await;
    browser.wait_for(&card("partners", "provider-user")).await;
    assert_eq!(browser.url().await, app.url("/providers"));
}

/// Renews the session of `name` and waits for its token's new expiry.
async fn renew(browser: &Browser, name: &str) {
    let before = browser.text_of(&card(name, "provider-expiry")).await;
    // Expiry times are whole seconds: a renewal in the same second would look the same.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    browser.click(&card(name, "provider-renew")).await;
    browser
        .wait_for_text_change(&card(name, "provider-expiry"), &before)
        .await;
}

#[tokio::test]
async fn two_providers_sign_in_renew_reload_and_sign_out_each_on_their_own() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::pair(&browser, &env);
        sign_in_to_both(&browser, &env, &app).await;
        // Each card's ID token is its own provider's, though both logins came back
        // to the same /callback.
        let default_issuer = issuer_of(&browser, "default").await;
        assert!(default_issuer.starts_with(&env.idp), "{default_issuer}");
        assert_eq!(
            issuer_of(&browser, "partners").await,
            format!("{}/o", env.second_idp)
        );
        // Renewing one leaves the other's token as it was.
        let partners_expiry = browser.text_of(&card("partners", "provider-expiry")).await;
        renew(&browser, "default").await;
        assert_eq!(
            browser.text_of(&card("partners", "provider-expiry")).await,
            partners_expiry
        );
        renew(&browser, "partners").await;
        assert!(!browser.exists("[data-testid=provider-error]").await);
        // A reload signs both back in (each through its own hidden frame), and the
        // guard that names `partners` lets its user in.
        app.open("/providers/partners").await;
        browser.wait_for("[data-testid=provider-only]").await;
        app.open("/providers").await;
        browser.wait_for(&card("default", "provider-user")).await;
        browser.wait_for(&card("partners", "provider-user")).await;
        // Signing out of partners here only: the default one stays, and neither
        // hears its own sign-out as another tab's (each has its own channel).
        browser
            .click(&card("partners", "provider-sign-out-here"))
            .await;
        browser
            .wait_for(&card("partners", "provider-signed-out"))
            .await;
        assert!(browser.exists(&card("default", "provider-user")).await);
        assert!(!browser.exists("[data-testid=provider-error]").await);
        // Signing in to partners again needs no password: its provider session is
        // still open.
        // The page left for the provider and came back: the default provider's
        // session (in memory) comes back through its hidden frame, beside partners'
        // code being redeemed at the shared callback.
        browser.click(&card("partners", "provider-sign-in")).await;
        browser.wait_for(&card("partners", "provider-user")).await;
        browser.wait_for(&card("default", "provider-user")).await;
        // Signing out of the default provider (its logout page and back) leaves
        // partners signed in.
        browser.click(&card("default", "provider-sign-out")).await;
        // Home, signed out, is where the provider's logout sends the browser back.
        browser.wait_for(".hero .login-buttons").await;
        assert_eq!(browser.url().await, app.url("/"));
        app.open("/providers").await;
        browser.wait_for(&card("partners", "provider-user")).await;
        browser
            .wait_for(&card("default", "provider-signed-out"))
            .await;
        assert!(!browser.exists("[data-testid=provider-error]").await);
        assert_eq!(
            issuer_of(&browser, "partners").await,
            format!("{}/o", env.second_idp)
        );
    })
    .await;
}

#[tokio::test]
async fn a_guard_naming_a_provider_signs_in_with_that_provider_only() {
    let _turn = SECOND_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::pair(&browser, &env);
        app.open("/providers/partners").await;
        // Signed out: the guard starts the login at the second provider, not the
        // default one.
        SecondProvider::new(&browser, &env)
            .sign_in_as("ada", "ada-password")
            .await;
        browser.wait_for("[data-testid=provider-only]").await;
        assert_eq!(browser.url().await, app.url("/providers/partners"));
        app.open("/providers").await;
        browser.wait_for(&card("partners", "provider-user")).await;
        browser
            .wait_for(&card("default", "provider-signed-out"))
            .await;
        assert!(!browser.exists("[data-testid=provider-error]").await);
        // A provider the app does not have is a page not found, not a crash.
        app.open("/providers/nobody").await;
        browser.wait_for_text("main", "Page not found").await;
    })
    .await;
}
