//! Attacks and faults (RFC 9700, the IETF browser-based apps BCP): each ends in a
//! clear message, with nobody signed in and no token kept. Token endpoint faults and
//! forged ID tokens come from the provider's fault route (devidp/faults.js), which the
//! app at `E2E_FAULTS_APP_URL` uses as its token endpoint.

use std::time::Duration;

use e2e::app::App;
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::Env;

use crate::{arm, sign_in, sign_in_to, with_browser, FAULT_SLOT};

/// Signs in on the fault app with `kind` armed; returns the callback's error after
/// checking that nobody is signed in and nothing is kept. Armed before the app opens:
/// the key set the app fetches at start (which the login carries) is then the one
/// the fault serves.
async fn login_with_fault(browser: &Browser, env: &Env, kind: &str) -> String {
    let app = App::faults(browser, env);
    arm(env, kind);
    app.open("/").await;
    app.click_sign_in().await;
    let provider = ProviderPages::new(browser, env);
    provider.sign_in_and_allow(&env.user, &env.password).await;
    let error = app.callback_error().await;
    assert!(
        app.header_offers_sign_in().await,
        "{kind}: nobody is signed in"
    );
    assert_eq!(
        browser.url().await,
        app.url("/callback"),
        "{kind}: code and state scrubbed"
    );
    let stored = app.stored_keys().await;
    assert_eq!(stored, serde_json::json!([]), "{kind}: nothing kept");
    error
}

macro_rules! fault_cases {
    ($($name:ident: $kind:literal => $expected:literal;)*) => {$(
        #[tokio::test]
        async fn $name() {
            let _turn = FAULT_SLOT.lock().await;
            with_browser(|browser, env| async move {
                let error = login_with_fault(&browser, &env, $kind).await;
                assert!(error.contains($expected), "{}: {error}", $kind);
            })
            .await;
        }
    )*};
}

fault_cases! {
    token_invalid_grant: "invalid-grant" => "The sign-in code was already used or has expired";
    token_401: "status-401" => "not allowed to sign in with this provider";
    token_500: "status-500" => "answered with HTTP status 500";
    token_not_json: "not-json" => "unreadable token response";
    token_answer_declaring_500_mb: "huge-declared" => "larger than this app accepts";
    token_answer_streaming_without_end: "huge-streamed" => "larger than this app accepts";
    token_without_id_token: "no-id-token" => "sent no ID token";
    token_cors_refused: "cors-refused" => "network request to http://127.0.0.1:4000 failed";
    token_network_offline: "offline" => "network request to http://127.0.0.1:4000 failed";
    token_endpoint_redirecting_elsewhere: "redirect-307" => "network request to http://127.0.0.1:4000 failed";
    id_token_alg_none: "alg-none" => "uses the algorithm `none`, which is not accepted";
    id_token_hs256_with_public_key: "hs256-public-key" => "uses the algorithm `HS256`";
    id_token_bad_signature: "bad-signature" => "signature is invalid";
    id_token_unknown_kid: "unknown-kid" => "signed with a key the provider does not publish";
    id_token_wrong_iss: "wrong-iss" => "issued by another provider than the configured one";
    id_token_iss_without_trailing_slash: "iss-without-slash" => "issued by another provider than the configured one";
    id_token_wrong_aud: "wrong-aud" => "not meant for this app (audience)";
    id_token_azp_mismatch: "azp-mismatch" => "authorized party (azp) is not this app";
    id_token_wrong_nonce: "wrong-nonce" => "does not belong to this sign-in (nonce)";
    id_token_missing_nonce: "missing-nonce" => "has no `nonce` claim";
    id_token_at_hash_of_another_access_token: "wrong-at-hash" => "access token does not belong to its ID token (at_hash)";
    id_token_expired: "expired" => "has expired";
    id_token_iat_in_future: "iat-in-future" => "issued in the future";
    id_token_malformed_json: "malformed-json" => "payload is not a JSON object";
    id_token_missing_sub: "missing-sub" => "has no `sub` claim";
    id_token_missing_iat: "missing-iat" => "has no `iat` claim";
    id_token_without_kid_and_several_keys_published: "kid-absent-multiple-jwks" => "names no signing key and the provider publishes several";
    id_token_huge: "huge" => "the ID token is too large";
}

