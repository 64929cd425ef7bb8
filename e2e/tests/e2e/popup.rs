//! Signing in in a popup window: the page stays as it was; a blocked popup and a
//! closed one end with clear messages.

use std::time::Duration;

use e2e::app::{App, POPUP_BUTTON};
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use fantoccini::wd::WindowHandle;

use crate::with_browser;

/// Posts, from the current window to `target` (`window.opener`, `window`), an answer
/// of the silent-callback page's shape for the login of `state` with a forged code;
/// returns the origin it was posted from.
async fn post_forged_answer(browser: &Browser, target: &str, state: &str) -> serde_json::Value {
    let script = format!(
        "{target}.postMessage({{ type: 'leptos-pkce-silent-callback',
           query: '?code=forged&state=' + arguments[0] }}, '*');
         return window.location.origin;"
    );
    browser
        .client
        .execute(&script, vec![state.into()])
        .await
        .expect("post a forged answer")
}

/// Opens the popup login and waits for the provider's page in it; returns the app's
/// window, the popup's, and the popup login's `state` (read from the app's tab), with
/// the popup current.
async fn popup_at_the_provider(
    browser: &Browser,
    app: &App<'_>,
    provider: &ProviderPages<'_>,
) -> (WindowHandle, WindowHandle, String) {
    let main = app.open_popup_login().await;
    provider.login_heading().await;
    let popup = browser.switch_to(main.clone()).await;
    let state = app.pending_states().await.pop().expect("the popup's login");
    browser.switch_to(popup.clone()).await;
    (main, popup, state)
}

#[tokio::test]
async fn a_popup_login_signs_in_and_the_page_keeps_its_state() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        // Something only this page load holds: a reload or a redirect would lose it.
        browser
            .eval("window.keptState = 'half-filled form'; return null;")
            .await;
        let main = app.open_popup_login().await;
        ProviderPages::new(&browser, &env)
            .sign_in_and_allow(&env.user, &env.password)
            .await;
        browser
            .client
            .switch_to_window(main)
            .await
            .expect("back to the app");
        assert_eq!(app.header_user().await, env.user_name);
        assert_eq!(browser.url().await, app.url("/"), "the page never left");
        assert_eq!(
            browser.eval("return window.keptState;").await,
            serde_json::json!("half-filled form"),
            "the page kept its state"
        );
        // The popup closed itself once its answer was in.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while browser.window_count().await > 1 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the popup stayed open"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            app.stored_keys().await,
            serde_json::json!([]),
            "no transaction left"
        );
    })
    .await;
}

#[tokio::test]
async fn a_blocked_popup_is_a_clear_error() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        // A click from script is no user gesture: the browser blocks the popup.
        browser
            .eval(&format!(
                "document.querySelector('{POPUP_BUTTON}').click(); return null;"
            ))
            .await;
        let error = browser.text_of("[data-testid=popup-error]").await;
        assert!(error.contains("blocked by the browser"), "{error}");
        assert_eq!(browser.window_count().await, 1, "no popup opened");
        assert!(app.header_offers_sign_in().await);
        assert_eq!(app.stored_keys().await, serde_json::json!([]));
    })
    .await;
}

#[tokio::test]
async fn a_popup_closed_by_the_user_is_a_clear_error() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        let main = app.open_popup_login().await;
        ProviderPages::new(&browser, &env).login_heading().await;
        // A person takes longer than a second: a popup gone sooner reads as cut off
        // by the provider's page (Cross-Origin-Opener-Policy), a different message.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        browser
            .client
            .close_window()
            .await
            .expect("close the popup");
        browser
            .client
            .switch_to_window(main)
            .await
            .expect("back to the app");
        let error = browser.text_of("[data-testid=popup-error]").await;
        assert!(
            error.contains("closed before the sign-in finished"),
            "{error}"
        );
        assert!(app.header_offers_sign_in().await);
        assert_eq!(
            app.stored_keys().await,
            serde_json::json!([]),
            "the transaction is gone"
        );
    })
    .await;
}

#[tokio::test]
async fn an_answer_posted_by_the_providers_page_is_ignored() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        let provider = ProviderPages::new(&browser, &env);
        // The login's own state, so only the origin check can refuse the forged
        // answer: answers for another state are ignored anyway.
        let (main, _popup, state) = popup_at_the_provider(&browser, &app, &provider).await;
        // Script on another origin (here the provider's page in the popup) posts an
        // answer of the expected shape to the app: only this origin is heard.
        let posted = post_forged_answer(&browser, "window.opener", &state).await;
        assert_eq!(
            posted,
            serde_json::json!(env.idp),
            "posted from the provider's origin"
        );
        provider.sign_in_and_allow(&env.user, &env.password).await;
        browser
            .client
            .switch_to_window(main)
            .await
            .expect("back to the app");
        // Had the forged answer been taken, its code would have been refused.
        assert_eq!(app.header_user().await, env.user_name);
        assert!(!browser.exists("[data-testid=popup-error]").await);
    })
    .await;
}

/// SECURITY.md's message filter, the source check: an answer of the right shape, for
/// the right login, from this very origin but not from the popup (here the app's own
/// window; in life any other window or frame of the origin) is not heard.
#[tokio::test]
async fn an_answer_from_another_window_of_the_origin_is_ignored() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        let provider = ProviderPages::new(&browser, &env);
        let (main, popup, state) = popup_at_the_provider(&browser, &app, &provider).await;
        browser.switch_to(main.clone()).await;
        let posted = post_forged_answer(&browser, "window", &state).await;
        assert_eq!(
            posted,
            serde_json::json!(env.app),
            "posted from the app's origin"
        );
        browser.switch_to(popup).await;
        provider.sign_in_and_allow(&env.user, &env.password).await;
        browser
            .client
            .switch_to_window(main)
            .await
            .expect("back to the app");
        assert_eq!(app.header_user().await, env.user_name);
        assert!(!browser.exists("[data-testid=popup-error]").await);
    })
    .await;
}
