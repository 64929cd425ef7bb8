//! After the login: silent renewal, refresh across tabs, revocation, logout at the
//! provider, user info and API calls, protected pages, reloads. The provider runs
//! with 45-second access tokens and 300 ms token answers (`cargo xtask test`).

use std::time::Duration;

use e2e::app::App;
use e2e::provider::ProviderPages;
use e2e::refreshes::{refresh_status, watched_refreshes, watched_refreshes_after, WATCH_REFRESHES};

use crate::{sign_in, sign_in_to, with_browser};

#[tokio::test]
async fn the_access_token_renews_without_the_user_noticing() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        let first = app.token_expiry().await;
        // Renewal is due when the 45 s token is half spent (the 30 s margin would
        // leave it stale on arrival).
        let renewed = browser
            .wait_for_text_change_within(
                "[data-testid=token-expiry]",
                &first,
                Duration::from_secs(40),
            )
            .await;
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
async fn a_reload_keeps_the_user_signed_in_with_no_token_at_rest() {
    with_browser(|browser, env| async move {
        // Memory mode (the default): nothing but the non-secret hint is stored, and
        // the hidden iframe signs the user back in (the provider is on the same site).
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        assert_eq!(app.stored_keys().await, serde_json::json!([]));
        assert_eq!(app.indexed_databases().await, Vec::<String>::new());
        assert!(app.signed_in_hint().await);
        browser.reload().await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        // The session signed back in renews (with the refresh token the silent
        // sign-in got) and still keeps nothing at rest.
        app.renew_and_wait().await;
        assert_eq!(app.header_user().await, env.user_name);
        assert_eq!(app.indexed_databases().await, Vec::<String>::new());
        assert_eq!(
            browser.url().await,
            app.url("/profile"),
            "never left the page"
        );
        assert_eq!(
            app.stored_keys().await,
            serde_json::json!([]),
            "no transaction left"
        );

        // With indexed_db the refresh token restores the session instead.
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
async fn across_sites_a_reload_signs_back_in_through_a_top_level_redirect() {
    with_browser(|browser, env| async move {
        // The app on localhost, the provider on 127.0.0.1: another site, so the
        // provider's cookies stay out of the iframe (as when third-party cookies are
        // blocked) and only a top-level prompt=none redirect can see its session.
        let app = App::cross_site(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        browser.goto(&app.url("/profile?tab=claims")).await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name);
        assert_eq!(
            browser.url().await,
            app.url("/profile?tab=claims"),
            "back on the page that was opened, with a clean address bar"
        );
    })
    .await;
}

#[tokio::test]
async fn signed_out_at_the_provider_a_reload_leaves_the_user_quietly_signed_out() {
    with_browser(|browser, env| async move {
        for app in [App::new(&browser, &env), App::cross_site(&browser, &env)] {
            sign_in_to(&app, &browser, &env).await;
            // The provider's session ends behind the app's back (another app's logout).
            browser.goto(&format!("{}/oidc/logout", env.idp)).await;
            browser
                .wait_for_url(&format!("{}/oidc/logout/success", env.idp))
                .await;
            browser.goto(&app.url("/profile")).await;
            browser.wait_for("[data-testid=signed-out]").await;
            assert!(app.header_offers_sign_in().await);
            assert!(
                !browser.exists("[data-testid=session-error]").await,
                "no error: signed out is not a failure"
            );
            assert_eq!(
                browser.url().await,
                app.url("/profile"),
                "no loop, no error page"
            );
            assert!(
                !app.signed_in_hint().await,
                "the hint is gone: no retry next time"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_signed_out_visitor_never_reaches_the_provider() {
    with_browser(|browser, env| async move {
        for app in [App::new(&browser, &env), App::cross_site(&browser, &env)] {
            app.open("/").await;
            assert!(app.header_offers_sign_in().await);
            let provider_requests = browser
                .eval(&format!(
                    "return performance.getEntriesByType('resource')
                       .map(e => e.name).filter(n => n.startsWith('{}'));",
                    env.idp
                ))
                .await;
            let requests = provider_requests.as_array().cloned().unwrap_or_default();
            assert!(
                requests
                    .iter()
                    .all(|r| !r.as_str().unwrap_or("").contains("/authorize")),
                "no silent sign-in without the hint: {requests:?}"
            );
            assert_eq!(browser.url().await, app.url("/"));
        }
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
        // provider would refuse the second (and revoke the grant).
        browser.eval(WATCH_REFRESHES).await;
        app.renew().await;
        browser.switch_to(tab_one.clone()).await;
        browser.eval(WATCH_REFRESHES).await;
        app.renew().await;
        let mut handed_out = Vec::new();
        for tab in [tab_one, tab_two] {
            browser.switch_to(tab).await;
            // Waits until this tab's refresh (sent once it holds the lock) is answered.
            let (sent, tokens) = watched_refreshes_after(&browser, 1).await;
            assert_eq!(sent, 1, "one refresh per tab");
            assert_eq!(
                tokens.len(),
                1,
                "the provider granted it (no invalid_grant)"
            );
            handed_out.extend(tokens);
            assert_eq!(app.header_user().await, env.user_name);
        }
        assert_ne!(
            handed_out[0], handed_out[1],
            "each tab spent the token the other had just received"
        );
        // The token kept at the end is the newest, and the provider still honours it.
        let kept =
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await;
        let kept = kept.as_str().expect("a stored refresh token");
        assert!(
            handed_out.iter().any(|t| t == kept),
            "the newest token is kept"
        );
        assert_eq!(
            refresh_status(&browser, &env.idp, &env.client_id, kept).await,
            200
        );
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
        let token =
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await;
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
        let stored =
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await;
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
        let second = two_signed_in_tabs(&app, &browser, &env).await;
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

/// Signs in to `app` (which keeps its refresh token in IndexedDB), opens a second tab
/// that restores the session, and comes back to the first; returns the second's
/// handle.
async fn two_signed_in_tabs(
    app: &App<'_>,
    browser: &e2e::browser::Browser,
    env: &e2e::Env,
) -> fantoccini::wd::WindowHandle {
    sign_in_to(app, browser, env).await;
    let first = browser.open_tab().await;
    app.open("/profile").await;
    assert_eq!(app.header_user().await, env.user_name);
    browser.switch_to(first).await
}

/// Leaves a sign-out unfinished, as a page does that is closed after the click (or
/// cannot load the code that forgets the token) before its refresh token is
/// forgotten: the mark the click writes, read back.
async fn mark_sign_out_unfinished(browser: &e2e::browser::Browser, app: &App<'_>) {
    let key = format!("{}.sign-out-pending", app.storage_prefix());
    let read = browser
        .client
        .execute(
            "localStorage.setItem(arguments[0], '1'); return localStorage.getItem(arguments[0]);",
            vec![key.into()],
        )
        .await
        .expect("set the mark");
    assert_eq!(read, serde_json::json!("1"), "set-up: the mark is stored");
}

async fn sign_out_mark(app: &App<'_>) -> serde_json::Value {
    app.local_item("sign-out-pending").await
}

#[tokio::test]
async fn a_sign_out_left_unfinished_is_finished_by_the_next_page_load_unless_a_login_came_since() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        let database = format!("{}.tokens", app.storage_prefix());
        let token = stored_refresh_token(&browser, &database).await;
        let token = token
            .as_str()
            .expect("set-up: a refresh token at rest")
            .to_owned();
        assert_eq!(sign_out_mark(&app).await, serde_json::Value::Null);

        mark_sign_out_unfinished(&browser, &app).await;
        browser.reload().await;
        assert!(
            app.header_offers_sign_in().await,
            "the session is not restored"
        );
        assert_eq!(
            stored_refresh_token(&browser, &database).await,
            serde_json::Value::Null,
            "the refresh token at rest is forgotten"
        );
        assert_eq!(
            refresh_status(&browser, &env.idp, &env.client_id, &token).await,
            400,
            "and revoked"
        );
        assert_eq!(sign_out_mark(&app).await, serde_json::Value::Null);

        // A login after the unfinished sign-out keeps its own token: the mark goes.
        app.open("/").await;
        assert!(app.header_offers_sign_in().await);
        mark_sign_out_unfinished(&browser, &app).await;
        app.click_sign_in().await;
        // The provider's session is open; the revoked grant asks for consent again.
        let provider = ProviderPages::new(&browser, &env);
        crate::library::without_password(&browser, &provider, "[data-testid=profile]").await;
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while sign_out_mark(&app).await != serde_json::Value::Null {
            assert!(
                std::time::Instant::now() < deadline,
                "the login clears the mark"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        browser.reload().await;
        let (name, _) = app.profile().await;
        assert_eq!(name, env.user_name, "the new login's session is restored");
    })
    .await;
}

/// The refresh token the app keeps in IndexedDB (`null` when there is none); it is
/// stored with the issuer and client it belongs to.
pub(crate) async fn stored_refresh_token(
    browser: &e2e::browser::Browser,
    database: &str,
) -> serde_json::Value {
    let script = "const done = arguments[arguments.length - 1];
        const open = indexedDB.open(arguments[0], 1);
        open.onupgradeneeded = () => open.result.createObjectStore('tokens');
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('tokens').objectStore('tokens').get('refresh_token');
          get.onsuccess = () => { db.close(); done(get.result === undefined ? null : JSON.parse(get.result).refresh_token); };
          get.onerror = () => done(null);
        };
        open.onerror = () => done(null);";
    browser
        .client
        .execute_async(script, vec![database.into()])
        .await
        .expect("read IndexedDB")
}

#[tokio::test]
async fn a_double_click_on_renew_sends_one_refresh_and_keeps_the_session() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        browser.eval(WATCH_REFRESHES).await;
        let before = app.token_expiry().await;
        // Two clicks in one go, the second while the first refresh is in flight (the
        // provider answers after 300 ms): with rotation, spending the same refresh
        // token twice would make the provider revoke the grant.
        browser
            .eval(
                "const renew = document.querySelector('[data-testid=renew]');
                   renew.click(); renew.click(); return null;",
            )
            .await;
        browser
            .wait_for_text_change("[data-testid=token-expiry]", &before)
            .await;
        let (sent, tokens) = watched_refreshes(&browser).await;
        assert_eq!(sent, 1, "one refresh request for both clicks");
        assert_eq!(tokens.len(), 1);
        assert_eq!(app.header_user().await, env.user_name);
        assert!(!browser.exists("[data-testid=session-error]").await);
        // The session goes on with the rotated token.
        app.renew_and_wait().await;
        assert_eq!(watched_refreshes(&browser).await.0, 2);
    })
    .await;
}

#[tokio::test]
async fn signing_out_during_a_renewal_wins_in_every_tab_and_revokes_the_token() {
    with_browser(|browser, env| async move {
        let app = App::persistent(&browser, &env);
        let second = two_signed_in_tabs(&app, &browser, &env).await;
        let spent =
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await;
        let spent = spent.as_str().expect("a stored refresh token").to_owned();
        browser.eval(WATCH_REFRESHES).await;
        // Renew, and sign out as soon as that refresh request has left (the
        // provider answers after 300 ms): the renewal is in flight.
        let raced = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 document.querySelector('[data-testid=renew]').click();
                 const started = Date.now();
                 const wait = () => {
                   if (sessionStorage.getItem('test.refresh.sent') === '1') {
                     document.querySelector('.site-header .session button').click();
                     done(true);
                   } else if (Date.now() - started > 5000) {
                     done(false);
                   } else {
                     setTimeout(wait, 5);
                   }
                 };
                 wait();",
                vec![],
            )
            .await
            .expect("renew, then sign out");
        assert_eq!(
            raced,
            serde_json::json!(true),
            "set-up: the sign-out was clicked while the refresh was in flight"
        );
        browser.wait_for_url(&app.url("/")).await;
        assert!(app.header_offers_sign_in().await);
        let (sent, handed_out) = watched_refreshes(&browser).await;
        assert_eq!(
            (sent, handed_out.len()),
            (1, 1),
            "the renewal did race the sign-out"
        );
        assert_eq!(
            stored_refresh_token(&browser, &format!("{}.tokens", app.storage_prefix())).await,
            serde_json::Value::Null,
            "IndexedDB is empty"
        );
        for token in [&spent, &handed_out[0]] {
            assert_eq!(
                refresh_status(&browser, &env.idp, &env.client_id, token).await,
                400,
                "no refresh token of the session still works at the provider"
            );
        }
        browser.switch_to(second).await;
        assert!(
            app.header_offers_sign_in().await,
            "the other tab signed out too"
        );
    })
    .await;
}

#[tokio::test]
async fn the_renewal_timer_and_an_api_call_at_once_send_one_refresh() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        browser.eval(WATCH_REFRESHES).await;
        let before = app.token_expiry().await;
        // The 45 s token is renewed by the timer when half spent; call the API just
        // after that moment, while the timer's refresh is in flight (300 ms answers):
        // the call finds the token stale and must join that refresh, not start one.
        let joined = browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const expiry = Date.parse(arguments[0]);
                 const renewAt = expiry - 22500;
                 const wait = () => {
                   if (sessionStorage.getItem('test.refresh.sent') === '1'
                       || Date.now() >= renewAt + 100) {
                     const api = [...document.querySelectorAll('nav a')].find(a => a.textContent === 'API');
                     api.click();
                     done(sessionStorage.getItem('test.refresh.sent'));
                   } else {
                     setTimeout(wait, 5);
                   }
                 };
                 wait();",
                vec![before.clone().into()],
            )
            .await
            .expect("call the API as the timer fires");
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let (sent, tokens) = watched_refreshes(&browser).await;
        assert_eq!(sent, 1, "one refresh for the timer and the call (sent when the call left: {joined})");
        assert_eq!(tokens.len(), 1);
        app.nav("Profile").await;
        let after = app.token_expiry().await;
        assert!(after > before, "{after} after {before}");
        assert_eq!(app.header_user().await, env.user_name);
    })
    .await;
}
