//! The token worker with `dpop: true` (the demo app on port 8084): the worker makes a
//! key for each login, binds every token to it and signs every proof, and page script
//! finds no key to sign with, nor a token.

use e2e::app::App;
use e2e::browser::Browser;

use crate::token_worker::{holds_jwt, recorded_token, status_with, LISTED_API};
use crate::{sign_in_to, with_browser, FAULT_SLOT};

/// Counts the WebCrypto keys script in the page can reach in IndexedDB (a key as a
/// record, or a key pair's halves), after checking on a key of its own that it finds
/// one: the count cannot be zero for want of looking. Also gives every record, as
/// text, for a token search.
const KEY_SWEEP: &str = r#"
  const open = (name) => new Promise((ok, no) => {
    const r = indexedDB.open(name);
    r.onupgradeneeded = () => r.result.createObjectStore('probe');
    r.onsuccess = () => ok(r.result); r.onerror = no;
  });
  const records = async (db, store) => new Promise((ok) => {
    const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result);
  });
  const keysIn = (v) => v instanceof CryptoKey ? 1
    : (v && typeof v === 'object') ? Object.values(v).reduce((n, w) => n + keysIn(w), 0) : 0;
  const count = async (skip) => {
    let keys = 0; const text = [];
    for (const { name } of await indexedDB.databases()) {
      if (name === skip) continue;
      const db = await open(name);
      for (const store of db.objectStoreNames) {
        for (const v of await records(db, store)) {
          keys += keysIn(v);
          text.push(typeof v === 'string' ? v : JSON.stringify(v));
        }
      }
      db.close();
    }
    return [keys, text.join('\n')];
  };
  // The probe: a key pair of the test's own, stored as the page mode stores its key.
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const probe = await open('test-key-probe');
  await new Promise((ok) => { const t = probe.transaction('probe', 'readwrite'); t.objectStore('probe').put(pair, 'k'); t.oncomplete = ok; });
  probe.close();
  const [withProbe] = await count(null);
  await new Promise((ok) => { const r = indexedDB.deleteDatabase('test-key-probe'); r.onsuccess = ok; r.onerror = ok; });
  const [keys, text] = await count('test-key-probe');
  return [withProbe, keys, text];
"#;

/// The keys page script finds in IndexedDB, and every record as text.
async fn keys_within_reach(browser: &Browser) -> (u64, String) {
    let seen = browser
        .client
        .execute(
            &format!("return (async () => {{ {KEY_SWEEP} }})();"),
            vec![],
        )
        .await
        .expect("the key sweep");
    assert!(
        seen[0].as_u64().is_some_and(|n| n >= 2),
        "the sweep finds a stored key pair's halves: {seen}"
    );
    (
        seen[1].as_u64().expect("a count"),
        seen[2].as_str().unwrap_or_default().to_owned(),
    )
}

/// The thumbprint the app shows for the key its tokens are bound to.
async fn thumbprint(browser: &Browser) -> String {
    let jkt = browser.text_of("[data-testid=dpop-jkt]").await;
    assert_eq!(jkt.len(), 43, "an RFC 7638 SHA-256 thumbprint: {jkt}");
    jkt
}

/// What the private API says of the token it was called with, through the app.
async fn api_answer(app: &App<'_>, browser: &Browser) -> String {
    app.nav("API").await;
    browser
        .wait_for_text("[data-testid=http-body]", "Hello from the private API")
        .await;
    browser.text_of("[data-testid=http-body]").await
}

