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

/// The most characters of an `error_description` shown to the user.
pub const MAX_DESCRIPTION_CHARS: usize = 200;

impl std::fmt::Display for ProviderError {
    /// The explanation, then the code and the provider's description as sent, within
    /// bounds: a code that is not a plain token is not repeated, and the description
    /// loses control characters and is cut at [`MAX_DESCRIPTION_CHARS`] (a provider or
    /// a forged answer could otherwise fill the page).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain_code = !self.error.is_empty()
            && self.error.len() <= 64
            && self
                .error
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
        write!(f, "{}", self.explanation())?;
        let description = self.error_description.as_deref().map(|text| {
            let kept: String = text
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_DESCRIPTION_CHARS)
                .collect();
            let cut = text.chars().filter(|c| !c.is_control()).count() > MAX_DESCRIPTION_CHARS;
            if cut {
                format!("{kept}…")
            } else {
                kept
            }
        });
        match (plain_code, description) {
            (true, Some(description)) => write!(f, " ({}: {description})", self.error),
            (true, None) => write!(f, " ({})", self.error),
            (false, Some(description)) => write!(f, " ({description})"),
            (false, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_or_odd_answer_is_shown_within_bounds() {
        let long = ProviderError {
            error: "<script>alert(1)</script>".into(),
            error_description: Some(format!("line\nbreak {}", "x".repeat(500))),
        };
        let shown = long.to_string();
        assert!(!shown.contains("<script>"), "{shown}");
        assert!(!shown.contains('\n'));
        assert!(shown.ends_with("…)"), "{shown}");
        assert!(
            shown.chars().count() < MAX_DESCRIPTION_CHARS + 80,
            "{shown}"
        );
    }

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
