//! What a caller may add to one login, and the rules those additions must keep: custom
//! authorize parameters never replace the protocol's own, and the app state carried
//! through the login has a size cap.

use serde_json::Value;

use crate::authorization::return_to::ReturnTo;

/// What a caller may add to one login. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginOptions {
    /// Where to go once signed in; the home page when `None`.
    pub return_to: Option<ReturnTo>,
    /// Replaces the configured scope (`openid` is always kept).
    pub scope: Option<String>,
    /// Replaces the configured API audience.
    pub audience: Option<String>,
    /// Auth0 connection to go to directly, such as `github`.
    pub connection: Option<String>,
    /// Auth0 organization id or name.
    pub organization: Option<String>,
    /// Auth0 organization invitation ticket.
    pub invitation: Option<String>,
    /// `none`, `login`, `consent` or `select_account`.
    pub prompt: Option<String>,
    /// Maximum seconds since the user last authenticated; the ID token's `auth_time`
    /// is checked against it.
    pub max_age: Option<u64>,
    /// Authentication context classes asked for, space-separated, most wanted first
    /// (step-up: `http://schemas.openid.net/pape/policies/2007/06/multi-factor` at
    /// Auth0). The ID token's `acr` must be one of them.
    pub acr_values: Option<String>,
    /// Pre-fills the user name on the provider's login page.
    pub login_hint: Option<String>,
    /// Auth0 `screen_hint`, such as `signup`.
    pub screen_hint: Option<String>,
    /// Preferred languages for the provider's pages.
    pub ui_locales: Option<String>,
    /// Further `/authorize` parameters the provider understands (Auth0 passes them to
    /// its Actions as `event.request.query`). The protocol's own names and the typed
    /// ones above are refused: see [`RESERVED_PARAMS`].
    pub extra_params: Vec<(String, String)>,
    /// Any value the app wants back after the login (a half-filled form, a tab to
    /// reopen): kept with the login transaction in this tab's sessionStorage, never in
    /// a URL, and handed back by `Auth::app_state` (in the Leptos crate). At most
    /// [`MAX_APP_STATE_BYTES`] as JSON.
    pub app_state: Option<Value>,
}

/// Parameter names an app may not set through [`LoginOptions::extra_params`]: the
/// ones this client sets for the protocol's safety (a second `state`,
/// `redirect_uri` or `code_challenge` would undo it), and the ones with a typed field.
pub const RESERVED_PARAMS: [&str; 24] = [
    "response_type",
    "response_mode",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "request",
    "request_uri",
    "dpop_jkt",
    "registration",
    "id_token_hint",
    "audience",
    "resource",
    "connection",
    "organization",
    "invitation",
    "prompt",
    "max_age",
    "acr_values",
    "login_hint",
    "screen_hint",
];

/// The most extra parameters one login may add.
pub const MAX_EXTRA_PARAMS: usize = 16;

/// The largest app state kept with a login, as JSON: sessionStorage is small and
/// shared by every login of the tab.
pub const MAX_APP_STATE_BYTES: usize = 8 * 1024;

/// Why the options of a login cannot be used; nothing was stored or sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginOptionsError {
    /// An extra parameter uses a name this client sets itself or has a field for.
    #[error("the authorize parameter `{0}` cannot be set as an extra parameter")]
    ReservedParameter(&'static str),
    /// An extra parameter with an empty name, or `ui_locales` given twice.
    #[error("an extra authorize parameter has an empty or repeated name")]
    BadParameterName,
    /// More than [`MAX_EXTRA_PARAMS`] extra parameters.
    #[error("a login takes at most {MAX_EXTRA_PARAMS} extra authorize parameters")]
    TooManyParameters,
    /// The app state is larger than [`MAX_APP_STATE_BYTES`] as JSON.
    #[error("the app state kept through a login is limited to {MAX_APP_STATE_BYTES} bytes")]
    AppStateTooLarge,
}

impl LoginOptions {
    /// Checks the extra parameters and the app state.
    ///
    /// # Errors
    /// The first [`LoginOptionsError`].
    pub fn check(&self) -> Result<(), LoginOptionsError> {
        if self.extra_params.len() > MAX_EXTRA_PARAMS {
            return Err(LoginOptionsError::TooManyParameters);
        }
        for (i, (name, _)) in self.extra_params.iter().enumerate() {
            if let Some(reserved) = RESERVED_PARAMS
                .iter()
                .find(|r| r.eq_ignore_ascii_case(name))
            {
                return Err(LoginOptionsError::ReservedParameter(reserved));
            }
            let repeated = self.extra_params[..i].iter().any(|(n, _)| n == name)
                || (name == "ui_locales" && self.ui_locales.is_some());
            if name.trim().is_empty() || repeated {
                return Err(LoginOptionsError::BadParameterName);
            }
        }
        if let Some(state) = &self.app_state {
            let size = serde_json::to_string(state).map_or(usize::MAX, |json| json.len());
            if size > MAX_APP_STATE_BYTES {
                return Err(LoginOptionsError::AppStateTooLarge);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_params(params: &[(&str, &str)]) -> LoginOptions {
        LoginOptions {
            extra_params: params
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            ..LoginOptions::default()
        }
    }

    #[test]
    fn custom_parameters_pass_and_reserved_names_are_refused() {
        assert_eq!(
            with_params(&[("ext-campaign", "spring"), ("theme", "dark")]).check(),
            Ok(())
        );
        for name in [
            "state",
            "STATE",
            "redirect_uri",
            "code_challenge",
            "audience",
            "acr_values",
        ] {
            assert!(
                matches!(
                    with_params(&[(name, "x")]).check(),
                    Err(LoginOptionsError::ReservedParameter(_))
                ),
                "{name}"
            );
        }
        assert_eq!(
            with_params(&[("a", "1"), ("a", "2")]).check(),
            Err(LoginOptionsError::BadParameterName)
        );
        assert_eq!(
            with_params(&[(" ", "1")]).check(),
            Err(LoginOptionsError::BadParameterName)
        );
        let many: Vec<(String, String)> = (0..=MAX_EXTRA_PARAMS)
            .map(|i| (format!("p{i}"), String::new()))
            .collect();
        let options = LoginOptions {
            extra_params: many,
            ..LoginOptions::default()
        };
        assert_eq!(options.check(), Err(LoginOptionsError::TooManyParameters));
    }

    #[test]
    fn app_state_is_capped() {
        let fits = LoginOptions {
            app_state: Some(serde_json::json!({"draft": "x".repeat(MAX_APP_STATE_BYTES - 20)})),
            ..LoginOptions::default()
        };
        assert_eq!(fits.check(), Ok(()));
        let too_big = LoginOptions {
            app_state: Some(serde_json::json!({"draft": "x".repeat(MAX_APP_STATE_BYTES)})),
            ..LoginOptions::default()
        };
        assert_eq!(too_big.check(), Err(LoginOptionsError::AppStateTooLarge));
    }
}
