//! An error the provider reported (`error` and `error_description`, RFC 6749 sections
//! 4.1.2.1 and 5.2; OpenID Connect Core 3.1.2.6), kept intact and explained in words.

/// The provider's own error, from the callback or the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    /// The `error` code, such as `access_denied`.
    pub error: String,
    /// The provider's `error_description`, when it sent one.
    pub error_description: Option<String>,
}

impl ProviderError {
    /// What the code means for the user, in plain words.
    pub fn explanation(&self) -> &'static str {
        match self.error.as_str() {
            "access_denied" => "Sign-in was cancelled or access was denied.",
            "login_required" => "You need to sign in again.",
            "consent_required" => "The app needs your consent before you can sign in.",
            "interaction_required" => "The sign-in page needs your input.",
            "account_selection_required" => "Please choose an account to sign in with.",
            "invalid_request" => "The sign-in request was not accepted.",
            "unauthorized_client" | "invalid_client" => {
                "This app is not allowed to sign in with this provider; check its client settings."
            }
            "invalid_grant" => "The sign-in code was already used or has expired.",
            "invalid_scope" => "The app asked for permissions the provider does not offer.",
            "server_error" | "temporarily_unavailable" => {
                "The sign-in service had a problem; please try again later."
            }
            _ => "The sign-in service reported an error.",
        }
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}", self.explanation(), self.error)?;
        match &self.error_description {
            Some(description) => write!(f, ": {description})"),
            None => f.write_str(")"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_explanation_code_and_description() {
        let error = ProviderError {
            error: "access_denied".into(),
            error_description: Some("User denied consent".into()),
        };
        assert_eq!(
            error.to_string(),
            "Sign-in was cancelled or access was denied. (access_denied: User denied consent)"
        );
        let unknown = ProviderError {
            error: "weird".into(),
            error_description: None,
        };
        assert_eq!(
            unknown.to_string(),
            "The sign-in service reported an error. (weird)"
        );
    }

    #[test]
    fn common_codes_have_their_own_words() {
        for code in [
            "access_denied",
            "login_required",
            "consent_required",
            "invalid_request",
        ] {
            let error = ProviderError {
                error: code.into(),
                error_description: None,
            };
            assert_ne!(
                error.explanation(),
                "The sign-in service reported an error.",
                "{code}"
            );
        }
    }
}
