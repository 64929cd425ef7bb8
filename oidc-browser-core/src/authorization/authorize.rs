//! Starting a login: the transaction kept in the browser and the `/authorize` URL
//! (RFC 6749 section 4.1.1, RFC 7636 section 4.3, OpenID Connect Core 3.1.2.1).

use crate::authorization::login_options::{LoginOptions, LoginOptionsError};
use crate::authorization::pkce::{CodeChallenge, CODE_CHALLENGE_METHOD, RANDOM_BYTES};
use crate::authorization::return_to::ReturnTo;
use crate::authorization::transaction::{CallbackEndpoints, Transaction};
use crate::config::AuthConfig;
use crate::form;
use crate::provider::discovery::ProviderMetadata;
use crate::secret::{CodeVerifier, Nonce, State};
use crate::token::token_request::TokenKey;

/// Fresh randomness for one login, from a cryptographically secure source.
pub struct LoginRandomness {
    /// Becomes the `code_verifier`.
    pub verifier: [u8; RANDOM_BYTES],
    /// Becomes the `state`.
    pub state: [u8; RANDOM_BYTES],
    /// Becomes the `nonce`.
    pub nonce: [u8; RANDOM_BYTES],
}

/// A login ready to go: keep the transaction, then send the browser to `url`.
#[must_use = "the transaction must be stored before redirecting to the URL"]
pub struct AuthorizeRequest {
    /// What the callback needs to finish this login.
    pub transaction: Transaction,
    /// Where the browser goes: the provider's authorize URL with every parameter, or,
    /// once pushed, with the pushed reference only ([`AuthorizeRequest::by_reference`]).
    pub url: String,
    /// Every parameter of the login, form-encoded: what the URL carries, or what a
    /// pushed login posts (RFC 9126).
    pub parameters: String,
}

impl AuthorizeRequest {
    /// Binds the authorization code to the DPoP key of `thumbprint` (RFC 9449 section
    /// 10, `dpop_jkt`): the provider redeems the code only with a proof of that key,
    /// so a code that leaks from the address bar or history is of no use elsewhere.
    ///
    /// Call before [`AuthorizeRequest::by_reference`]: the parameters are pushed then.
    pub fn bind_to_dpop_key(&mut self, thumbprint: &str) {
        self.transaction.dpop_jkt = Some(thumbprint.to_owned());
        let pair = form::encode_pairs([("dpop_jkt", thumbprint)]);
        self.parameters = format!("{}&{pair}", self.parameters);
        self.url = format!("{}&{pair}", self.url);
    }
}

/// Where a login's answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredIn {
    /// The whole page, at `redirect_uri`.
    Page,
    /// A popup window, at `silent_redirect_uri`: the static page that hands the
    /// answer to the window that opened the popup.
    Popup,
}

/// Builds a login from the configuration, the provider's metadata, the caller's
/// options, fresh randomness and the current time (milliseconds since the Unix epoch),
/// answered in the page or in a popup.
///
/// # Errors
/// [`LoginOptionsError`] for a reserved extra parameter or an oversized app state.
pub fn begin_login(
    config: &AuthConfig,
    provider: &ProviderMetadata,
    options: LoginOptions,
    answered_in: AnsweredIn,
    randomness: &LoginRandomness,
    now_ms: u64,
) -> Result<AuthorizeRequest, LoginOptionsError> {
    options.check()?;
    let redirect_uri = match answered_in {
        AnsweredIn::Page => &config.redirect_uri,
        AnsweredIn::Popup => &config.silent_redirect_uri,
    };
    Ok(build(
        config,
        provider,
        options,
        redirect_uri,
        false,
        randomness,
        now_ms,
    ))
}

/// Where a silent sign-in's answer comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SilentVia {
    /// The hidden iframe, at `silent_redirect_uri`.
    Iframe,
    /// The whole page, at `redirect_uri`, like a login.
    Redirect,
}

/// Builds a silent sign-in (`prompt=none`) that returns the user to `return_to`, for
/// the configured API or, with `api`, another one. Everything else is a login's:
/// PKCE, `state`, `nonce`, the same checks.
pub fn begin_silent_login(
    config: &AuthConfig,
    provider: &ProviderMetadata,
    via: SilentVia,
    return_to: ReturnTo,
    api: Option<&TokenKey>,
    randomness: &LoginRandomness,
    now_ms: u64,
) -> AuthorizeRequest {
    let options = LoginOptions {
        return_to: Some(return_to),
        prompt: Some("none".into()),
        audience: api
            .map(|key| key.audience.clone())
            .filter(|a| !a.is_empty()),
        scope: api.map(|key| key.scope.clone()).filter(|s| !s.is_empty()),
        ..LoginOptions::default()
    };
    let redirect_uri = match via {
        SilentVia::Iframe => &config.silent_redirect_uri,
        SilentVia::Redirect => &config.redirect_uri,
    };
    build(
        config,
        provider,
        options,
        redirect_uri,
        true,
        randomness,
        now_ms,
    )
}

