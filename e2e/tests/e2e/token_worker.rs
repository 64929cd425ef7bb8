//! The token worker (`token_mediation: "service_worker"`): the tokens live in a service
//! worker's memory, and script in the page cannot get one. Driven through the demo app
//! in that mode (the library's page side) and through the e2e page
//! `token-worker-check.html` (e2e/fixtures), which speaks the worker's protocol by
//! hand, message by message; the API origins are the local provider's APIs behind
//! nginx on two more origins, one listed, one not.

use e2e::app::App;
use e2e::browser::Browser;
use e2e::outside;
use e2e::provider::ProviderPages;
use e2e::Env;

use crate::{arm, sign_in_to, with_browser, FAULT_SLOT};

// One test at a time on the mediated site (`FAULT_SLOT`): it redeems through the
// provider's fault route, which one of them arms, and one deploys a new worker there,
// which a browser of another test would take mid-test.

const APP: &str = "http://127.0.0.1:8087";
const PAGE: &str = "http://127.0.0.1:8087/token-worker-check.html";
pub(crate) const LISTED_API: &str = "http://127.0.0.1:8086/api/private";
/// The listed API's host, as the provider records the tokens its APIs took there.
const LISTED_API_HOST: &str = "127.0.0.1:8086";
const UNLISTED_API: &str = "http://127.0.0.1:8085/api/private";
/// The mediated site's worker script, as nginx serves it (`xtask/src/suites.rs`).
const SERVED_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/e2e/dist-mediated/token-worker.js"
);

/// Opens the e2e page and waits until the worker controls it and has answered.
async fn open_page(browser: &Browser) {
    browser.goto(PAGE).await;
    browser.wait_for_text("#worker", "controlling").await;
    browser
        .wait_for_text("#messages", "\"type\":\"welcome\"")
        .await;
}

/// Signs in through the worker and waits for the session the worker tells the page.
async fn sign_in(browser: &Browser, env: &Env) -> String {
    open_page(browser).await;
    assert_eq!(browser.text_of("#session").await, "none", "nobody yet");
    browser.click("#sign-in").await;
    let provider = ProviderPages::new(browser, env);
    provider.sign_in().await;
    provider.consent(true).await;
    browser.wait_for_url(PAGE).await;
    // The page loaded anew: its first welcome, with the session.
    browser
        .wait_for_text("#messages", "\"type\":\"welcome\"")
        .await;
    let sub = browser.text_of("#session").await;
    assert!(
        !["", "unknown", "none"].contains(&sub.as_str()),
        "a subject: {sub}"
    );
    sub
}

