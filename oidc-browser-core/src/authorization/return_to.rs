//! Where the app goes after a login: only ever a path on this app's own origin.
//!
//! Stops open redirects: `//evil.example`, `/\evil.example` (browsers read `\` as `/`),
//! `https://evil.example` and `javascript:` all leave the origin or run script.

use serde::{Deserialize, Serialize};

/// Longest `return_to` kept: a sane path, and a bound on storage use.
const MAX_LEN: usize = 2048;

/// A same-origin path (with optional query), such as `/profile?tab=claims`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReturnTo(String);

/// The value is not a same-origin path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("return_to must be a path on this site")]
pub struct OffOriginReturnTo;

impl ReturnTo {
    /// The app's home page.
    pub fn home() -> Self {
        Self("/".into())
    }

    /// Accepts `path` only if it starts with a single `/` and holds no backslash,
    /// control character or whitespace.
    ///
    /// # Errors
    /// [`OffOriginReturnTo`] for anything that could leave the origin.
    pub fn parse(path: &str) -> Result<Self, OffOriginReturnTo> {
        let mut chars = path.chars();
        let safe = chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && path.len() <= MAX_LEN
            && !path
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace());
        if safe {
            Ok(Self(path.to_owned()))
        } else {
            Err(OffOriginReturnTo)
        }
    }

    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReturnTo {
    type Error = OffOriginReturnTo;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ReturnTo> for String {
    fn from(value: ReturnTo) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_same_origin_paths() {
        for path in ["/", "/profile", "/a/b?c=d&e=%20", "/x#frag"] {
            assert_eq!(ReturnTo::parse(path).unwrap().as_str(), path);
        }
    }

    #[test]
    fn refuses_anything_that_leaves_the_origin() {
        for path in [
            "",
            "profile",
            "//evil.example",
            "//evil.example/path",
            "/\\evil.example",
            "/ok\\..\\",
            "https://evil.example",
            "javascript:alert(1)",
            "/\tx",
            "/a b",
            "/\n//evil.example",
        ] {
            assert_eq!(ReturnTo::parse(path), Err(OffOriginReturnTo), "{path:?}");
        }
        assert!(ReturnTo::parse(&format!("/{}", "a".repeat(MAX_LEN))).is_err());
    }

    #[test]
    fn deserializing_checks_too() {
        assert!(serde_json::from_str::<ReturnTo>(r#""//evil.example""#).is_err());
        assert_eq!(
            serde_json::from_str::<ReturnTo>(r#""/profile""#).unwrap(),
            ReturnTo::parse("/profile").unwrap()
        );
    }
}