fn build(
    config: &AuthConfig,
    provider: &ProviderMetadata,
    options: LoginOptions,
    redirect_uri: &str,
    silent: bool,
    randomness: &LoginRandomness,
    now_ms: u64,
) -> AuthorizeRequest {
    let transaction = Transaction {
        state: State::from_random(&randomness.state),
        code_verifier: CodeVerifier::from_random(&randomness.verifier),
        nonce: Nonce::from_random(&randomness.nonce),
        client_id: config.client_id.clone(),
        issuer: config.issuer.clone(),
        redirect_uri: redirect_uri.to_owned(),
        return_to: options.return_to.clone().unwrap_or_else(ReturnTo::home),
        created_at: now_ms,
        max_age: options.max_age,
        organization: options.organization.clone(),
        acr_values: options.acr_values.clone().filter(|v| !v.trim().is_empty()),
        audience: options.audience.clone(),
        scope: options.scope.clone(),
        app_state: options.app_state.clone(),
        silent,
        leeway_secs: config.clock_leeway_secs,
        timeout_secs: config.http_timeout_secs,
        dpop: config.dpop && crate::dpop::supported(&provider.dpop_signing_alg_values_supported),
        dpop_jkt: None,
        provider: CallbackEndpoints::of(provider),
    };
    let parameters = authorize_parameters(
        config,
        &options,
        &transaction,
        &transaction.code_verifier.code_challenge(),
    );
    let endpoint = &provider.authorization_endpoint;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    AuthorizeRequest {
        url: format!("{endpoint}{separator}{parameters}"),
        parameters,
        transaction,
    }
}