/// The status and body the page's own `fetch` gets for `url`, with `authorization`
/// set by the page when given.
async fn page_fetch(browser: &Browser, url: &str, authorization: Option<&str>) -> (u64, String) {
    let answer = browser
        .client
        .execute(
            "const headers = arguments[1] ? { Authorization: arguments[1] } : {};
             return fetch(arguments[0], { headers })
               .then(async (r) => [r.status, await r.text()])
               .catch((e) => [0, String(e)]);",
            vec![url.into(), authorization.into()],
        )
        .await
        .expect("fetch script");
    (
        answer[0].as_u64().expect("a status"),
        answer[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// The access token the provider's APIs last took, checked to be a live bearer token.
fn last_token_seen(env: &Env) -> String {
    let token = recorded_token(env);
    // It is the user's: the API takes it from a client outside the browser.
    assert_eq!(
        status_with(env, &token),
        200,
        "the recorded token is a live one"
    );
    token
}

/// The access token the provider's APIs last took at the listed API origin (where the
/// token worker's apps call them; each origin's is kept apart): the test's own eyes
/// (the provider serves it without CORS, so no page reads it).
pub(crate) fn recorded_token(env: &Env) -> String {
    let (status, token) = outside::request(
        &env.idp,
        "GET",
        &format!("/api/last-token-seen?host={LISTED_API_HOST}"),
        &[],
        "",
    );
    assert_eq!(status, 200, "the provider records tokens (DEVIDP_FAULTS=1)");
    assert!(
        token.len() >= 16
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)),
        "one token, as sent: {token:?}"
    );
    token
}

/// The status the provider's API answers `token` with, asked from outside the
/// browser: 200 while the token lives.
pub(crate) fn status_with(env: &Env, token: &str) -> u16 {
    let (status, _) = outside::request(
        &env.idp,
        "GET",
        "/api/private",
        &[("Authorization", &format!("Bearer {token}"))],
        "",
    );
    status
}

/// Everything script in the page can read or provoke, as one text: storage, cookies,
/// every IndexedDB record, resource timing entries, the page itself, the answers the
/// worker gives to messages a script makes up, and what the token endpoint answers a
/// script's own request.
const HOSTILE_SWEEP: &str = r#"
  const seen = [];
  const add = (what, value) => seen.push(what + ': ' + (typeof value === 'string' ? value : JSON.stringify(value)));
  for (const area of [localStorage, sessionStorage]) {
    for (let i = 0; i < area.length; i++) add('storage', area.key(i) + '=' + area.getItem(area.key(i)));
  }
  add('cookie', document.cookie);
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((ok, no) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = no; });
    for (const store of db.objectStoreNames) {
      const tx = db.transaction(store);
      const all = await new Promise((ok) => { const r = tx.objectStore(store).getAll(); r.onsuccess = () => ok(r.result); });
      add('idb ' + name + '/' + store, all.map((v) => typeof v === 'string' ? v : JSON.stringify(v)));
    }
    db.close();
  }
  add('performance', performance.getEntries().map((e) => e.name));
  add('page', document.documentElement.outerHTML);
  const answers = [];
  navigator.serviceWorker.addEventListener('message', (e) => answers.push(e.data));
  const worker = navigator.serviceWorker.controller;
  for (const message of [
    { type: 'renew', provider: 'mediated', request: 99 },
    { type: 'hello', protocol: 1, provider: 'mediated', config: '00' },
    { type: 'finish_login', query: '?code=forged&state=forged' },
    { type: 'keep_alive' },
    { type: 'get_token', provider: 'mediated' },
    { type: 'hello', protocol: 1, provider: 'mediated', config: '00', token: true },
  ]) worker.postMessage(JSON.stringify(message));
  worker.postMessage({ type: 'hello' });
  await new Promise((ok) => setTimeout(ok, 1500));
  add('answers', answers);
  const endpoint = arguments[0];
  const direct = await fetch(endpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'spa-dev', refresh_token: 'x' }) })
    .then((r) => 'answered ' + r.status).catch((e) => 'refused: ' + e);
  add('token endpoint', direct);
  const listed = await fetch(arguments[1]);
  add('api headers', [...listed.headers]);
  add('api body', await listed.text());
  return seen.join('\n');
"#;

/// Runs [`HOSTILE_SWEEP`] in the current page and returns what it saw, checked to
/// have run whole.
async fn sweep(browser: &Browser, env: &Env) -> String {
    let token_endpoint = format!("{}/oauth/token", env.idp);
    let seen = browser
        .client
        .execute(
            &format!(
                "return (async () => {{ {HOSTILE_SWEEP} }})()
                   .catch((e) => 'sweep failed: ' + e);"
            ),
            vec![token_endpoint.into(), LISTED_API.into()],
        )
        .await
        .expect("the sweep")
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // The sweep itself worked: it read the page and the worker's database, the worker
    // answered its made-up hello, and its token request was refused before leaving.
    assert!(!seen.starts_with("sweep failed"), "{seen}");
    assert!(seen.contains("page: <html"), "read the page: {seen}");
    assert!(
        seen.contains("\\\"type\\\":\\\"stale\\\""),
        "the worker answered the made-up hello: {seen}"
    );
    assert!(
        seen.contains("idb mediated.worker/logins"),
        "read the worker's database: {seen}"
    );
    assert!(seen.contains("token endpoint: refused"), "{seen}");
    seen
}