/// With `dpop: true` in the token worker's mode: the code exchange, the renewal and the
/// API calls carry the worker's proofs (the provider and its API ask for nonces, and
/// check `htu`, `ath` and the key); the page is shown only the key's thumbprint; no key
/// and no token is within page script's reach, and the token alone is refused; a
/// renewal keeps the key; a new login gets a new one.
#[tokio::test]
async fn with_dpop_the_workers_key_binds_every_token_and_page_script_gets_no_key() {
    // The provider records the last token its APIs took for every test: one test at a
    // time reads it.
    let _turn = FAULT_SLOT.lock().await;
    with_browser(|browser, env| async move {
        let app = App::mediated_dpop(&browser, &env);
        sign_in_to(&app, &browser, &env).await;
        assert_eq!(
            browser
                .eval("return !!navigator.serviceWorker.controller;")
                .await,
            true,
            "the worker controls the app's page"
        );
        let jkt = thumbprint(&browser).await;
        // The first request to the API's origin, from page script: a POST with a body
        // and a forged `Authorization` and `DPoP` of its own. The worker knows no nonce
        // of that origin yet, so the API asks for one (`use_dpop_nonce`) and the worker
        // sends the request again, body and all, with a new proof: a 200 is that second
        // try (a worker that sends the page's request itself the first time cannot send
        // it again: the retry then fails, measured), with the whole body, and the
        // binding it reports is the worker's key, not the page's header.
        let posted = browser
            .client
            .execute(
                "return fetch(arguments[0], { method: 'POST', body: 'note=hello',
                   headers: { 'Content-Type': 'application/x-www-form-urlencoded',
                              Authorization: 'DPoP forged', DPoP: 'forged.proof.x' } })
                   .then(async (r) => [r.status, await r.text()])
                   .catch((e) => [0, String(e)]);",
                vec![LISTED_API.into()],
            )
            .await
            .expect("the page's POST");
        assert_eq!(posted[0], 200, "{posted}");
        let body = posted[1].as_str().unwrap_or_default();
        assert!(body.contains(&format!("\"cnf_jkt\":\"{jkt}\"")), "{posted}");
        assert!(
            body.contains("\"received_bytes\":10"),
            "the body, whole: {posted}"
        );
        let answer = api_answer(&app, &browser).await;
        assert!(answer.contains("\"token_type\": \"DPoP\""), "{answer}");
        assert!(
            answer.contains(&format!("\"cnf_jkt\": \"{jkt}\"")),
            "bound to the key the page was told of: {answer}"
        );
        let token = recorded_token(&env);
        assert_eq!(
            status_with(&env, &token),
            401,
            "the token alone, without the worker's key, is refused"
        );

        // Page script finds no key to sign with, and no token.
        let (keys, records) = keys_within_reach(&browser).await;
        assert_eq!(keys, 0, "a key within page script's reach:\n{records}");
        assert!(!records.contains(&token), "a token in IndexedDB");
        assert!(!holds_jwt(&records), "an ID token in IndexedDB");
        let storage = browser
            .eval(
                "return [localStorage, sessionStorage].map((s) =>
                   Object.keys(s).map((k) => k + '=' + s.getItem(k)).join('\\n')).join('\\n');",
            )
            .await;
        let storage = storage.as_str().unwrap_or_default();
        assert!(
            !storage.contains(&token) && !holds_jwt(storage),
            "{storage}"
        );

        // A renewal in the worker: a new token, bound to the same key.
        app.nav("Profile").await;
        browser
            .eval(
                "window.testRenewedJkt = [];
                 navigator.serviceWorker.addEventListener('message', (e) => {
                   const m = JSON.parse(e.data);
                   if (m.type === 'signed_in') window.testRenewedJkt.push(m.session.dpop_jkt);
                 });
                 return null;",
            )
            .await;
        app.renew_and_wait().await;
        // What the worker told the page of the renewed session: the same key's name.
        let told = browser.eval("return window.testRenewedJkt;").await;
        let told = told.as_array().cloned().unwrap_or_default();
        assert!(
            !told.is_empty() && told.iter().all(|named| *named == jkt.as_str()),
            "the renewal's message (and any scheduled one's): {told:?}"
        );
        let renewed = api_answer(&app, &browser).await;
        assert!(
            renewed.contains(&format!("\"cnf_jkt\": \"{jkt}\"")),
            "{renewed}"
        );
        assert_ne!(recorded_token(&env), token, "a renewed token");

        // A reload: the worker still holds the session and its key.
        browser.reload().await;
        assert_eq!(app.header_user().await, env.user_name);
        app.nav("Profile").await;
        assert_eq!(thumbprint(&browser).await, jkt, "kept across a reload");

        // Signed out and in again: the key went with the session; the new login's is new.
        app.sign_out().await;
        browser.wait_for_url(&app.url("/")).await;
        assert!(app.header_offers_sign_in().await, "signed out");
        sign_in_to(&app, &browser, &env).await;
        let again = thumbprint(&browser).await;
        assert_ne!(again, jkt, "a new login, a new key");
        let answer = api_answer(&app, &browser).await;
        assert!(
            answer.contains(&format!("\"cnf_jkt\": \"{again}\"")),
            "{answer}"
        );
    })
    .await;
}
