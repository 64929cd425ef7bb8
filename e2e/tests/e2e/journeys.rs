//! What real users do that a provider shaped like this client's authors never showed
//! it: reload with a provider that gives refresh tokens to silent sign-ins, press Back
//! past the provider's pages, sign in as another account in another tab. Each test
//! failed on the code before the fix it names.

use e2e::app::App;
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::Engine;

use crate::session::stored_refresh_token;
use crate::{sign_in, with_browser};

/// The URL this document was loaded from (the callback's, with its query, even after
/// the app scrubbed the address bar).
async fn loaded_from(browser: &Browser) -> String {
    browser
        .eval("return performance.getEntriesByType('navigation')[0].name;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn query_value(url: &str, name: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Issue 20, 1: the silent sign-in after a reload got a refresh token (the provider
/// gives one to a `prompt=none` exchange when `offline_access` was granted, as Keycloak
/// and Auth0 do) and forgot to keep it: the first renewal then ended the session.
#[tokio::test]
async fn after_a_reload_the_silent_sign_ins_refresh_token_renews_the_session() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        browser.reload().await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        // The set-up took effect: "Renew tokens now" is offered only to a session that
        // holds a refresh token (a provider that gave none would leave nothing to
        // renew with, and the wait below would fail).
        app.renew_and_wait().await;
        assert_eq!(app.header_user().await, env.user_name, "still signed in");
        assert!(!browser.exists("[data-testid=session-error]").await);
        // And once more: the rotated token was kept too.
        app.renew_and_wait().await;
        assert_eq!(app.header_user().await, env.user_name);
    })
    .await;
}

/// What a user's own click on Sign In, then Back from the provider's login page, gives
/// in each engine: Chromium restores the page from the back/forward cache (the test
/// below), Firefox loads it anew (issue 25). Either way Sign In is offered, nothing is
/// stuck "signing in", and the same button signs in.
#[tokio::test]
async fn back_from_the_provider_after_a_users_click_offers_sign_in_in_either_engine() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        browser.mark_page().await;
        app.click_sign_in().await;
        let restored = back_from_the_login_page(&app, &browser, &env).await;
        assert_eq!(
            restored,
            env.engine == Engine::Chromium,
            "restored from the back/forward cache: {restored} in {:?}",
            env.engine
        );
        assert!(app.header_offers_sign_in().await, "Sign In works again");
        signs_in_again(&app, &browser, &env).await;
    })
    .await;
}

/// Waits for the provider's login page, goes Back to the app's home page, and says
/// whether that page came back from the back/forward cache (its memory kept).
async fn back_from_the_login_page(app: &App<'_>, browser: &Browser, env: &e2e::Env) -> bool {
    ProviderPages::new(browser, env).login_heading().await;
    browser.client.back().await.expect("back");
    browser.wait_for_url(&app.url("/")).await;
    browser.page_is_marked().await
}

/// The Sign In button a Back left offered signs the user in.
async fn signs_in_again(app: &App<'_>, browser: &Browser, env: &e2e::Env) {
    app.click_sign_in().await;
    ProviderPages::new(browser, env).sign_in().await;
    ProviderPages::new(browser, env).consent(true).await;
    let (name, _) = app.profile().await;
    assert_eq!(name, env.user_name);
}

/// Issue 20, 3: Back from the provider's login page to the page where Sign In was
/// clicked, restored from the back/forward cache, stayed "authenticating" for ever,
/// every sign-in button disabled.
#[tokio::test]
async fn back_from_the_providers_page_to_a_cached_page_offers_sign_in_again() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        browser.mark_page().await;
        match env.engine {
            Engine::Chromium => app.click_sign_in().await,
            // Firefox keeps no page that a click's handler sent away by script in its
            // back/forward cache (a plain link it keeps; measured with Firefox ESR
            // 153: `location.assign` or an anchor's `click()` from a trusted click's
            // handler, and the page is loaded anew on Back). The Back then shows a new
            // page, which offers Sign In by itself. The click the page's own script
            // makes is kept, so the restore this test is about is still reached.
            Engine::Firefox => app.click_sign_in_by_script().await,
        }
        assert!(
            back_from_the_login_page(&app, &browser, &env).await,
            "the page came back from the back/forward cache (its memory kept)"
        );
        assert!(app.header_offers_sign_in().await, "Sign In works again");
        browser
            .wait_for_text("[data-testid=auth-error]", "sign-in was not finished")
            .await;
        // And it does work: the same button signs in.
        signs_in_again(&app, &browser, &env).await;
    })
    .await;
}