/// How many logins the worker keeps in its IndexedDB, waiting for their answer.
async fn kept_logins(browser: &Browser) -> u64 {
    browser
        .eval(
            "return new Promise((done) => {
               const open = indexedDB.open('mediated.worker');
               open.onsuccess = () => {
                 const db = open.result;
                 if (!db.objectStoreNames.contains('logins')) { db.close(); return done(0); }
                 const count = db.transaction('logins').objectStore('logins').count();
                 count.onsuccess = () => { db.close(); done(count.result); };
               };
             });",
        )
        .await
        .as_u64()
        .expect("a count")
}

/// Whether `text` holds a JWT (an ID token): `eyJ…` then `.eyJ`.
pub(crate) fn holds_jwt(text: &str) -> bool {
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at..];
        let header = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        header >= 8 && rest[header..].starts_with(".eyJ")
    })
}

#[tokio::test]
async fn script_in_the_page_gets_no_token_while_the_apis_work_and_sign_out_reaches_every_tab() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let sub = sign_in(&browser, &env).await;
        // The callback's code and state never reached a page: the worker took the
        // navigation and sent the browser on to a clean address.
        assert_eq!(browser.url().await, PAGE, "no code in the address bar");

        // The listed API gets the user's token, set by the worker.
        let (status, body) = page_fetch(&browser, LISTED_API, None).await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains(&sub), "the API saw the user's token: {body}");
        let token = last_token_seen(&env);
        // What the page puts in Authorization is replaced, not trusted.
        let (status, _) = page_fetch(&browser, LISTED_API, Some("Bearer forged")).await;
        assert_eq!(status, 200, "the worker's token replaced the page's");
        // An origin outside the allow-list gets no token.
        let (status, _) = page_fetch(&browser, UNLISTED_API, None).await;
        assert_eq!(status, 401, "no token outside the allow-list");

        // Everything a script in the page can reach holds no token.
        let seen = sweep(&browser, &env).await;
        assert!(seen.contains("Hello from the private API"), "the API answered the sweep");
        // The sweep's made-up `renew` renewed for real: its API call took the new token.
        let renewed = last_token_seen(&env);
        for token in [&token, &renewed] {
            assert!(!seen.contains(token.as_str()), "an access token within the page's reach:\n{seen}");
        }
        assert!(!holds_jwt(&seen), "an ID token within the page's reach:\n{seen}");
        let token = renewed;

        // A second tab, then a sign-out in the first: both learn it, and the API gets
        // no token any more. What the worker says to the page meanwhile is kept where
        // a script would keep it (sessionStorage outlives the page's navigation).
        let first = browser.open_tab().await;
        open_page(&browser).await;
        assert_eq!(browser.text_of("#session").await, sub, "the worker's session");
        let second = browser.switch_to(first).await;
        // Where the page is sent, as a script sees it (the Navigation API), kept too.
        browser
            .eval(
                "const keep = (key, text) => sessionStorage.setItem(key, (sessionStorage.getItem(key) || '') + text + '\\n');
                 navigator.serviceWorker.addEventListener('message', (e) => keep('test.heard', e.data));
                 if (window.navigation) navigation.addEventListener('navigate', (e) => keep('test.navigations', e.destination.url));
                 return null;",
            )
            .await;
        // The token is live at the provider up to the sign-out.
        let live = |token: &str| status_with(&env, token);
        assert_eq!(live(&token), 200, "live before the sign-out");
        browser.click("#sign-out").await;
        browser.wait_for_url(&format!("{APP}/")).await;
        let after = sweep(&browser, &env).await;
        assert!(after.contains("test.heard="), "the script heard the sign-out: {after}");
        // Chromium has the Navigation API (Firefox ESR not yet): there the script saw
        // where the page went, and it is the worker's one-time address.
        if env.engine == e2e::Engine::Chromium {
            assert!(
                after.contains("test.navigations=http://127.0.0.1:8087/__token-worker/logout?n="),
                "the script saw where the page went: {after}"
            );
        }
        assert!(!after.contains(&token), "the access token reached the page:\n{after}");
        assert!(!holds_jwt(&after), "the ID token reached the page:\n{after}");
        browser.switch_to(second).await;
        browser.wait_for_text("#session", "none").await;
        // The worker forgot the session: a page opened now is told none.
        open_page(&browser).await;
        assert_eq!(browser.text_of("#session").await, "none", "forgotten");
        // And the token is dead at the provider: the sign-out revoked the refresh
        // token, which ends its grant there (the provider's logout alone keeps an
        // `offline_access` grant).
        assert_eq!(live(&token), 401, "the sign-out ended the token's grant");
    })
    .await;
}