/// A sign-out in another tab while this tab's callback redeems its code wins: the
/// login's outcome is dropped when it lands (it would sign the user back in here
/// after they signed out everywhere).
#[tokio::test]
async fn a_sign_out_in_another_tab_during_the_code_exchange_wins() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::faults(&browser, &env);
        // Tab B waits on the signed-out home page while tab A signs in.
        app.open("/").await;
        let tab_b = browser.open_tab().await;
        crate::sign_in_to(&app, &browser, &env).await;
        let tab_a = browser.switch_to(tab_b).await;
        // B signs in too (the provider's session is open: straight back), and its code
        // exchange is held 4 s by the provider.
        arm(&env, "slow");
        app.click_sign_in().await;
        browser.wait_for_url(&app.url("/callback")).await;
        browser.wait_for(".card[aria-busy=true]").await;
        // Meanwhile the user signs out in A.
        let tab_b = browser.switch_to(tab_a).await;
        app.sign_out().await;
        assert!(app.header_offers_sign_in().await, "A signed out");
        browser.switch_to(tab_b).await;
        let error = app.callback_error().await;
        assert!(error.contains("you signed out in another tab"), "{error}");
        assert!(app.header_offers_sign_in().await, "nobody signed in here");
        assert!(!browser.exists("[data-testid=header-user]").await);
    })
    .await;
}

#[tokio::test]
async fn a_stalled_token_endpoint_times_out_and_the_app_stays_usable() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::faults(&browser, &env);
        app.open("/").await;
        arm(&env, "stall");
        app.click_sign_in().await;
        ProviderPages::new(&browser, &env)
            .sign_in_and_allow(&env.user, &env.password)
            .await;
        // The fault app sets http_timeout_secs to 5 (the default is 20).
        let started = tokio::time::Instant::now();
        let deadline = started + Duration::from_secs(35);
        let error = loop {
            if browser.exists("[data-testid=callback-error]").await {
                break browser.text_of("[data-testid=callback-error]").await;
            }
            assert!(tokio::time::Instant::now() < deadline, "no timeout message");
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        assert!(error.contains("timed out"), "{error}");
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the configured timeout applies: {:?}",
            started.elapsed()
        );
        // "Try again" works at once: still signed in at the provider, and the fault is
        // spent, so this login completes.
        browser.click("section.card button.primary").await;
        assert_eq!(app.header_user().await, env.user_name);
    })
    .await;
}

#[tokio::test]
async fn a_duplicated_state_in_the_callback_is_refused() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/callback?code=x&state=a&state=b").await;
        let error = app.callback_error().await;
        assert!(error.contains("`state` appears more than once"), "{error}");
        assert!(app.header_offers_sign_in().await);
    })
    .await;
}

#[tokio::test]
async fn another_tabs_state_is_refused() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        browser.wait_for_url(&env.idp).await;
        browser.client.back().await.expect("back to the app");
        browser.wait_for("header.site-header").await;
        let states = app.pending_states().await;
        assert_eq!(states.len(), 1, "{states:?}");
        browser.open_tab().await;
        app.open(&format!("/callback?code=x&state={}", states[0]))
            .await;
        let error = app.callback_error().await;
        assert!(
            error.contains("does not match a sign-in started in this browser tab"),
            "{error}"
        );
    })
    .await;
}

/// The RFC 7636 Appendix B verifier, whose challenge [`unspent_code`] sends.
const APPENDIX_B_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/// A real, unspent code for `user` with the provider's `iss`: an attacker signs in with
/// the RFC 7636 Appendix B PKCE pair and stops at the app's callback, which refuses
/// their state, so the code is never redeemed.
async fn unspent_code(env: &Env, user: &str, password: &str) -> (String, String) {
    let attacker = Browser::start(env).await;
    let app = App::new(&attacker, env);
    let authorize = format!(
        "{}/authorize?response_type=code&client_id={}&redirect_uri={}&scope=openid&state=attacker\
         &nonce=n&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
        env.idp,
        env.client_id,
        app.url("/callback").replace(':', "%3A").replace('/', "%2F"),
    );
    attacker.goto(&authorize).await;
    ProviderPages::new(&attacker, env)
        .sign_in_and_allow(user, password)
        .await;
    app.callback_error().await;
    let landed = attacker
        .eval("return performance.getEntriesByType('navigation')[0].name")
        .await;
    let landed = landed.as_str().expect("callback URL").to_owned();
    let param = |name: &str| {
        landed
            .split(['?', '&'])
            .find_map(|p| p.strip_prefix(name))
            .unwrap_or_else(|| panic!("{name} in {landed}"))
            .to_owned()
    };
    let answer = (param("code="), param("iss="));
    attacker.close().await;
    answer
}

