//! The library as other apps use it: a second app on the same origin with its own
//! callback path and storage prefix, and a generic provider without a logout endpoint.

use std::time::Duration;

use e2e::app::App;
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::refreshes::{refresh_status, watched_refreshes, WATCH_REFRESHES};
use tokio::time::Instant;

use crate::{sign_in_to, with_browser};

/// The example app (`examples/minimal`), served under `/example/` of the main app's
/// origin, finishing logins at `/example/auth/callback`.
const EXAMPLE: &str = "/example";

#[tokio::test]
async fn a_second_app_with_its_own_callback_path_signs_in_beside_the_main_app() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let main_tab = browser.open_tab().await;

        // The protected route starts a login that must finish at the example's own
        // callback path and come back to the route, with a clean address bar.
        browser.goto(&app.url(&format!("{EXAMPLE}/private"))).await;
        let provider = ProviderPages::new(&browser, &env);
        without_password(&browser, &provider, "[data-testid=example-private]").await;
        browser
            .wait_for_text("[data-testid=example-private]", &env.user_name)
            .await;
        assert_eq!(
            browser.url().await,
            app.url(&format!("{EXAMPLE}/private")),
            "back at the route, no code or state left"
        );
        // Only the example's list of finished logins (states and paths, for a
        // provider's replay on Back) stays in the tab.
        let keys = browser.eval("return Object.keys(sessionStorage)").await;
        assert_eq!(
            keys,
            serde_json::json!(["example.spent"]),
            "the example's transaction is used up"
        );

        // Signing out of the example (RP-initiated logout, back to /example/) must not
        // reach the main app's tab: another prefix, another channel.
        browser.click("nav a[href='/example/']").await;
        browser
            .wait_for_text("[data-testid=example-user]", &env.user_name)
            .await;
        browser.click("[data-testid=example-sign-out]").await;
        browser.wait_for("[data-testid=example-sign-in]").await;
        assert!(browser
            .url()
            .await
            .starts_with(&app.url(&format!("{EXAMPLE}/"))));
        browser.switch_to(main_tab).await;
        assert_eq!(
            app.header_user().await,
            env.user_name,
            "the main app stays signed in"
        );
        assert!(!browser.exists("[data-testid=session-error]").await);
    })
    .await;
}

#[tokio::test]
async fn a_generic_provider_without_a_logout_endpoint_signs_out_locally() {
    with_browser(|browser, env| async move {
        let app = App::generic(&browser, &env);
        let provider = ProviderPages::generic(&browser, &env);
        sign_in_to_generic(&app, &provider).await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);

        app.sign_out().await;
        let note = browser.text_of("[data-testid=provider-session-note]").await;
        assert!(note.contains("may still be open"), "{note}");
        assert_eq!(
            browser.url().await,
            app.url("/"),
            "never sent to a logout page the provider does not have"
        );
        assert!(app.header_offers_sign_in().await);

        // What the note says is true: the provider's session is still open, so the
        // next sign-in needs no password.
        app.click_sign_in().await;
        without_password(&browser, &provider, "[data-testid=profile]").await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
    })
    .await;
}

/// Signs the configured user in to the generic app at the generic provider.
async fn sign_in_to_generic(app: &App<'_>, provider: &ProviderPages<'_>) {
    app.open("/").await;
    app.click_sign_in().await;
    provider.sign_in().await;
    provider.consent(true).await;
    app.profile().await;
}

/// Waits for `css`, answering a consent page if the provider shows one; the
/// provider's session is already open, so its login form must not appear.
pub(crate) async fn without_password(browser: &Browser, provider: &ProviderPages<'_>, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !browser.exists(css).await {
        assert!(
            !browser.exists("input[name=password]").await,
            "the provider asked for the password again"
        );
        if browser.exists("#allow").await {
            provider.consent(true).await;
        }
        assert!(
            Instant::now() < deadline,
            "`{css}` never appeared; at {}",
            browser.url().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_local_sign_out_revokes_the_refresh_token_at_the_provider() {
    with_browser(|browser, env| async move {
        // The generic provider has no logout endpoint: its session, and so its
        // grants, outlive the sign-out, and only the revocation ends the token.
        let app = App::generic(&browser, &env);
        sign_in_to_generic(&app, &ProviderPages::generic(&browser, &env)).await;
        browser.eval(WATCH_REFRESHES).await;
        app.renew_and_wait().await;
        let (_, handed_out) = watched_refreshes(&browser).await;
        let [token] = handed_out.as_slice() else {
            panic!("one rotated refresh token expected, saw {handed_out:?}");
        };
        app.sign_out().await;
        browser
            .wait_for("[data-testid=provider-session-note]")
            .await;
        assert_eq!(
            refresh_status(&browser, &env.generic_idp, &env.client_id, token).await,
            400,
            "the refresh token was revoked"
        );
    })
    .await;
}

#[tokio::test]
async fn without_a_refresh_token_a_silent_sign_in_renews_the_access_token() {
    with_browser(|browser, env| async move {
        // The example asks for no offline_access: no refresh token, so the library
        // renews in the hidden iframe, the user never noticing.
        let app = App::new(&browser, &env);
        browser.goto(&app.url(&format!("{EXAMPLE}/private"))).await;
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in().await;
        provider.consent(true).await;
        browser.wait_for("[data-testid=example-private]").await;
        browser.click("nav a[href='/example/']").await;
        let first = browser.text_of("[data-testid=example-expiry]").await;
        // 45 s tokens are renewed when half spent.
        let renewed = browser
            .wait_for_text_change_within(
                "[data-testid=example-expiry]",
                &first,
                Duration::from_secs(40),
            )
            .await;
        assert!(renewed > first, "{renewed} after {first}");
        assert_eq!(
            browser.url().await,
            app.url(&format!("{EXAMPLE}/")),
            "never left"
        );
        assert_eq!(
            browser.text_of("[data-testid=example-user]").await,
            env.user_name
        );
    })
    .await;
}
