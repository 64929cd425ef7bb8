//! A page's `start_login` read into the login's options: the worker checks what a page
//! asks for as the page itself would ([`LoginOptions::check`]), and refuses what it
//! does not know instead of dropping it.

use serde_json::{Map, Value};

use crate::authorization::login_options::LoginOptions;
use crate::authorization::return_to::ReturnTo;

/// Why a page's `start_login` was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StartLoginError {
    /// `return_to` is not a path of this app.
    #[error("the page asked to return to a place outside the app after the sign-in")]
    ReturnTo,
    /// An option the worker does not know, or of the wrong type.
    #[error("the page asked for a sign-in option the service worker does not know: `{0}`")]
    Option(String),
}

/// The options of a page's `start_login`: `return_to` and the `options` object, whose
/// fields are [`LoginOptions`]' (strings, `max_age` a whole number, `extra_params` an
/// object of strings, `app_state` any JSON).
///
/// # Errors
/// [`StartLoginError`] for a `return_to` off the app, or an unknown or mistyped option
/// (named; never its value).
pub fn login_options(
    return_to: &str,
    options: &Map<String, Value>,
) -> Result<LoginOptions, StartLoginError> {
    let mut login = LoginOptions {
        return_to: Some(ReturnTo::parse(return_to).map_err(|_| StartLoginError::ReturnTo)?),
        ..LoginOptions::default()
    };
    for (name, value) in options {
        let wrong = || StartLoginError::Option(name.chars().take(40).collect());
        let text = || value.as_str().map(str::to_owned).ok_or_else(wrong);
        match name.as_str() {
            "scope" => login.scope = Some(text()?),
            "audience" => login.audience = Some(text()?),
            "connection" => login.connection = Some(text()?),
            "organization" => login.organization = Some(text()?),
            "invitation" => login.invitation = Some(text()?),
            "prompt" => login.prompt = Some(text()?),
            "acr_values" => login.acr_values = Some(text()?),
            "login_hint" => login.login_hint = Some(text()?),
            "screen_hint" => login.screen_hint = Some(text()?),
            "ui_locales" => login.ui_locales = Some(text()?),
            "max_age" => login.max_age = Some(value.as_u64().ok_or_else(wrong)?),
            "app_state" => login.app_state = Some(value.clone()),
            "extra_params" => {
                let Value::Object(params) = value else {
                    return Err(wrong());
                };
                login.extra_params = params
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect::<Option<_>>()
                    .ok_or_else(wrong)?;
            }
            _ => return Err(wrong()),
        }
    }
    Ok(login)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Map<String, Value> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn every_option_of_the_page_reads_into_the_login() {
        let options = login_options(
            "/profile?tab=1",
            &object(
                r#"{"connection":"github","max_age":60,"app_state":{"draft":1},
                    "extra_params":{"ext-campaign":"winter"},"prompt":"login"}"#,
            ),
        )
        .unwrap();
        assert_eq!(options.return_to.unwrap().as_str(), "/profile?tab=1");
        assert_eq!(options.connection.as_deref(), Some("github"));
        assert_eq!(options.max_age, Some(60));
        assert_eq!(options.prompt.as_deref(), Some("login"));
        assert_eq!(
            options.extra_params,
            [("ext-campaign".to_owned(), "winter".to_owned())]
        );
        assert_eq!(options.app_state, Some(serde_json::json!({"draft": 1})));
    }

    #[test]
    fn an_unknown_or_mistyped_option_or_a_foreign_return_is_refused() {
        assert_eq!(
            login_options("//evil.example/", &Map::new()),
            Err(StartLoginError::ReturnTo)
        );
        for (text, named) in [
            (
                r#"{"redirect_uri":"https://evil.example/"}"#,
                "redirect_uri",
            ),
            (r#"{"connection":7}"#, "connection"),
            (r#"{"max_age":-1}"#, "max_age"),
            (r#"{"extra_params":{"a":1}}"#, "extra_params"),
        ] {
            assert_eq!(
                login_options("/", &object(text)),
                Err(StartLoginError::Option(named.into())),
                "{text}"
            );
        }
    }
}