/// Redeems `code` from the page with the Appendix B verifier; the HTTP status.
async fn redeem(browser: &Browser, env: &Env, app: &App<'_>, code: &str) -> u64 {
    let body = format!(
        "grant_type=authorization_code&client_id={}&code={code}&code_verifier={APPENDIX_B_VERIFIER}&redirect_uri={}",
        env.client_id,
        app.url("/callback").replace(':', "%3A").replace('/', "%2F"),
    );
    let status = browser
        .client
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1];
                 fetch('{}/oauth/token', {{ method: 'POST', body: '{body}',
                   headers: {{ 'Content-Type': 'application/x-www-form-urlencoded' }} }})
                   .then(r => done(r.status), e => done(String(e)));",
                env.idp
            ),
            vec![],
        )
        .await
        .expect("token request");
    status
        .as_u64()
        .unwrap_or_else(|| panic!("token request: {status}"))
}

#[tokio::test]
async fn a_callback_from_another_issuer_or_without_the_promised_iss_is_refused() {
    with_browser(|browser, env| async move {
        // RFC 9207: the provider advertises authorization_response_iss_parameter_supported.
        // A real code, answered as if by another issuer (a mix-up).
        let (code, _) = unspent_code(&env, &env.user, &env.password).await;
        let app = App::new(&browser, &env);
        let state = app.pending_login_state(&env.idp).await;
        app.open(&format!(
            "/callback?code={code}&state={state}&iss=https%3A%2F%2Fevil.example%2F"
        ))
        .await;
        let error = app.callback_error().await;
        assert!(error.contains("came from another provider"), "{error}");
        assert_eq!(browser.requests_to("/oauth/token").await, 0);
        // Refused before the code was spent: it still redeems (at the provider, with
        // its own verifier) after the app said no.
        assert_eq!(
            redeem(&browser, &env, &app, &code).await,
            200,
            "code unspent"
        );

        let (code, _) = unspent_code(&env, &env.user, &env.password).await;
        let state = app.pending_login_state(&env.idp).await;
        app.open(&format!("/callback?code={code}&state={state}"))
            .await;
        let error = app.callback_error().await;
        assert!(
            error.contains("does not say which provider sent it"),
            "{error}"
        );
        assert_eq!(browser.requests_to("/oauth/token").await, 0);
        assert_eq!(
            redeem(&browser, &env, &app, &code).await,
            200,
            "code unspent"
        );
    })
    .await;
}

#[tokio::test]
async fn a_code_injected_from_another_session_is_useless_without_its_verifier() {
    with_browser(|victim, env| async move {
        // The whole answer is copied, `iss` included, so only PKCE stands in the way.
        let (code, iss) = unspent_code(&env, "grace", "grace-password").await;

        // The victim starts a login; the attacker's code arrives with the victim's state.
        let app = App::new(&victim, &env);
        let state = app.pending_login_state(&env.idp).await;
        app.open(&format!("/callback?code={code}&state={state}&iss={iss}"))
            .await;
        let error = app.callback_error().await;
        assert!(error.contains("already used or has expired"), "{error}");
        assert!(
            app.header_offers_sign_in().await,
            "not signed in as the attacker"
        );
    })
    .await;
}

#[tokio::test]
async fn the_back_button_never_returns_to_the_callback_url() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let app = App::new(&browser, &env);
        browser.mark_page().await;
        browser.client.back().await.expect("back");
        // Back reaches the provider's page, which replays the finished login (as
        // Auth0 and Keycloak do); the app scrubs that answer too and lands again, in
        // a new document (faster than the address can be watched changing).
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
        while browser.page_is_marked().await {
            assert!(
                tokio::time::Instant::now() < deadline,
                "Back loaded nothing"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        browser.wait_for_url(&app.url("/profile")).await;
        let history_entry = browser.url().await;
        assert!(!history_entry.contains("code="), "{history_entry}");
        browser.client.forward().await.expect("forward");
        browser.wait_for_url(&app.url("/profile")).await;
        assert!(!browser.url().await.contains("code="));
    })
    .await;
}