#[test]
fn a_jwt_is_told_from_other_text() {
    assert!(holds_jwt("x eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln y"));
    assert!(!holds_jwt("eyJhbGciOiJSUzI1NiJ9 alone, and .eyJ alone"));
    assert!(!holds_jwt("{\"sub\":\"u1\"}"));
}

/// The worker's memory is gone (a stop, a new version): the page says hello and is
/// answered with no session; the e2e page then signs in silently through the worker, in
/// a hidden frame, as `mediation::lifecycle::page_start` says.
async fn restored_silently(browser: &Browser, sub: &str) {
    browser
        .wait_for_text(
            "#messages",
            "\"type\":\"welcome\",\"protocol\":1,\"provider\":\"mediated\",\"session\":null",
        )
        .await;
    browser.wait_for_text("#restored", "yes").await;
    assert_eq!(
        browser.text_of("#session").await,
        sub,
        "the same user again"
    );
    let (status, body) = page_fetch(browser, LISTED_API, None).await;
    assert_eq!(status, 200, "the API works again: {body}");
}

#[tokio::test]
async fn a_worker_stopped_under_an_open_page_loses_its_memory_and_the_session_comes_back() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        if env.engine != e2e::Engine::Chromium {
            return; // the stop goes through chromedriver's DevTools endpoint
        }
        let sub = sign_in(&browser, &env).await;
        let (status, _) = page_fetch(&browser, LISTED_API, None).await;
        assert_eq!(status, 200, "signed in");
        // The page sees one welcome so far, with the session.
        assert!(!browser
            .text_of("#messages")
            .await
            .contains("\"session\":null"));
        browser
            .devtools("ServiceWorker.enable", serde_json::json!({}))
            .await;
        browser
            .devtools("ServiceWorker.stopAllWorkers", serde_json::json!({}))
            .await;
        // The next event starts the worker anew, with empty memory.
        browser.click("#hello").await;
        restored_silently(&browser, &sub).await;
    })
    .await;
}

/// Puts the served worker script back as built, even when the test fails.
struct ScriptBack(String);

impl Drop for ScriptBack {
    fn drop(&mut self) {
        let _ = std::fs::write(SERVED_SCRIPT, &self.0);
    }
}

#[tokio::test]
async fn a_new_worker_version_takes_over_the_open_page_and_the_session_comes_back() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let sub = sign_in(&browser, &env).await;
        // A new deploy: another script at the same address.
        let built = std::fs::read_to_string(SERVED_SCRIPT).expect("the served worker script");
        let _back = ScriptBack(built.clone());
        std::fs::write(SERVED_SCRIPT, format!("{built}\n// e2e: the next deploy\n"))
            .expect("deploy a new version");
        browser
            .eval("navigator.serviceWorker.getRegistration().then((r) => r.update()); return null;")
            .await;
        // It installed, took over the page (its first controller change), and starts
        // with empty memory.
        browser.wait_for_text("#worker", "controlling (2)").await;
        restored_silently(&browser, &sub).await;
    })
    .await;
}

#[tokio::test]
async fn a_renewal_in_the_worker_reaches_every_tab_and_the_apis_get_the_new_token() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let sub = sign_in(&browser, &env).await;
        let (status, _) = page_fetch(&browser, LISTED_API, None).await;
        assert_eq!(status, 200);
        let before = last_token_seen(&env);
        let expires = browser.text_of("#expires").await;
        let first = browser.open_tab().await;
        open_page(&browser).await;
        assert_eq!(browser.text_of("#expires").await, expires, "one session");
        let second = browser.switch_to(first).await;
        browser.click("#renew").await;
        let renewed = browser.wait_for_text_change("#expires", &expires).await;
        assert!(
            renewed > expires,
            "a later expiry: {renewed} after {expires}"
        );
        browser.switch_to(second).await;
        browser.wait_for_text("#expires", &renewed).await;
        assert_eq!(browser.text_of("#session").await, sub);
        let (status, _) = page_fetch(&browser, LISTED_API, None).await;
        assert_eq!(status, 200, "the renewed token");
        let after = last_token_seen(&env);
        assert_ne!(after, before, "the API got the renewed token");
    })
    .await;
}