/// The same from a guarded page, with the refresh token at rest: the page must not
/// look for a session it has no reason to expect and end "signed out", or its guard
/// would start the same login again and Back could never leave the provider's page.
#[tokio::test]
async fn back_from_the_provider_to_a_guarded_page_does_not_send_the_user_back_again() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        browser.goto(&app.url("/api")).await;
        ProviderPages::new(&browser, &env).login_heading().await;
        browser.client.back().await.expect("back");
        browser.wait_for_url(&app.url("/api")).await;
        browser
            .wait_for_text("[data-testid=guard-error]", "sign-in was not finished")
            .await;
        assert_eq!(browser.url().await, app.url("/api"), "stays on the page");
        assert!(app.header_offers_sign_in().await);
    })
    .await;
}

/// Issue 20, 4: Back past the provider's pages after signing in: the provider replays
/// its login (a new code, the spent `state`), as Auth0 and Keycloak do. Nothing of
/// the replay is redeemed; the user is signed in silently where the login landed,
/// with no error.
#[tokio::test]
async fn back_to_the_provider_after_signing_in_lands_signed_in_without_an_error() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        let first = loaded_from(&browser).await;
        let spent_state = query_value(&first, "state").expect("the callback had a state");
        browser.client.back().await.expect("back");
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        // The set-up took effect: this document is the provider's replay of the
        // finished login, with a new code and the spent state.
        let replay = loaded_from(&browser).await;
        assert!(replay.starts_with(&app.url("/callback?")), "{replay}");
        assert_eq!(query_value(&replay, "state"), Some(spent_state));
        assert_ne!(query_value(&replay, "code"), query_value(&first, "code"));
        assert!(!browser.exists("[data-testid=callback-error]").await);
        assert!(!browser.exists("[data-testid=session-error]").await);
        assert_eq!(
            browser.requests_to("/oauth/token").await,
            1,
            "one code exchange: the silent sign-in's, never the replayed code's"
        );
        assert_eq!(
            browser.url().await,
            app.url("/profile"),
            "a clean address bar"
        );
        assert_eq!(app.header_user().await, env.user_name);
        assert!(
            app.pending_states().await.is_empty(),
            "no login left pending"
        );
    })
    .await;
}

/// The review's account switch: with the refresh token in IndexedDB, grace signs in in
/// one tab while another shows ada. Ada's tab must drop her session at once and leave
/// grace's token alone (it used to spend grace's token for its own API calls, then
/// sign out with "another user" and delete it, signing grace out too).
#[tokio::test]
async fn another_account_signing_in_in_another_tab_ends_this_tabs_session_only() {
    with_browser(|browser, env| async move {
        // Two tabs on the signed-out home page; ada signs in in the first.
        let app = App::persistent(&browser, &env);
        app.open("/").await;
        let ada_tab = browser.open_tab().await;
        app.open("/").await;
        let other_tab = browser.switch_to(ada_tab).await;
        app.click_sign_in().await;
        ProviderPages::new(&browser, &env).sign_in().await;
        ProviderPages::new(&browser, &env).consent(true).await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        // Her provider session ends behind the app's back (a third tab), then grace
        // signs in from the other tab, still showing the signed-out home page.
        let ada_tab = browser.open_tab().await;
        browser.goto(&format!("{}/oidc/logout", env.idp)).await;
        browser
            .wait_for_url(&format!("{}/oidc/logout/success", env.idp))
            .await;
        browser.switch_to(other_tab).await;
        app.click_sign_in().await;
        ProviderPages::new(&browser, &env)
            .sign_in_and_allow("grace", "grace-password")
            .await;
        let (name, _) = app.profile().await;
        assert_eq!(name, "Grace Hopper");
        let grace_tab = browser.switch_to(ada_tab).await;
        browser
            .wait_for_text("[data-testid=session-error]", "another account signed in")
            .await;
        assert!(app.header_offers_sign_in().await);
        browser.switch_to(grace_tab).await;
        app.renew_and_wait().await;
        assert_eq!(
            app.header_user().await,
            "Grace Hopper",
            "grace stays signed in"
        );
        assert!(
            !stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix()))
                .await
                .is_null(),
            "grace's refresh token is kept"
        );
    })
    .await;
}
