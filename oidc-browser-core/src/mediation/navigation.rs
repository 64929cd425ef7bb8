//! Which navigations the worker takes: a provider's answer (a `state` with a `code` or
//! an `error`) must never load as a page, whose script would read it in the address
//! bar. The worker redeems it when it is its own login's, and sends the browser on to
//! a clean address either way.

use crate::config::{path_of, AuthConfig};

/// The query of `url` (after `?`, before `#`), empty when it has none.
pub fn query_of(url: &str) -> &str {
    url.split('#')
        .next()
        .and_then(|url| url.split_once('?'))
        .map_or("", |(_, query)| query)
}

/// `url` without its query and fragment: where a taken answer's navigation goes.
pub fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Whether `url`'s query may carry an authorization response: a parameter named
/// `code`, `error` or `response` (JARM), whatever its value and whether or not the
/// rest of the query reads (a duplicate name, a bad escape): lenient, because what
/// it lets through loads as a page. An app's own `?page=2` is no answer.
pub fn carries_answer(url: &str) -> bool {
    query_of(url).split('&').any(|pair| {
        let name = pair.split('=').next().unwrap_or_default();
        matches!(name, "code" | "error" | "response")
    })
}

/// Where a page is sent to leave for the provider's logout page: the worker answers
/// this navigation with a `303` to that page, whose address carries the ID token
/// (`id_token_hint`) and so is never handed to a page.
pub const LOGOUT_PATH: &str = "/__token-worker/logout";

/// The one-time value of a navigation to [`LOGOUT_PATH`] on `origin`, if `url` is one.
pub fn logout_ticket<'a>(url: &'a str, origin: &str) -> Option<&'a str> {
    let rest = url.strip_prefix(origin)?.strip_prefix(LOGOUT_PATH)?;
    let ticket = rest.strip_prefix("?n=")?.split('#').next()?;
    (!ticket.is_empty() && !ticket.contains('&')).then_some(ticket)
}

/// Whether a navigation to `url` is an answer the worker takes for one of the
/// `mediated` providers: on the worker's origin `origin`, at a provider's
/// `redirect_uri` path or `silent_redirect_uri` path (the worker starts no silent
/// logins, so an answer there is nobody's, and is not left to a page either).
/// Another provider's answers (one whose tokens the page keeps) go to the page.
pub fn is_taken_answer<'a>(
    url: &str,
    origin: &str,
    mediated: impl IntoIterator<Item = &'a AuthConfig>,
) -> bool {
    let own = url
        .strip_prefix(origin)
        .is_some_and(|rest| rest.starts_with('/'));
    own && carries_answer(url)
        && mediated.into_iter().any(|config| {
            let path = path_of(url);
            path == config.callback_path() || path == config.silent_path()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORIGIN: &str = "https://app.example";

    #[test]
    fn only_a_state_with_a_code_or_error_is_an_answer() {
        for url in [
            "https://app.example/callback?code=c&state=s",
            "https://app.example/callback?error=access_denied&state=s#x",
            "https://app.example/callback?state=s&code=c&iss=https%3A%2F%2Fid.example%2F",
            // Leniently: no state, an empty code, a query that does not read.
            "https://app.example/callback?code=c",
            "https://app.example/callback?state=&code=",
            "https://app.example/callback?code=c&code=d&state=%zz",
            "https://app.example/callback?response=eyJ.jarm",
        ] {
            assert!(carries_answer(url), "{url}");
        }
        for url in [
            "https://app.example/callback",
            "https://app.example/callback?page=2",
            "https://app.example/callback?state=s",
            "https://app.example/callback?codes=1&errors=2",
            "https://app.example/callback#code=c&state=s",
        ] {
            assert!(!carries_answer(url), "{url}");
        }
        assert_eq!(
            without_query("https://app.example/callback?code=c&state=s#f"),
            "https://app.example/callback"
        );
        assert_eq!(query_of("https://a.example/p?x=1#y=2"), "x=1");
    }

    #[test]
    fn a_logout_ticket_is_read_only_at_its_path_on_the_origin() {
        let ticket = |url: &'static str| logout_ticket(url, ORIGIN);
        assert_eq!(
            ticket("https://app.example/__token-worker/logout?n=abc"),
            Some("abc")
        );
        assert_eq!(
            ticket("https://app.example/__token-worker/logout?n=abc#x"),
            Some("abc")
        );
        for url in [
            "https://evil.example/__token-worker/logout?n=abc",
            "https://app.example/__token-worker/logout",
            "https://app.example/__token-worker/logout?n=",
            "https://app.example/__token-worker/logout?n=a&n=b",
            "https://app.example/__token-worker/logoutx?n=abc",
        ] {
            assert_eq!(ticket(url), None, "{url}");
        }
    }

    #[test]
    fn the_worker_takes_answers_at_its_providers_paths_only() {
        let mediated = AuthConfig::from_json(
            r#"{"issuer":"https://id.example/","client_id":"c"}"#,
            ORIGIN,
        )
        .unwrap();
        let taken = |url: &str| is_taken_answer(url, ORIGIN, [&mediated]);
        assert!(taken("https://app.example/callback?code=c&state=s"));
        assert!(taken(
            "https://app.example/silent-callback.html?code=c&state=s"
        ));
        // Another path, origin, or no answer: the page's.
        assert!(!taken("https://app.example/profile?code=c&state=s"));
        assert!(!taken("https://app.example.evil/callback?code=c&state=s"));
        assert!(!taken("https://evil.example/callback?code=c&state=s"));
        assert!(!taken("https://app.example/callback?page=2"));
        assert!(!taken("https://app.example/callbackx?code=c&state=s"));
        // A provider whose tokens the page keeps answers at its own path.
        assert!(!is_taken_answer(
            "https://app.example/callback?code=c&state=s",
            ORIGIN,
            []
        ));
    }
}
