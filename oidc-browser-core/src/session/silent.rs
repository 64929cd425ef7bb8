//! Signing a returning user back in without a prompt (`prompt=none`, OpenID Connect
//! Core 3.1.2.1), as pure rules: when to try, how, and what an answer means. The same
//! PKCE, `state`, `nonce` and ID token checks as any login apply; only the way the
//! answer comes back differs.

use crate::provider::provider_error::ProviderError;

/// How the library signs a returning user back in after a reload, and renews the
/// access token when there is no refresh token (`silent_sign_in` in the
/// configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SilentSignIn {
    /// A hidden iframe first; where it cannot work (the provider on another site, its
    /// cookies blocked in frames), a top-level `prompt=none` redirect, only when this
    /// browser signed in here before. The default.
    #[default]
    IframeThenRedirect,
    /// Only the hidden iframe: never leaves the page.
    Iframe,
    /// Never: a reload signs the user out unless a refresh token is stored.
    Off,
}

/// How long the hidden iframe may take before it counts as "cannot work here".
pub const IFRAME_TIMEOUT_MS: u32 = 10_000;

/// The `type` of the message the silent-callback page posts to its parent.
pub const MESSAGE_TYPE: &str = "leptos-pkce-silent-callback";

/// How soon after it was sent to the provider a popup that reads as closed was cut off
/// by the provider's page rather than closed by the user: no one closes a window that
/// fast, while a page served with `Cross-Origin-Opener-Policy: same-origin` severs its
/// opener as soon as it loads (the app then sees `closed`).
pub const POPUP_SEVERED_WITHIN_MS: u64 = 1_000;

/// How a popup that reads as closed came to be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupClosed {
    /// The provider's page cut its link to the app (`Cross-Origin-Opener-Policy`):
    /// its answer can never come back.
    Severed,
    /// The user closed it.
    ByUser,
}

/// How a popup that closed `open_for_ms` after it was sent to the provider was closed.
pub fn popup_closed(open_for_ms: u64) -> PopupClosed {
    if open_for_ms < POPUP_SEVERED_WITHIN_MS {
        PopupClosed::Severed
    } else {
        PopupClosed::ByUser
    }
}

/// True when `query`, an answer the silent-callback page handed over, belongs to the
/// login of `state`: two logins waiting at once (two popups, a popup and a frame)
/// must not take each other's answer. An unreadable answer belongs to nobody.
pub fn answers_login(query: &str, state: &str) -> bool {
    crate::callback::CallbackResponse::parse(query)
        .ok()
        .and_then(|answer| answer.state().map(|s| s.secret() == state))
        .unwrap_or(false)
}

/// True when a `prompt=none` answer says the user must interact: nobody is signed in
/// at the provider, or it wants consent, an account choice or a login. The user
/// stays signed out, quietly: no error page, no loop.
pub fn needs_interaction(error: &ProviderError) -> bool {
    matches!(
        error.error.as_str(),
        "login_required"
            | "interaction_required"
            | "consent_required"
            | "account_selection_required"
    )
}

/// Whether to try a silent sign-in when the app starts without a session: never when
/// switched off, else only when this browser signed in here before (a non-secret
/// hint), so signed-out visitors cause no provider round trip at all.
pub fn try_at_start(mode: SilentSignIn, signed_in_before: bool) -> bool {
    mode != SilentSignIn::Off && signed_in_before
}

/// Where a page load of the app runs, as far as starting a session is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLoad {
    /// A top-level page: it restores and signs in as usual.
    TopLevel,
    /// Inside a frame: a frame never starts session work (an app framed by another
    /// page, or served where the silent-callback page should be).
    Framed,
    /// At `silent_redirect_uri`'s path: the app was served where the static
    /// silent-callback page may answer (no such file, and a fallback that serves
    /// `index.html` for every path). The app hands the answer over in its place.
    AtSilentPage,
}

impl PageLoad {
    /// Classifies a page load: `framed` when the page is not the top window,
    /// `at_silent_path` when its path is `silent_redirect_uri`'s.
    pub fn of(framed: bool, at_silent_path: bool) -> Self {
        if at_silent_path {
            Self::AtSilentPage
        } else if framed {
            Self::Framed
        } else {
            Self::TopLevel
        }
    }

