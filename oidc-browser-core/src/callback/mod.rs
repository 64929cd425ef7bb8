//! Parsing the query the provider sends back to `redirect_uri` (RFC 6749 sections
//! 4.1.2 and 4.1.2.1, RFC 9207 `iss`).

pub mod login;
pub mod spent_logins;

use crate::form::{QueryError, QueryParams};
use crate::provider::provider_error::ProviderError;
use crate::secret::{AuthorizationCode, State};

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackResponse {
    /// The user signed in: redeem `code` with the transaction of `state`.
    Code {
        /// The authorization code.
        code: AuthorizationCode,
        /// The transaction this answer belongs to.
        state: State,
        /// The issuer that sent it (RFC 9207), when the provider says.
        iss: Option<String>,
    },
    /// The provider refused or failed.
    Error {
        /// The error as sent.
        error: ProviderError,
        /// The transaction it belongs to, when sent.
        state: Option<State>,
        /// The issuer that sent it (RFC 9207), when the provider says.
        iss: Option<String>,
    },
}

/// The query is not a usable callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// The query could not be decoded, or repeats a parameter.
    #[error("the sign-in response is malformed: {0}")]
    Query(#[from] QueryError),
    /// Neither `code` nor `error`: this page was not opened by the provider.
    #[error("this page expects a sign-in response, and there is none")]
    NotACallback,
    /// A `code` without `state`: cannot be tied to a login of this browser.
    #[error("the sign-in response has no state")]
    MissingState,
    /// Both `code` and `error`.
    #[error("the sign-in response holds both a code and an error")]
    Ambiguous,
}

impl CallbackResponse {
    /// Parses a callback query string (with or without its leading `?`).
    ///
    /// # Errors
    /// A [`CallbackError`] for a query that is neither a code nor an error response.
    pub fn parse(query: &str) -> Result<Self, CallbackError> {
        let params = QueryParams::parse(query)?;
        let state = params.non_empty("state").map(|s| State::new(s.into()));
        match (params.non_empty("code"), params.non_empty("error")) {
            (Some(_), Some(_)) => Err(CallbackError::Ambiguous),
            (Some(code), None) => Ok(Self::Code {
                code: AuthorizationCode::new(code.into()),
                state: state.ok_or(CallbackError::MissingState)?,
                iss: params.get("iss").map(str::to_owned),
            }),
            (None, Some(error)) => Ok(Self::Error {
                error: ProviderError {
                    error: error.into(),
                    error_description: params.non_empty("error_description").map(str::to_owned),
                },
                state,
                iss: params.get("iss").map(str::to_owned),
            }),
            (None, None) => Err(CallbackError::NotACallback),
        }
    }

    /// The `state` this response carries, if any.
    pub fn state(&self) -> Option<&State> {
        match self {
            Self::Code { state, .. } => Some(state),
            Self::Error { state, .. } => state.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_response_with_iss() {
        let response =
            CallbackResponse::parse("?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A4000%2F")
                .unwrap();
        assert_eq!(
            response,
            CallbackResponse::Code {
                code: AuthorizationCode::new("abc".into()),
                state: State::new("xyz".into()),
                iss: Some("http://127.0.0.1:4000/".into()),
            }
        );
        assert_eq!(response.state(), Some(&State::new("xyz".into())));
    }

    #[test]
    fn error_response_keeps_description_and_state() {
        let response = CallbackResponse::parse(
            "error=access_denied&error_description=User+denied+access&state=s1",
        )
        .unwrap();
        let CallbackResponse::Error { error, state, .. } = response else {
            panic!()
        };
        assert_eq!(error.error, "access_denied");
        assert_eq!(
            error.error_description.as_deref(),
            Some("User denied access")
        );
        assert_eq!(state, Some(State::new("s1".into())));
    }

    #[test]
    fn error_response_without_state_or_description() {
        let CallbackResponse::Error { error, state, .. } =
            CallbackResponse::parse("error=login_required").unwrap()
        else {
            panic!()
        };
        assert_eq!(error.error_description, None);
        assert_eq!(state, None);
    }

    #[test]
    fn rejects_what_is_not_a_callback() {
        assert_eq!(
            CallbackResponse::parse(""),
            Err(CallbackError::NotACallback)
        );
        assert_eq!(
            CallbackResponse::parse("?code=&state=s"),
            Err(CallbackError::NotACallback)
        );
        assert_eq!(
            CallbackResponse::parse("?foo=bar"),
            Err(CallbackError::NotACallback)
        );
        assert_eq!(
            CallbackResponse::parse("?code=c"),
            Err(CallbackError::MissingState)
        );
        assert_eq!(
            CallbackResponse::parse("?code=c&state="),
            Err(CallbackError::MissingState)
        );
        assert_eq!(
            CallbackResponse::parse("?code=c&state=s&error=x"),
            Err(CallbackError::Ambiguous)
        );
    }

    #[test]
    fn rejects_duplicated_and_malformed_parameters() {
        assert_eq!(
            CallbackResponse::parse("?code=c&state=a&state=b"),
            Err(CallbackError::Query(QueryError::Duplicate("state".into())))
        );
        assert_eq!(
            CallbackResponse::parse("?code=c&code=d&state=a"),
            Err(CallbackError::Query(QueryError::Duplicate("code".into())))
        );
        assert_eq!(
            CallbackResponse::parse("?code=%G0&state=a"),
            Err(CallbackError::Query(QueryError::BadEscape("code".into())))
        );
    }

    #[test]
    fn debug_does_not_show_code_or_state() {
        let response = CallbackResponse::parse("?code=secretcode&state=secretstate").unwrap();
        let debug = format!("{response:?}");
        assert!(
            !debug.contains("secretcode") && !debug.contains("secretstate"),
            "{debug}"
        );
    }
}