#[tokio::test]
async fn a_sign_out_while_the_worker_redeems_a_login_keeps_nothing_of_it() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        open_page(&browser).await;
        let first = browser.open_tab().await;
        open_page(&browser).await;
        let other = browser.switch_to(first).await;
        browser.click("#sign-in").await;
        let provider = ProviderPages::new(&browser, &env);
        provider.sign_in().await;
        // Seen from the app's origin (the other tab): the worker keeps the login. That
        // tab signs out by itself once the worker has taken the login out of
        // IndexedDB (right before its token request): the test drives no tab while
        // the callback's navigation is held (chromedriver would wait for it).
        let this = browser.switch_to(other).await;
        assert_eq!(kept_logins(&browser).await, 1, "the worker keeps the login");
        browser.eval(SIGN_OUT_WHEN_TAKEN).await;
        let other = browser.switch_to(this).await;
        // The code exchange the worker starts at the callback is held 4 s.
        arm(&env, "slow");
        provider.consent(true).await;
        // The login lands nowhere: back at the callback, clean, where the app (in the
        // worker mode itself) hears the reason from the worker and shows it.
        browser.wait_for_url(&format!("{APP}/callback")).await;
        let landed = browser.url().await;
        assert_eq!(landed, format!("{APP}/callback"), "a clean address");
        let shown = App::mediated(&browser, &env).callback_error().await;
        assert!(shown.contains("you signed out in another tab"), "{shown}");
        open_page(&browser).await;
        assert_eq!(browser.text_of("#session").await, "none", "nothing kept");
        // The set-up took effect: the other tab signed out while the login was held.
        browser.switch_to(other).await;
        let when = browser
            .eval("return sessionStorage.getItem('test.signed-out');")
            .await;
        assert!(when.is_string(), "the other tab signed out: {when}");
    })
    .await;
}

/// Run in a tab of the e2e page: clicks Sign out as soon as the worker's IndexedDB
/// holds no login any more (the worker took it at the callback), and notes it.
const SIGN_OUT_WHEN_TAKEN: &str = "
  const count = () => new Promise((done) => {
    const open = indexedDB.open('mediated.worker');
    open.onsuccess = () => {
      const db = open.result;
      const n = db.transaction('logins').objectStore('logins').count();
      n.onsuccess = () => { db.close(); done(n.result); };
    };
  });
  const timer = setInterval(async () => {
    if (await count() === 0) {
      clearInterval(timer);
      sessionStorage.setItem('test.signed-out', String(Date.now()));
      document.querySelector('#sign-out').click();
    }
  }, 25);
  return null;";

