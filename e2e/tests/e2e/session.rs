//! After the login: silent renewal, refresh across tabs, revocation, logout at the
//! provider, user info and API calls, protected pages, reloads. The provider runs
//! with 45-second access tokens and 300 ms token answers (`cargo xtask test`).

use std::time::Duration;

use e2e::app::App;
use e2e::provider::ProviderPages;

use crate::{sign_in, sign_in_to, with_browser};

#[tokio::test]
async fn the_access_token_renews_without_the_user_noticing() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        let first = app.token_expiry().await;
        // Renewal is due 30 s before the 45 s token expires.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
        let renewed = loop {
            let now = app.token_expiry().await;
            if now != first {
                break now;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no renewal within 40 s"
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        };
        assert!(renewed > first, "{renewed} after {first}");
        assert_eq!(
            browser.url().await,
            app.url("/profile"),
            "no reload, no redirect"
        );
        assert_eq!(app.header_user().await, env.user_name);
    })
    .await;
}

#[tokio::test]
async fn userinfo_and_api_pages_show_live_data() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        app.nav("User info").await;
        let (status, body) = app.http_result().await;
        assert_eq!(status, "200");
        assert!(body.contains(&env.user_email), "{body}");
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let (status, _) = app.http_result().await;
        assert_eq!(status, "200");
    })
    .await;
}

#[tokio::test]
async fn a_protected_page_round_trips_through_login() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        browser.goto(&app.url("/api")).await;
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        browser.wait_for_url(&app.url("/api")).await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        assert_eq!(browser.url().await, app.url("/api"));
    })
    .await;
}

#[tokio::test]
async fn logout_ends_the_provider_session_too() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        // From a guarded page: signing out must not make the guard start a new login.
        app.nav("API").await;
        app.http_result().await;
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        assert!(app.header_offers_sign_in().await);
        app.click_sign_in().await;
        let provider = ProviderPages::new(&browser, &env);
        assert_eq!(
            provider.login_heading().await,
            "Sign in",
            "the password is asked again"
        );
        browser.wait_for("input[name=password]").await;
    })
    .await;
}

#[tokio::test]
async fn a_reload_signs_out_unless_the_refresh_token_is_stored() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        browser.reload().await;
        browser.wait_for("[data-testid=signed-out]").await;

        // Still signed in at the provider, so this login needs no password.
        let persistent = App::persistent(&browser, &env);
        persistent.open("/").await;
        persistent.click_sign_in().await;
        persistent.profile().await;
        browser.reload().await;
        let (name, _) = persistent.profile().await;
        assert_eq!(name, env.user_name);
    })
    .await;
}

#[tokio::test]
async fn two_tabs_renewing_at_the_same_moment_both_stay_signed_in() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let tab_one = browser.open_tab().await;
        let tab_two = current_tab(&browser).await;
        app.open("/profile").await;
        assert_eq!(
            app.header_user().await,
            env.user_name,
            "the second tab restores the session"
        );
        // Both refreshes leave while the other is in flight (token answers take 300 ms);
        // without the cross-tab lock they would spend the same refresh token and the
        // provider would revoke the grant.
        app.renew().await;
        browser.switch_to(tab_one.clone()).await;
        app.renew().await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        for tab in [tab_one, tab_two] {
            browser.switch_to(tab).await;
            let before = app.token_expiry().await;
            app.renew().await;
            browser
                .wait_for_text_change("[data-testid=token-expiry]", &before)
                .await;
            assert_eq!(app.header_user().await, env.user_name);
        }
    })
    .await;
}

/// The handle of the tab that is current now.
async fn current_tab(browser: &e2e::browser::Browser) -> fantoccini::wd::WindowHandle {
    browser.client.window().await.expect("current window")
}

#[tokio::test]
async fn a_revoked_refresh_token_signs_the_user_out_cleanly() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let token = stored_refresh_token(&browser, &app.storage_prefix()).await;
        let token = token.as_str().expect("a stored refresh token").to_owned();
        let revoke = format!(
            "const done = arguments[arguments.length - 1];
             const body = new URLSearchParams({{ token: arguments[0], client_id: '{}' }});
             fetch('{}/oauth/revoke', {{ method: 'POST', body }}).then(r => done(r.status));",
            env.client_id, env.idp
        );
        let status = browser
            .client
            .execute_async(&revoke, vec![serde_json::json!(token)])
            .await
            .expect("revoke");
        assert_eq!(
            status,
            serde_json::json!(200),
            "the provider revoked the token"
        );
        app.renew().await;
        let message = browser.text_of("[data-testid=session-error]").await;
        assert!(message.contains("session has ended"), "{message}");
        assert!(app.header_offers_sign_in().await);
        let stored = stored_refresh_token(&browser, &app.storage_prefix()).await;
        assert_eq!(
            stored,
            serde_json::Value::Null,
            "the dead token is forgotten"
        );
    })
    .await;
}

#[tokio::test]
async fn signing_out_in_one_tab_signs_the_other_out() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let first = browser.open_tab().await;
        app.open("/profile").await;
        assert_eq!(app.header_user().await, env.user_name);
        let second = browser.switch_to(first).await;
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        browser.switch_to(second).await;
        assert!(
            app.header_offers_sign_in().await,
            "the other tab signed out too"
        );
        browser.wait_for("[data-testid=signed-out]").await;
    })
    .await;
}

/// The refresh token the app keeps in IndexedDB (`null` when there is none).
async fn stored_refresh_token(
    browser: &e2e::browser::Browser,
    database: &str,
) -> serde_json::Value {
    let script = "const done = arguments[arguments.length - 1];
        const open = indexedDB.open(arguments[0], 1);
        open.onupgradeneeded = () => open.result.createObjectStore('tokens');
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('tokens').objectStore('tokens').get('refresh_token');
          get.onsuccess = () => { db.close(); done(get.result === undefined ? null : get.result); };
          get.onerror = () => done(null);
        };
        open.onerror = () => done(null);";
    browser
        .client
        .execute_async(script, vec![database.into()])
        .await
        .expect("read IndexedDB")
}