#[tokio::test]
async fn callback_errors_are_explained_in_words() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        // An error answer that matches no login of this tab is refused as such, and
        // nothing it says reaches the page (RFC 6749 10.12: the state first).
        app.open("/callback?error=access_denied&error_description=Call+0800+SCAM&state=s")
            .await;
        let error = app.callback_error().await;
        assert!(
            error.contains("does not match a sign-in started in this browser tab")
                && !error.contains("SCAM")
                && !error.contains("cancelled"),
            "{error}"
        );
        for (code, words) in [
            (
                "access_denied",
                "Sign-in was cancelled or access was denied.",
            ),
            ("login_required", "You need to sign in again."),
            (
                "consent_required",
                "The app needs your consent before you can sign in.",
            ),
            ("invalid_request", "The sign-in request was not accepted."),
        ] {
            // A login of this tab, answered with an error by "the provider".
            let state = app.pending_login_state(&env.idp).await;
            // With the issuer's `iss`, which this provider promises in every answer
            // (RFC 9207), error answers included.
            let iss: String =
                url::form_urlencoded::byte_serialize(format!("{}/", env.idp).as_bytes()).collect();
            app.open(&format!(
                "/callback?error={code}&error_description=Details+here&state={state}&iss={iss}"
            ))
            .await;
            let error = app.callback_error().await;
            assert!(
                error.contains(words) && error.contains("Details here"),
                "{code}: {error}"
            );
            assert!(app.header_offers_sign_in().await);
        }
        // The same error answer naming another issuer, for a login of this tab: not
        // believed (RFC 9207 mix-up defence on error answers).
        let state = app.pending_login_state(&env.idp).await;
        app.open(&format!(
            "/callback?error=access_denied&error_description=Details+here&state={state}&iss=https%3A%2F%2Fevil.example%2F"
        ))
        .await;
        let error = app.callback_error().await;
        assert!(
            error.contains("came from another provider") && !error.contains("Details"),
            "{error}"
        );
    })
    .await;
}

#[tokio::test]
async fn two_tabs_signing_in_at_the_same_time_both_succeed() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        browser.wait_for_url(&env.idp).await;
        let first = browser.open_tab().await;
        app.open("/").await;
        app.click_sign_in().await;
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        assert_eq!(app.profile().await.0, env.user_name);
        browser.switch_to(first).await;
        provider.sign_in_as(&env.user, &env.password).await;
        // The grant from the first tab may make the provider skip the consent page.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while !browser.url().await.starts_with(&app.url("/profile")) {
            // The page may move on under the click: a missed click is retried.
            if let Ok(allow) = browser
                .client
                .find(fantoccini::Locator::Css("#allow"))
                .await
            {
                let _ = allow.click().await;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the second tab never signed in"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(app.profile().await.0, env.user_name);
    })
    .await;
}

#[tokio::test]
async fn nothing_leaks_to_urls_storage_console_or_referer_and_csp_holds() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        app.open("/").await;
        app.click_sign_in().await;
        browser.wait_for_url(&env.idp).await;
        let referrer = browser.eval("return document.referrer").await;
        assert_eq!(referrer, serde_json::json!(""), "the provider learns nothing from a Referer");
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in_and_allow(&env.user, &env.password).await;
        app.profile().await;
        app.nav("API").await;
        app.http_result().await;
        let url = browser.url().await;
        assert!(!url.contains("code=") && !url.contains("state="), "{url}");
        let stored = app.stored_keys().await;
        assert_eq!(stored, serde_json::json!([]));
        let console = browser.console().await;
        for line in &console {
            for secret in ["code=", "state=", "eyJ", "verifier", "access_token", "refresh_token"] {
                assert!(!line.contains(secret), "console shows {secret}: {line}");
            }
            assert!(!line.contains("Content Security Policy"), "CSP violation: {line}");
        }
        let reports = browser
            .client
            .execute_async(
                &format!(
                    "const done = arguments[arguments.length - 1];
                     fetch('{}/faults/csp-reports').then(r => r.text()).then(done, e => done(String(e)));",
                    env.idp
                ),
                vec![],
            )
            .await
            .expect("CSP reports");
        assert_eq!(reports, serde_json::json!("[]"), "no CSP violation was reported");
    })
    .await;
}

