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

/// Starts watching, inside the page every 5 ms, the deepest chain of frames under it
/// (1 is the silent sign-in's own frame); `window.__deepestFrames` holds the most
/// seen. In the page, because a frame that lives a few hundred milliseconds can fall
/// between two WebDriver round trips.
const WATCH_FRAME_DEPTH: &str = "function depth(w) {
    let d = 0;
    for (let i = 0; i < w.frames.length; i++) d = Math.max(d, 1 + depth(w.frames[i]));
    return d;
  }
  window.__deepestFrames = depth(window);
  setInterval(() => { window.__deepestFrames = Math.max(window.__deepestFrames, depth(window)); }, 5);
  return true;";

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
        browser.eval(WATCH_FRAME_DEPTH).await;
        // The silent sign-in's frame loads the app; the app in it hands the answer
        // over in the static page's place, and starts no silent sign-in of its own
        // (a frame in the frame, again and again).
        let deepest = || async {
            browser
                .eval("return window.__deepestFrames")
                .await
                .as_u64()
                .unwrap_or(0)
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(25);
        while !browser.exists("[data-testid=header-user]").await {
            assert!(
                !app.header_offers_sign_in_now().await,
                "signed out: the app in the frame did not answer (frames {})",
                deepest().await
            );
            assert!(
                std::time::Instant::now() < deadline,
                "never signed in again; frames {}",
                deepest().await
            );
            tokio::time::sleep(std::time::Duration::from_millis(40)).await;
        }
        // Set-up: the sign-in went through the hidden frame (not the top-level
        // redirect that follows a frame without an answer), and nothing but the app
        // answers at that path.
        let through_frame = browser
            .eval(
                "return performance.getEntriesByType('resource').some(e => \
                 e.initiatorType === 'iframe' && e.name.includes('prompt=none')) && \
                 performance.getEntriesByType('navigation').length === 1 && \
                 !performance.getEntriesByType('navigation')[0].name.includes('code=')",
            )
            .await;
        assert_eq!(
            through_frame,
            serde_json::json!(true),
            "set-up: signed in by the frame"
        );
        let silent_page = browser.fetch_text("/example/auth/callback").await;
        assert!(
            silent_page
                .as_deref()
                .is_some_and(|page| page.contains("<title>leptos-pkce · Sign in with PKCE</title>")),
            "set-up: the app, not the static page, answers there: {silent_page:?}"
        );
        let deepest = deepest().await;
        assert!(
            deepest <= 1,
            "only the silent sign-in's own frame, none nested: {deepest}"
        );
        assert_eq!(app.header_user().await, name, "signed in again, silently");
    })
    .await;
}
