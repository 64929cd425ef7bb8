//! The configuration changes under a user: a deployment between sign-in and callback,
//! and a provider whose discovery document names another issuer. Each rewrites the
//! switch app's config.json, so they take turns.

use e2e::app::App;
use e2e::provider::ProviderPages;
use e2e::switch::ConfigSwitch;

use crate::with_browser;

/// The switch app has one config.json.
static SWITCH: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_login_started_for_another_client_is_refused_after_a_deployment() {
    let _turn = SWITCH.lock().await;
    with_browser(|browser, env| async move {
        let app = App::switchable(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        let provider = ProviderPages::new(&browser, &env);
        assert!(
            !provider.login_heading().await.is_empty(),
            "at the provider"
        );
        // Deployed while the user signs in: the app now belongs to another client.
        let _deployed = ConfigSwitch::replace(
            &env,
            r#""client_id": "spa-dev""#,
            r#""client_id": "another-client""#,
        );
        provider.sign_in_and_allow(&env.user, &env.password).await;
        // The code was redeemed with the transaction's client (the provider issued
        // tokens for spa-dev), but the session does not belong to the loaded
        // configuration: refused, nobody signed in, nothing kept.
        let error = app.callback_error().await;
        assert!(
            error.contains("sign-in settings changed while you were signing in"),
            "{error}"
        );
        assert!(app.header_offers_sign_in().await, "nobody is signed in");
        assert_eq!(app.stored_keys().await, serde_json::json!([]));
    })
    .await;
}

/// OpenID Foundation `oidcc-client-test-discovery-issuer-mismatch`: the discovery
/// document names another issuer than the configured one; the app never goes to that
/// provider.
#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_refused() {
    let _turn = SWITCH.lock().await;
    with_browser(|browser, env| async move {
        let _deployed = ConfigSwitch::replace(
            &env,
            r#""domain": "http://127.0.0.1:4000""#,
            &format!(r#""issuer": "{}/faults/issuer-mismatch/""#, env.idp),
        );
        let app = App::switchable(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        let error = browser.text_of("[data-testid=auth-error]").await;
        assert!(error.contains("names another issuer"), "{error}");
        assert!(
            browser.url().await.starts_with(&env.switch_app),
            "still on the app, not at the provider"
        );
    })
    .await;
}