    /// Whether this page load may restore a session or sign in silently: only a
    /// top-level page that is not the silent page. Otherwise the app loaded inside the
    /// silent sign-in's frame would start its own silent sign-in there (a frame in the
    /// frame, again and again) and spend the refresh token beside the page that framed
    /// it.
    pub fn may_start_session(self) -> bool {
        self == Self::TopLevel
    }
}

/// After the iframe needed interaction or gave no answer: a top-level redirect with
/// `prompt=none` when the mode allows it, the provider is on another site than the
/// app (so its cookies were likely withheld from the frame, and the answer says
/// nothing about its session), and no such redirect was tried in this tab yet (no
/// loop).
pub fn redirect_after_iframe(
    mode: SilentSignIn,
    app_origin: &str,
    provider_origin: &str,
    redirect_tried: bool,
) -> bool {
    mode == SilentSignIn::IframeThenRedirect
        && !redirect_tried
        && !same_site(app_origin, provider_origin)
}

/// Whether a top-level silent redirect that [`redirect_after_iframe`] allows may leave
/// now. Not while this page load finishes a login (leaving would drop its code
/// before it is redeemed), nor when another provider of the page is already leaving
/// (one address wins; the other's login would be stored for nothing, its one try in
/// this tab spent). Then it waits for a later page load with its "signed in here
/// before" mark kept, unlike a redirect that is not allowed at all.
pub fn may_leave_page(finishing_a_login: bool, another_leaving: bool) -> bool {
    !finishing_a_login && !another_leaving
}

/// Whether two origins are the same site as browsers count it for cookies: the same
/// scheme and the same registrable domain. Without the public suffix list this takes
/// the last two labels of a host name (IP addresses and `localhost` must be equal);
/// where that misjudges (`a.github.io` and `b.github.io`), the cost is one redirect
/// not taken, and the user signs in by hand.
pub fn same_site(a: &str, b: &str) -> bool {
    let parts = |origin: &str| -> Option<(String, String)> {
        let (scheme, rest) = origin.split_once("://")?;
        let authority = rest.split('/').next()?;
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next()?.to_owned(),
            None => authority
                .rsplit_once(':')
                .map_or(authority, |(h, _)| h)
                .to_owned(),
        };
        let host = host.to_ascii_lowercase();
        let is_name = host.contains('.')
            && !host.contains(':')
            && !host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let site = if is_name {
            let labels: Vec<&str> = host.rsplitn(3, '.').take(2).collect();
            format!("{}.{}", labels[1], labels[0])
        } else {
            host
        };
        Some((scheme.to_ascii_lowercase(), site))
    };
    matches!((parts(a), parts(b)), (Some(a), Some(b)) if a == b)
}

/// Why a renewal by a silent sign-in in the frame, which found no session at the
/// provider (`login_required` or no answer), ends the session: across sites (the
/// app's origin and the issuer's), most likely because the browser keeps the
/// provider's cookies from frames, which every renewal would meet again: said once,
/// clearly ([`crate::error::ProtocolError::BackgroundRenewalBlocked`]); on one site, the provider's
/// session really is over ([`crate::error::ProtocolError::SessionEnded`]).
pub fn silent_renewal_failed(app_origin: &str, issuer: &str) -> crate::error::ProtocolError {
    if same_site(app_origin, origin_of(issuer)) {
        crate::error::ProtocolError::SessionEnded
    } else {
        crate::error::ProtocolError::BackgroundRenewalBlocked
    }
}

