//! The userinfo answer (OpenID Connect Core 5.3): trusted only when it is about the
//! signed-in user.

use serde_json::Value;

/// Why a userinfo answer is not shown. No variant repeats what the answer said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UserinfoError {
    /// Not a JSON object (a signed or encrypted answer is not asked for).
    #[error("the provider's user info is not a JSON object")]
    NotJson,
    /// No `sub` string.
    #[error("the provider's user info does not say whom it is about (no `sub`)")]
    MissingSubject,
    /// A `sub` other than the ID token's (Core 5.3.4): possibly another user's data
    /// (a token substitution), never to be shown as this user's.
    #[error("the provider's user info is about another user than the one signed in")]
    OtherSubject,
}

/// Checks that a userinfo answer is about `sub`, the signed-in user.
///
/// # Errors
/// A [`UserinfoError`]; the answer must then not be shown.
pub fn check_subject(body: &str, sub: &str) -> Result<(), UserinfoError> {
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(body) else {
        return Err(UserinfoError::NotJson);
    };
    match fields.get("sub").and_then(Value::as_str) {
        Some(answered) if answered == sub => Ok(()),
        Some(_) => Err(UserinfoError::OtherSubject),
        None => Err(UserinfoError::MissingSubject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_answer_about_the_signed_in_user_is_shown() {
        assert_eq!(
            check_subject(r#"{"sub":"auth0|ada","name":"Ada"}"#, "auth0|ada"),
            Ok(())
        );
        assert_eq!(
            check_subject(r#"{"sub":"auth0|eve","name":"Eve"}"#, "auth0|ada"),
            Err(UserinfoError::OtherSubject)
        );
        assert_eq!(
            check_subject(r#"{"name":"Ada"}"#, "auth0|ada"),
            Err(UserinfoError::MissingSubject)
        );
        assert_eq!(
            check_subject(r#"{"sub":7}"#, "auth0|ada"),
            Err(UserinfoError::MissingSubject)
        );
        assert_eq!(
            check_subject("eyJhbGciOi.x.y", "auth0|ada"),
            Err(UserinfoError::NotJson)
        );
        let message = check_subject(r#"{"sub":"Call 0800 SCAM"}"#, "a")
            .unwrap_err()
            .to_string();
        assert!(!message.contains("SCAM"), "{message}");
    }
}