/// The demo app itself in the worker mode (its `config.json` sets `token_mediation`):
/// the library registers the worker, signs in through it, shows the claims it hands
/// over, calls the app's API with no token of its own (the worker attaches it), keeps
/// the session across a reload, and signs out through the worker, whose revocation
/// kills the token.
#[tokio::test]
async fn the_app_signs_in_through_the_worker_calls_its_api_and_holds_no_token() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::mediated(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        assert_eq!(app.header_user().await, env.user_name);
        let controlled = browser
            .eval("return !!navigator.serviceWorker.controller;")
            .await;
        assert_eq!(controlled, true, "the worker controls the app's page");
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let token = last_token_seen(&env);

        // Nothing script in the app's page reaches holds a token; its made-up `hello`
        // (a wrong digest, answered `stale`) does not make the app reload or start
        // over, and its `renew` renews the app's session too.
        browser.mark_page().await;
        let seen = sweep(&browser, &env).await;
        let renewed = last_token_seen(&env);
        assert_ne!(renewed, token, "the sweep's renew renewed");
        for token in [&token, &renewed] {
            assert!(
                !seen.contains(token.as_str()),
                "an access token within the page's reach:\n{seen}"
            );
        }
        assert!(
            !holds_jwt(&seen),
            "an ID token within the page's reach:\n{seen}"
        );
        assert!(browser.page_is_marked().await, "the app did not reload");
        assert_eq!(app.header_user().await, env.user_name, "still signed in");

        // Script registers a worker of its own over the app's scope (any script it can
        // name on the origin; this one cannot run as a worker): the registration is
        // refused, and the app's worker keeps the session (a worker that did take
        // over would start with empty memory: no token either way).
        let own = browser
            .eval(
                "return navigator.serviceWorker.register('/silent-callback.js', { scope: '/' })
                   .then(() => 'registered').catch((e) => 'refused: ' + e.name);",
            )
            .await;
        assert!(
            own.as_str().is_some_and(|s| s.starts_with("refused")),
            "{own}"
        );
        // A new call (the API page mounted anew) still gets the worker's token.
        app.nav("Profile").await;
        app.profile().await;
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        assert_eq!(
            last_token_seen(&env),
            renewed,
            "the app's worker, its token"
        );

        // A reload: the worker still holds the session, and the API still works.
        browser.reload().await;
        assert_eq!(
            app.header_user().await,
            env.user_name,
            "signed in after a reload"
        );
        app.nav("User info").await;
        let (status, body) = app.http_result().await;
        assert_eq!(status, "200", "userinfo through the worker: {body}");
        assert!(body.contains(&env.user_email), "{body}");

        // Sign out: through the worker, which revokes; the app comes back signed out.
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        assert!(app.header_offers_sign_in().await, "signed out");
        assert_eq!(
            status_with(&env, &renewed),
            401,
            "the token died with the sign-out"
        );
    })
    .await;
}

/// The demo app's worker stopped under its open, signed-in page (Chromium's DevTools
/// stop it, as a browser does an idle one): within a keep-alive beat the page's hello
/// finds the worker's memory empty, and the page signs in again silently through it,
/// the user shown throughout; the API works with the new session's token.
#[tokio::test]
async fn the_apps_worker_stopped_under_its_open_page_is_signed_in_again_by_itself() {
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        if env.engine != e2e::Engine::Chromium {
            return; // the stop goes through chromedriver's DevTools endpoint
        }
        let app = App::mediated(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let before = last_token_seen(&env);
        app.nav("Profile").await;
        let expiry = app.token_expiry().await;
        browser.mark_page().await;
        // What the worker tells the page from now on, noted where the test reads it.
        browser
            .eval(
                "window.testEmptyWelcomes = 0;
                 navigator.serviceWorker.addEventListener('message', (e) => {
                   const m = JSON.parse(e.data);
                   if (m.type === 'welcome' && m.session === null) window.testEmptyWelcomes += 1;
                 });
                 return null;",
            )
            .await;
        browser
            .devtools("ServiceWorker.enable", serde_json::json!({}))
            .await;
        browser
            .devtools("ServiceWorker.stopAllWorkers", serde_json::json!({}))
            .await;
        // Within a beat (20 s) the page notices and restores: a new session.
        browser
            .wait_for_text_change_within(
                "[data-testid=token-expiry]",
                &expiry,
                std::time::Duration::from_secs(45),
            )
            .await;
        // The set-up took effect: the worker had lost the session, and said so.
        let empty = browser.eval("return window.testEmptyWelcomes;").await;
        assert!(
            empty.as_u64().is_some_and(|n| n >= 1),
            "a welcome with no session before the restore: {empty}"
        );
        assert!(
            browser.page_is_marked().await,
            "no reload: a silent restore"
        );
        assert_eq!(
            app.header_user().await,
            env.user_name,
            "the user shown throughout"
        );
        app.nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        assert_ne!(last_token_seen(&env), before, "the new session's token");
    })
    .await;
}
