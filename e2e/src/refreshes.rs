//! Watching the refresh requests a tab sends, and asking the provider whether a
//! refresh token still works.

use std::time::Duration;

use crate::browser::Browser;

/// Watches this tab's refresh requests for the session (not those for another API's
/// token): the number sent, and each refresh token the
/// answers hand out, in sessionStorage (`test.refresh.sent`, `test.refresh.tokens`)
/// so both survive the tab's navigations. The app's fetch goes through
/// `window.fetch`, which this wraps.
pub const WATCH_REFRESHES: &str = "
  const original = window.fetch.bind(window);
  const list = (key) => JSON.parse(sessionStorage.getItem(key) || '[]');
  window.fetch = async (input, init) => {
    const request = new Request(input, init);
    // The session's own refreshes: a token for another API (the API page's Notes and
    // Billing, audiences on api.leptos-pkce.test) is not one.
    const body = request.url.endsWith('/oauth/token') ? await request.clone().text() : '';
    const refresh = body.includes('grant_type=refresh_token') && !body.includes('api.leptos-pkce.test');
    if (refresh) {
      sessionStorage.setItem('test.refresh.sent', String(1 + Number(sessionStorage.getItem('test.refresh.sent') || 0)));
    }
    const response = await original(request);
    if (refresh) {
      let token = null;
      try { token = (await response.clone().json()).refresh_token || null; } catch (e) {}
      sessionStorage.setItem('test.refresh.tokens', JSON.stringify(list('test.refresh.tokens').concat([token])));
    }
    return response;
  };
  return null;";

/// (refresh requests sent, refresh tokens handed out), once every request sent has
/// been answered.
pub async fn watched_refreshes(browser: &Browser) -> (u64, Vec<String>) {
    watched_refreshes_after(browser, 0).await
}

/// Like [`watched_refreshes`], once at least `sent` requests have left: a renewal
/// waiting for another tab's refresh lock has not sent its request yet.
pub async fn watched_refreshes_after(browser: &Browser, at_least: u64) -> (u64, Vec<String>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let seen = browser
            .eval(
                "return [Number(sessionStorage.getItem('test.refresh.sent') || 0),
                         JSON.parse(sessionStorage.getItem('test.refresh.tokens') || '[]')];",
            )
            .await;
        let sent = seen[0].as_u64().unwrap_or(0);
        let tokens: Vec<String> = seen[1]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        let answered = seen[1].as_array().map_or(0, Vec::len) as u64;
        if answered == sent && sent >= at_least {
            return (sent, tokens);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{sent} refresh requests, {answered} answered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The HTTP status the provider at `idp` gives a refresh of `client_id` with `token`,
/// sent from the app's page (the provider allows the app's origin).
pub async fn refresh_status(browser: &Browser, idp: &str, client_id: &str, token: &str) -> u64 {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const body = new URLSearchParams({{ grant_type: 'refresh_token', refresh_token: arguments[0], client_id: '{}' }});
         fetch('{}/oauth/token', {{ method: 'POST', body }}).then(r => done(r.status), () => done(0));",
        client_id, idp
    );
    browser
        .client
        .execute_async(&script, vec![token.into()])
        .await
        .expect("refresh from the page")
        .as_u64()
        .unwrap_or(0)
}
