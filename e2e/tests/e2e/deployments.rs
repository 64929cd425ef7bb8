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

/// The deepest chain of frames under the page: 1 is the silent sign-in's own frame.
const FRAME_DEPTH: &str = "function depth(w) {
    let d = 0;
    for (let i = 0; i < w.frames.length; i++) d = Math.max(d, 1 + depth(w.frames[i]));
    return d;
  }
  return depth(window);";

#[tokio::test]
async fn an_app_served_where_the_silent_page_should_be_answers_in_its_place_without_nesting_frames()
{
    let _turn = SWITCH.lock().await;
    with_browser(|browser, env| async move {
        // A deployment without the silent-callback page at silent_redirect_uri: the
        // server's single-page fallback answers there with the app itself (a path the
        // provider accepts as a redirect URI, and no file on the app's server).
        let _deployed = ConfigSwitch::replace(
            &env,
            r#""client_id": "spa-dev""#,
            &format!(
                r#""client_id": "spa-dev", "silent_redirect_uri": "{}/example/auth/callback""#,
                env.switch_app
            ),
        );
        let app = App::switchable(&browser, &env);
        crate::sign_in_to(&app, &browser, &env).await;
        let name = app.header_user().await;
        assert!(
            app.signed_in_hint().await,
            "set-up: a reload signs in silently"
        );
        browser.reload().await;
        // The silent sign-in's frame loads the app; the app in it hands the answer
        // over in the static page's place, and starts no silent sign-in of its own
        // (a frame in the frame, again and again).
        let mut deepest = 0;
        let mut saw_the_frame = false;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(25);
        while !browser.exists("[data-testid=header-user]").await {
            let depth = browser.eval(FRAME_DEPTH).await.as_u64().unwrap_or(0);
            saw_the_frame |= depth >= 1;
            deepest = deepest.max(depth);
            assert!(
                !app.header_offers_sign_in_now().await,
                "signed out: the app in the frame did not answer (frames {deepest})"
            );
            assert!(
                std::time::Instant::now() < deadline,
                "never signed in again; frames {deepest}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(40)).await;
        }
        assert!(saw_the_frame, "set-up: the silent sign-in framed the app");
        assert_eq!(
            deepest, 1,
            "only the silent sign-in's own frame, none nested"
        );
        assert_eq!(app.header_user().await, name, "signed in again, silently");
    })
    .await;
}
