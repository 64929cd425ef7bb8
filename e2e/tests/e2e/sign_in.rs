//! Signing in: the happy path, connections, invitations, and every way it must fail.

use e2e::app::App;
use e2e::provider::ProviderPages;

use crate::{sign_in, with_browser};

#[tokio::test]
async fn sign_in_lands_on_the_profile_with_a_clean_address_bar() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        let (name, email) = app.profile().await;
        assert_eq!(name, env.user_name);
        assert_eq!(email, env.user_email);
        assert_eq!(app.header_user().await, env.user_name);
        let url = browser.url().await;
        assert_eq!(
            url,
            app.url("/profile"),
            "no code or state may remain in the address bar"
        );
        assert!(!url.contains("code=") && !url.contains("state="), "{url}");
        let claims = app.claims_text().await;
        assert!(
            claims.contains(&format!("{}/", env.idp)),
            "issuer shown: {claims}"
        );
        let leftovers = app.stored_keys().await;
        assert_eq!(
            leftovers,
            serde_json::json!([]),
            "no transaction or token left in storage"
        );
        browser
            .screenshot(&format!("{}/profile.png", env.artifacts))
            .await;
    })
    .await;
}

#[tokio::test]
async fn github_connection_button_goes_to_the_github_connection() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        app.click_connection("github").await;
        let provider = ProviderPages::new(&browser, &env);
        assert_eq!(provider.login_heading().await, "Sign in with GitHub");
        provider
            .sign_in_and_allow("octocat", "octocat-password")
            .await;
        let (name, _) = app.profile().await;
        assert_eq!(name, "The Octocat");
        assert!(app.claims_text().await.contains("github|583231"));
    })
    .await;
}

#[tokio::test]
async fn organization_invitation_link_forwards_organization_and_invitation() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        browser
            .goto(
                &app.url("/login?organization=org_acme&invitation=inv_123&organization_name=acme"),
            )
            .await;
        let provider = ProviderPages::new(&browser, &env);
        provider.login_heading().await;
        let invitation = browser.text_of("[data-testid=invitation]").await;
        assert!(
            invitation.contains("org_acme") && invitation.contains("inv_123"),
            "{invitation}"
        );
        provider.sign_in_and_allow(&env.user, &env.password).await;
        app.profile().await;
        let claims = app.claims_text().await;
        assert!(
            claims.contains("org_id") && claims.contains("org_acme"),
            "{claims}"
        );
    })
    .await;
}

#[tokio::test]
async fn denying_consent_shows_a_clear_error_and_a_way_to_retry() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in_as("grace", "grace-password").await;
        provider.consent(false).await;
        let error = app.callback_error().await;
        assert!(error.contains("cancelled or access was denied"), "{error}");
        assert!(error.contains("The user denied consent"), "{error}");
        assert!(app.header_offers_sign_in().await);
        assert_eq!(
            browser.url().await,
            app.url("/callback"),
            "the error query is scrubbed"
        );
        browser.click("section.card button.primary").await; // "Try again"
                                                            // Still signed in at the provider, so only the consent question comes back.
        assert_eq!(
            provider.login_heading().await,
            format!("Authorize {}", env.client_id)
        );
        provider.consent(true).await;
        assert_eq!(app.header_user().await, "Grace Hopper");
    })
    .await;
}

#[tokio::test]
async fn forged_callback_shows_an_error_and_nobody_is_signed_in() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/callback?code=x&state=forged").await;
        let error = app.callback_error().await;
        assert!(
            error.contains("does not match a sign-in started in this browser"),
            "{error}"
        );
        assert!(app.header_offers_sign_in().await);
        browser.goto(&app.url("/profile")).await;
        browser.wait_for("[data-testid=signed-out]").await;
    })
    .await;
}

#[tokio::test]
async fn an_already_used_callback_url_is_never_redeemed_again() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        // The document's navigation entry still names the callback URL it loaded with.
        let used = browser
            .eval("return performance.getEntriesByType('navigation')[0].name")
            .await;
        let used = used.as_str().expect("navigation URL").to_owned();
        assert!(
            used.contains("/callback?") && used.contains("code="),
            "{used}"
        );
        // The tab finished that login: like a provider's replay on Back, the answer is
        // never redeemed; the session is recovered silently where the login landed.
        browser.goto(&used).await;
        let app = App::new(&browser, &env);
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        assert!(!browser.exists("[data-testid=callback-error]").await);
        assert_eq!(
            browser.requests_to("/oauth/token").await,
            1,
            "one code exchange: the silent sign-in's, not the used code's"
        );
        // In a new tab (which finished no login) the same URL is refused.
        browser.open_tab().await;
        browser.goto(&used).await;
        let error = app.callback_error().await;
        assert!(error.contains("unknown or already used state"), "{error}");
        assert!(app.header_offers_sign_in().await);
    })
    .await;
}

#[tokio::test]
async fn sign_out_returns_to_the_signed_out_view() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        app.sign_out().await;
        assert!(app.header_offers_sign_in().await);
        browser.wait_for(".hero .login-buttons").await;
        browser.goto(&app.url("/profile")).await;
        browser.wait_for("[data-testid=signed-out]").await;
    })
    .await;
}
