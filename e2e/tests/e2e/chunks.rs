//! The split release build: each page loads only the chunks it uses, the callback's
//! chunks download with the main module, and a chunk that cannot be fetched ends in a
//! clear message with a Reload button, never a frozen page.

use e2e::app::App;
use e2e::browser::Browser;

use crate::{sign_in, with_browser};

/// The resource entries of this page whose file name starts with `prefix` (a split
/// chunk's name before its content hash): `(initiator type, start in ms)`.
async fn fetched(browser: &Browser, prefix: &str) -> Vec<(String, f64)> {
    let entries = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource')
               .filter(e => e.name.split('/').pop().startsWith(arguments[0] + '-'))
               .map(e => [e.initiatorType, e.startTime]);",
            vec![prefix.into()],
        )
        .await
        .expect("resource entries");
    entries
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e[0].as_str().unwrap_or("").to_owned(),
                e[1].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

/// When this page's request to a URL containing `part` started, in ms.
async fn started(browser: &Browser, part: &str) -> Option<f64> {
    browser
        .client
        .execute(
            "const e = performance.getEntriesByType('resource')
               .find(e => e.name.includes(arguments[0]));
             return e ? e.startTime : null;",
            vec![part.into()],
        )
        .await
        .expect("resource entries")
        .as_f64()
}

#[tokio::test]
async fn a_page_loads_its_chunk_when_first_visited_and_the_first_page_loads_none_of_it() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        // The callback page itself never needed the API page's code.
        assert!(fetched(&browser, "split_api_page").await.is_empty());
        App::new(&browser, &env).nav("API").await;
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        let api = fetched(&browser, "split_api_page").await;
        assert_eq!(api.len(), 1, "the API page's chunk, once: {api:?}");
    })
    .await;
}

#[tokio::test]
async fn at_the_callback_the_exchange_chunk_downloads_before_the_token_request_and_once() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        let callback = fetched(&browser, "split_pkce_login_callback").await;
        // Fetched and compiled by the head script (a `fetch`), then instantiated by the
        // split loader from that compile: one download, not two.
        assert_eq!(callback.len(), 1, "{callback:?}");
        assert_eq!(callback[0].0, "fetch", "{callback:?}");
        let token = started(&browser, "/oauth/token")
            .await
            .expect("the code exchange's request");
        assert!(
            callback[0].1 < token,
            "the exchange's chunk ({} ms) is fetched before the token request ({token} ms)",
            callback[0].1
        );
    })
    .await;
}

#[tokio::test]
async fn a_chunk_that_cannot_be_fetched_shows_a_reload_button_and_reloading_recovers() {
    with_browser(|browser, env| async move {
        sign_in(&browser, &env).await;
        // Offline for the API page's chunk only (a deploy that removed it looks the same).
        browser
            .eval(
                "const real = window.fetch;
                 window.fetch = (input, init) => String(input).includes('/split_api_page-')
                   ? Promise.reject(new TypeError('Failed to fetch'))
                   : real(input, init);
                 return true;",
            )
            .await;
        App::new(&browser, &env).nav("API").await;
        let message = browser
            .wait_for_text(".lazy-failed", "could not be loaded")
            .await;
        assert!(message.contains("Reloading the page fixes it"), "{message}");
        assert!(!browser.exists("[data-testid=http-body]").await);
        browser.click(".lazy-failed button").await;
        // The reloaded page (without the failing fetch) shows the API page.
        browser
            .wait_for_text("[data-testid=http-body]", "Hello from the private API")
            .await;
        assert!(!browser.exists(".lazy-failed").await);
    })
    .await;
}