/// The origin (`scheme://host:port`) of a URL: the provider's from its issuer, the app's
/// from one of its pages.
pub fn origin_of(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').map_or(url.len(), |i| scheme.len() + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_background_renewal_across_sites_says_why() {
        use crate::error::ProtocolError;
        assert_eq!(
            silent_renewal_failed("https://app.example.com", "https://login.example.com/"),
            ProtocolError::SessionEnded
        );
        assert_eq!(
            silent_renewal_failed("http://localhost:8095", "http://127.0.0.1:4000/"),
            ProtocolError::BackgroundRenewalBlocked
        );
        assert_eq!(
            silent_renewal_failed("https://app.example", "https://tenant.eu.auth0.com/"),
            ProtocolError::BackgroundRenewalBlocked
        );
    }

    #[test]
    fn a_popup_gone_at_once_was_cut_off_not_closed() {
        assert_eq!(popup_closed(400), PopupClosed::Severed);
        assert_eq!(popup_closed(5_000), PopupClosed::ByUser);
    }

    #[test]
    fn an_answer_belongs_only_to_the_login_of_its_state() {
        assert!(answers_login("?code=c&state=s1", "s1"));
        assert!(answers_login("error=login_required&state=s1", "s1"));
        assert!(
            !answers_login("code=c&state=s2", "s1"),
            "another login's answer"
        );
        assert!(!answers_login("error=login_required", "s1"), "no state");
        assert!(
            !answers_login("code=c&state=s1&state=s1", "s1"),
            "unreadable"
        );
        assert!(!answers_login("", "s1"));
    }

    fn error(code: &str) -> ProviderError {
        ProviderError {
            error: code.into(),
            error_description: None,
        }
    }

    #[test]
    fn interaction_answers_leave_the_user_signed_out_quietly() {
        for code in [
            "login_required",
            "interaction_required",
            "consent_required",
            "account_selection_required",
        ] {
            assert!(needs_interaction(&error(code)), "{code}");
        }
        for code in ["access_denied", "server_error", "invalid_request"] {
            assert!(!needs_interaction(&error(code)), "{code}");
        }
    }

    #[test]
    fn signed_out_visitors_never_reach_the_provider() {
        assert!(!try_at_start(SilentSignIn::IframeThenRedirect, false));
        assert!(!try_at_start(SilentSignIn::Iframe, false));
        assert!(try_at_start(SilentSignIn::IframeThenRedirect, true));
        assert!(try_at_start(SilentSignIn::Iframe, true));
        assert!(!try_at_start(SilentSignIn::Off, true));
    }

    #[test]
    fn only_a_top_level_page_that_is_not_the_silent_page_starts_a_session() {
        assert_eq!(PageLoad::of(false, false), PageLoad::TopLevel);
        assert!(PageLoad::of(false, false).may_start_session());
        assert_eq!(PageLoad::of(true, false), PageLoad::Framed);
        assert!(!PageLoad::of(true, false).may_start_session());
        assert_eq!(PageLoad::of(true, true), PageLoad::AtSilentPage);
        assert!(!PageLoad::of(true, true).may_start_session());
        assert_eq!(PageLoad::of(false, true), PageLoad::AtSilentPage);
        assert!(!PageLoad::of(false, true).may_start_session());
    }

    #[test]
    fn a_silent_redirect_waits_while_the_page_finishes_a_login_or_another_leaves() {
        assert!(may_leave_page(false, false));
        assert!(
            !may_leave_page(true, false),
            "a code being redeemed is not dropped"
        );
        assert!(!may_leave_page(false, true), "one address wins");
        assert!(!may_leave_page(true, true));
    }

    #[test]
    fn a_redirect_only_across_sites_once_and_when_allowed() {
        let cross = ("http://localhost:8095", "http://127.0.0.1:4000");
        assert!(redirect_after_iframe(
            SilentSignIn::IframeThenRedirect,
            cross.0,
            cross.1,
            false
        ));
        assert!(
            !redirect_after_iframe(SilentSignIn::IframeThenRedirect, cross.0, cross.1, true),
            "tried once in this tab: no loop"
        );
        assert!(!redirect_after_iframe(
            SilentSignIn::Iframe,
            cross.0,
            cross.1,
            false
        ));
        assert!(
            !redirect_after_iframe(
                SilentSignIn::IframeThenRedirect,
                "http://127.0.0.1:8090",
                "http://127.0.0.1:4000",
                false
            ),
            "same site: the iframe saw the provider's session; its answer stands"
        );
    }

    #[test]
    fn same_site_as_cookies_count_it() {
        assert!(same_site(
            "https://app.example.com",
            "https://login.example.com"
        ));
        assert!(same_site("http://127.0.0.1:8090", "http://127.0.0.1:4000"));
        assert!(!same_site("http://localhost:8090", "http://127.0.0.1:4000"));
        assert!(!same_site(
            "https://app.example.com",
            "https://tenant.auth0.com"
        ));
        assert!(!same_site("https://example.com", "http://example.com"));
        assert!(same_site("https://[::1]:1", "https://[::1]:2"));
        assert!(!same_site("not a url", "https://example.com"));
    }

    #[test]
    fn origins_of_urls() {
        assert_eq!(origin_of("https://t.auth0.com/"), "https://t.auth0.com");
        assert_eq!(origin_of("http://127.0.0.1:4000"), "http://127.0.0.1:4000");
        assert_eq!(
            origin_of("https://id.example/realms/x"),
            "https://id.example"
        );
    }
}