fn authorize_parameters(
    config: &AuthConfig,
    options: &LoginOptions,
    transaction: &Transaction,
    challenge: &CodeChallenge,
) -> String {
    let scope = options.scope.as_deref().map_or_else(
        || config.scope.clone(),
        |scope| {
            if scope.split_whitespace().any(|s| s == "openid") {
                scope.to_owned()
            } else {
                format!("openid {scope}")
            }
        },
    );
    let max_age = options.max_age.map(|s| s.to_string());
    let audience = options.audience.as_ref().or(config.audience.as_ref());
    let mut pairs: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("client_id", &config.client_id),
        ("redirect_uri", &transaction.redirect_uri),
        ("scope", &scope),
        ("state", transaction.state.secret()),
        ("nonce", transaction.nonce.secret()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", CODE_CHALLENGE_METHOD),
    ];
    let audience_name = match config.audience_param {
        crate::config::AudienceParam::Audience => "audience",
        crate::config::AudienceParam::Resource => "resource",
    };
    let optional = [
        (audience_name, audience),
        ("connection", options.connection.as_ref()),
        ("organization", options.organization.as_ref()),
        ("invitation", options.invitation.as_ref()),
        ("prompt", options.prompt.as_ref()),
        ("max_age", max_age.as_ref()),
        ("login_hint", options.login_hint.as_ref()),
        ("screen_hint", options.screen_hint.as_ref()),
        ("ui_locales", options.ui_locales.as_ref()),
        ("acr_values", options.acr_values.as_ref()),
    ];
    pairs.extend(
        optional.into_iter().filter_map(|(name, value)| {
            Some((name, value?.as_str())).filter(|(_, v)| !v.is_empty())
        }),
    );
    // Checked by `LoginOptions::check`: never one of the names above.
    pairs.extend(
        options
            .extra_params
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
    );
    form::encode_pairs(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::QueryParams;

    fn config() -> AuthConfig {
        AuthConfig::from_json(
            r#"{"domain":"tenant.auth0.com","client_id":"my client"}"#,
            "https://app.example",
        )
        .unwrap()
    }

    fn provider() -> ProviderMetadata {
        ProviderMetadata::auth0_paths(&config())
    }

    const RANDOMNESS: LoginRandomness = LoginRandomness {
        verifier: [1; 32],
        state: [2; 32],
        nonce: [3; 32],
    };

    /// A login with the test configuration, provider and randomness at `now_ms`.
    fn login_at(
        options: LoginOptions,
        answered_in: AnsweredIn,
        now_ms: u64,
    ) -> Result<AuthorizeRequest, LoginOptionsError> {
        begin_login(
            &config(),
            &provider(),
            options,
            answered_in,
            &RANDOMNESS,
            now_ms,
        )
    }

    fn query_of(url: &str) -> QueryParams {
        QueryParams::parse(url.split_once('?').unwrap().1).unwrap()
    }

    #[test]
    fn a_silent_sign_in_is_a_login_with_prompt_none() {
        let here = ReturnTo::parse("/orders?page=2").unwrap();
        for (via, redirect_uri) in [
            (
                SilentVia::Iframe,
                "https://app.example/silent-callback.html",
            ),
            (SilentVia::Redirect, "https://app.example/callback"),
        ] {
            let request = begin_silent_login(
                &config(),
                &provider(),
                via,
                here.clone(),
                None,
                &RANDOMNESS,
                7,
            );
            let q = query_of(&request.url);
            let tx = &request.transaction;
            assert_eq!(q.get("prompt"), Some("none"));
            assert_eq!(q.get("redirect_uri"), Some(redirect_uri));
            assert_eq!(tx.redirect_uri, redirect_uri, "redeemed with the same one");
            assert!(tx.silent);
            assert_eq!(tx.return_to, here);
            assert_eq!(q.get("code_challenge_method"), Some("S256"));
            assert_eq!(q.get("state"), Some(tx.state.secret()));
            assert_eq!(q.get("nonce"), Some(tx.nonce.secret()));
        }
        let login = login_at(LoginOptions::default(), AnsweredIn::Page, 7).unwrap();
        assert!(!login.transaction.silent);
    }

    #[test]
    fn basic_login_url() {
        let request = login_at(LoginOptions::default(), AnsweredIn::Page, 1_000).unwrap();
        assert!(request
            .url
            .starts_with("https://tenant.auth0.com/authorize?response_type=code&"));
        let q = query_of(&request.url);
        let tx = &request.transaction;
        assert_eq!(q.get("client_id"), Some("my client"));
        assert!(request.url.contains("client_id=my%20client"));
        assert_eq!(q.get("redirect_uri"), Some("https://app.example/callback"));
        assert_eq!(q.get("scope"), Some("openid profile email"));
        assert_eq!(q.get("state"), Some(tx.state.secret()));
        assert_eq!(q.get("nonce"), Some(tx.nonce.secret()));
        assert_eq!(q.get("code_challenge_method"), Some("S256"));
        assert_eq!(
            q.get("code_challenge"),
            Some(tx.code_verifier.code_challenge().as_str())
        );
        assert_eq!(
            q.get("code_verifier"),
            None,
            "the verifier never leaves the browser"
        );
        assert!(!request.url.contains(tx.code_verifier.secret()));
        for absent in [
            "audience",
            "connection",
            "organization",
            "invitation",
            "prompt",
            "max_age",
        ] {
            assert_eq!(q.get(absent), None, "{absent}");
        }
        assert_eq!(tx.created_at, 1_000);
        assert_eq!(tx.return_to, ReturnTo::home());
        assert_eq!(
            tx.provider.token_endpoint,
            "https://tenant.auth0.com/oauth/token"
        );
        assert_eq!(
            tx.provider.jwks_uri,
            "https://tenant.auth0.com/.well-known/jwks.json"
        );
    }

    #[test]
    fn the_parameters_a_login_would_push_are_those_of_its_address() {
        let mut request = login_at(LoginOptions::default(), AnsweredIn::Page, 1).unwrap();
        assert_eq!(request.url.split_once('?').unwrap().1, request.parameters);

        let mut provider = provider();
        provider.authorization_endpoint = "https://id.example/authorize?tenant=a".into();
        let tenant = begin_login(
            &config(),
            &provider,
            LoginOptions::default(),
            AnsweredIn::Page,
            &RANDOMNESS,
            1,
        )
        .unwrap();
        assert!(
            tenant.parameters.starts_with("response_type=code&"),
            "the endpoint's own query is not a login parameter"
        );
        assert!(tenant.url.contains("?tenant=a&response_type=code&"));

        request.bind_to_dpop_key("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        for query in [request.url.split_once('?').unwrap().1, &request.parameters] {
            let q = QueryParams::parse(query).unwrap();
            assert_eq!(
                q.get("dpop_jkt"),
                Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
            );
            assert_eq!(q.get("response_type"), Some("code"));
        }
    }

    #[test]
    fn a_popup_login_is_a_login_answered_at_the_silent_callback_page() {
        let options = LoginOptions {
            acr_values: Some("urn:strong".into()),
            ..LoginOptions::default()
        };
        let request = login_at(options, AnsweredIn::Popup, 0).unwrap();
        let q = query_of(&request.url);
        assert_eq!(
            q.get("redirect_uri"),
            Some("https://app.example/silent-callback.html")
        );
        assert_eq!(q.get("prompt"), None, "the user is asked, not prompt=none");
        assert_eq!(q.get("acr_values"), Some("urn:strong"));
        assert!(
            !request.transaction.silent,
            "errors are shown, not swallowed"
        );
        assert_eq!(
            request.transaction.redirect_uri,
            "https://app.example/silent-callback.html"
        );
    }

    #[test]
    fn a_reserved_extra_parameter_stops_the_login() {
        let options = LoginOptions {
            extra_params: vec![("state".into(), "attacker".into())],
            ..LoginOptions::default()
        };
        assert_eq!(
            login_at(options, AnsweredIn::Page, 0).err(),
            Some(LoginOptionsError::ReservedParameter("state"))
        );
    }

    #[test]
    fn every_option_is_sent_encoded() {
        let options = LoginOptions {
            return_to: Some(ReturnTo::parse("/profile").unwrap()),
            scope: Some("profile offline_access".into()),
            audience: Some("https://api.example/v1?x=1&y=2".into()),
            connection: Some("github".into()),
            organization: Some("org_123".into()),
            invitation: Some("inv ticket/+".into()),
            prompt: Some("login".into()),
            max_age: Some(300),
            login_hint: Some("ada@example.com".into()),
            screen_hint: Some("signup".into()),
            ui_locales: Some("fr-CA en".into()),
            acr_values: Some("http://schemas.openid.net/pape/policies/2007/06/multi-factor".into()),
            extra_params: vec![("ext-campaign".into(), "spring & summer".into())],
            app_state: Some(serde_json::json!({"draft": {"amount": 12}})),
        };
        let request = login_at(options, AnsweredIn::Page, 0).unwrap();
        let q = query_of(&request.url);
        assert_eq!(
            q.get("acr_values"),
            Some("http://schemas.openid.net/pape/policies/2007/06/multi-factor")
        );
        assert_eq!(q.get("ext-campaign"), Some("spring & summer"));
        assert!(!request.url.contains("draft"), "app state never in the URL");
        assert_eq!(
            request.transaction.app_state,
            Some(serde_json::json!({"draft": {"amount": 12}}))
        );
        assert_eq!(
            request.transaction.acr_values.as_deref(),
            Some("http://schemas.openid.net/pape/policies/2007/06/multi-factor")
        );
        let q = query_of(&request.url);
        assert_eq!(q.get("scope"), Some("openid profile offline_access"));
        assert_eq!(q.get("audience"), Some("https://api.example/v1?x=1&y=2"));
        assert_eq!(q.get("connection"), Some("github"));
        assert_eq!(q.get("organization"), Some("org_123"));
        assert_eq!(q.get("invitation"), Some("inv ticket/+"));
        assert!(request.url.contains("invitation=inv%20ticket%2F%2B"));
        assert_eq!(q.get("prompt"), Some("login"));
        assert_eq!(q.get("max_age"), Some("300"));
        assert_eq!(q.get("login_hint"), Some("ada@example.com"));
        assert_eq!(q.get("screen_hint"), Some("signup"));
        assert_eq!(q.get("ui_locales"), Some("fr-CA en"));
        assert_eq!(request.transaction.max_age, Some(300));
        assert_eq!(request.transaction.organization.as_deref(), Some("org_123"));
        assert_eq!(request.transaction.return_to.as_str(), "/profile");
    }

    #[test]
    fn configured_audience_is_used_unless_overridden_and_empty_options_are_dropped() {
        let mut config = config();
        config.audience = Some("https://api.example".into());
        let options = LoginOptions {
            connection: Some(String::new()),
            ..LoginOptions::default()
        };
        let q = query_of(
            &begin_login(
                &config,
                &provider(),
                options,
                AnsweredIn::Page,
                &RANDOMNESS,
                0,
            )
            .unwrap()
            .url,
        );
        assert_eq!(q.get("audience"), Some("https://api.example"));
        assert_eq!(q.get("connection"), None);
    }

    #[test]
    fn only_ever_goes_to_the_configured_authorization_endpoint() {
        let options = LoginOptions {
            connection: Some("x&redirect_uri=https://evil.example".into()),
            ..LoginOptions::default()
        };
        let request = login_at(options, AnsweredIn::Page, 0).unwrap();
        assert!(request
            .url
            .starts_with("https://tenant.auth0.com/authorize?"));
        assert_eq!(
            query_of(&request.url).get("redirect_uri"),
            Some("https://app.example/callback")
        );
    }
}
