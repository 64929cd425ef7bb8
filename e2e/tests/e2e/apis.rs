//! Several APIs from one sign-in (a token per audience), a step-up for the API that
//! needs a second factor, the app state carried through that login, and signing out
//! of the app alone.

use e2e::app::App;
use e2e::provider::ProviderPages;

use crate::{sign_in, with_browser};

const NOTES: &str = "[data-testid=api-notes]";
const BILLING: &str = "[data-testid=api-billing]";

#[tokio::test]
async fn two_apis_with_their_own_audiences_from_one_sign_in() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        app.nav("API").await;
        // The configured API, and Notes with a token for its own audience (the API
        // refuses a token for another one).
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        browser
            .wait_for_text(
                &format!("{NOTES} [data-testid=http-body]"),
                "Hello from the Notes API",
            )
            .await;
        let body = browser
            .text_of(&format!("{NOTES} [data-testid=http-body]"))
            .await;
        assert!(
            body.contains("https://notes.api.leptos-pkce.test"),
            "{body}"
        );
        // Another method with a JSON body, with the same token.
        browser.fill("[data-testid=note-text]", "buy milk").await;
        browser.click("[data-testid=add-note]").await;
        browser
            .wait_for_text("[data-testid=note-added]", "you have 1 notes")
            .await;
        browser
            .wait_for_text(&format!("{NOTES} [data-testid=http-body]"), "buy milk")
            .await;
    })
    .await;
}

#[tokio::test]
async fn a_step_up_for_the_api_that_needs_a_second_factor_ends_with_the_call_succeeding() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        app.nav("API").await;
        // The refresh grant for Billing gets `mfa_required`: a typed error, a button.
        let needed = browser
            .text_of(&format!("{BILLING} [data-testid=step-up-needed]"))
            .await;
        assert!(needed.contains("stronger sign-in"), "{needed}");
        assert!(!browser.exists("[data-testid=step-up-done]").await);
        browser
            .click(&format!("{BILLING} [data-testid=step-up]"))
            .await;
        // The provider asks again, with the second factor.
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in().await;
        browser.fill("#otp", "123456").await;
        browser.click("#verify").await;
        // Back on the same page, with the app state the login carried, and the call
        // that needed the second factor answered.
        browser.wait_for_url(&app.url("/api")).await;
        browser.wait_for("[data-testid=step-up-done]").await;
        browser
            .wait_for_text(
                &format!("{BILLING} [data-testid=http-body]"),
                "Hello from the Billing API",
            )
            .await;
        let body = browser
            .text_of(&format!("{BILLING} [data-testid=http-body]"))
            .await;
        assert!(
            body.contains("multi-factor"),
            "the token carries the second factor: {body}"
        );
        // The other APIs still work from the new sign-in.
        browser
            .wait_for_text(
                &format!("{NOTES} [data-testid=http-body]"),
                "Hello from the Notes API",
            )
            .await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
    })
    .await;
}

#[tokio::test]
async fn signing_out_of_the_app_only_keeps_the_provider_session() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        browser.click("[data-testid=sign-out-here]").await;
        assert!(app.header_offers_sign_in().await, "signed out of the app");
        assert!(
            browser.url().await.starts_with(&env.app),
            "never sent to the provider's logout"
        );
        assert_eq!(app.stored_keys().await, serde_json::json!([]));
        // The provider's session is still open: signing in again needs no password
        // (consent again: the sign-out revoked the grant with its refresh token).
        app.open("/").await;
        app.click_sign_in().await;
        let provider = ProviderPages::new(&browser, &env);
        crate::library::without_password(&browser, &provider, "[data-testid=profile]").await;
    })
    .await;
}