#[tokio::test]
async fn a_crash_of_the_module_shows_a_readable_page_not_a_blank_one() {
    with_browser(|browser, env| async move {
        let app = App::new(&browser, &env);
        // What a Rust panic becomes in the release build: a WebAssembly trap, reported
        // as an error event (from an event handler or a task) or a rejected promise.
        // Errors of WebDriver's own scripts are muted (no `error` object, no
        // rejection event), so the events are sent as the browser sends them.
        for trap in [
            "window.dispatchEvent(new ErrorEvent('error', \
               { error: new WebAssembly.RuntimeError('unreachable') })); return null;",
            "window.dispatchEvent(new PromiseRejectionEvent('unhandledrejection', \
               { promise: Promise.resolve(), reason: new WebAssembly.RuntimeError('unreachable') })); \
             return null;",
        ] {
            app.open("/").await;
            assert!(!browser.exists("#crash").await);
            browser.eval(trap).await;
            let text = browser.text_of("#crash").await;
            assert!(text.contains("Something went wrong"), "{text}");
            assert!(text.contains("Reload"), "{text}");
            assert!(
                !browser.exists("header.site-header").await,
                "the frozen app is gone"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn user_info_about_another_user_is_not_shown() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::faults(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        app.nav("User info").await;
        let (status, body) = app.http_result().await;
        assert_eq!(status, "200", "the real answer is shown: {body}");
        assert!(body.contains(&env.user_email), "{body}");
        arm(&env, "userinfo-other-sub");
        browser.click("main button.button").await;
        let error = browser.text_of("[data-testid=http-error]").await;
        assert!(error.contains("about another user"), "{error}");
        assert!(!browser.page_text().await.contains("Mallory"));
    })
    .await;
}

#[tokio::test]
async fn an_unknown_kid_fetches_the_key_set_once_more_then_refuses() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let error = login_with_fault(&browser, &env, "unknown-kid").await;
        assert!(
            error.contains("signed with a key the provider does not publish"),
            "{error}"
        );
        // The callback page's own requests: none for the key set the login carried,
        // one for the unknown kid (the provider may have rotated its keys), and no
        // second.
        assert_eq!(browser.requests_to("/faults/jwks").await, 1);
    })
    .await;
}

/// Signs in on the fault app with `kind` armed (before the app opens, as in
/// [`login_with_fault`]), expecting the login to succeed; returns how many times the
/// callback page fetched the provider's key set.
async fn login_succeeding_despite(browser: &Browser, env: &Env, kind: &str) -> u64 {
    let app = App::faults(browser, env);
    arm(env, kind);
    app.open("/").await;
    app.click_sign_in().await;
    ProviderPages::new(browser, env)
        .sign_in_and_allow(&env.user, &env.password)
        .await;
    let (name, _) = app.profile().await;
    assert!(!name.is_empty(), "{kind}: signed in");
    browser.requests_to("/faults/jwks").await
}

/// OpenID Foundation `oidcc-client-test-kid-absent-single-jwks`: a token that names no
/// key, and a key set of one key without `kid`: that key verifies it.
#[tokio::test]
async fn a_token_without_kid_is_verified_with_the_only_published_key() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let fetches = login_succeeding_despite(&browser, &env, "kid-absent-single-jwks").await;
        assert_eq!(
            fetches, 0,
            "the login carried the key set: the callback fetches none"
        );
    })
    .await;
}

/// OpenID Foundation `oidcc-client-test-signing-key-rotation-just-before-signing`: the
/// token is signed with a key the provider adds after the first key-set request (the
/// set the login carries); the unknown `kid` makes the callback fetch the key set anew
/// and accept.
#[tokio::test]
async fn a_key_rotated_in_just_before_signing_is_fetched_and_accepted() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let fetches = login_succeeding_despite(&browser, &env, "key-rotated-before-signing").await;
        assert_eq!(
            fetches, 1,
            "the key set the login carried lacked the new key: one fetch at the callback"
        );
    })
    .await;
}
