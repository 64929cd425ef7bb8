//! `token_mediation` and `token_mediation_fallback` as the page reads them: where the
//! provider's tokens are kept, and whether the page may keep them when no service
//! worker can. The worker reads the same fields, with its allow-list
//! (`mediation::config`).

use serde_json::{Map, Value};

use super::ConfigError;

/// Where a provider's tokens are kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenMediation {
    /// In the page, as without this mode (`"page"`, the default).
    #[default]
    Page,
    /// In the service worker's memory (`"service_worker"`).
    ServiceWorker,
}

impl TokenMediation {
    /// Reads `token_mediation` (absent: [`TokenMediation::Page`]).
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for anything but `"page"` or `"service_worker"`.
    pub fn from_fields(fields: &Map<String, Value>) -> Result<Self, ConfigError> {
        match fields.get("token_mediation") {
            None | Some(Value::Null) => Ok(Self::Page),
            Some(Value::String(mode)) if mode == "page" => Ok(Self::Page),
            Some(Value::String(mode)) if mode == "service_worker" => Ok(Self::ServiceWorker),
            Some(_) => Err(ConfigError::Invalid {
                field: "token_mediation",
                reason: "must be \"page\" or \"service_worker\"",
            }),
        }
    }
}

/// Reads `token_mediation_fallback` (absent: `false`).
///
/// # Errors
/// [`ConfigError::WrongType`] for anything but a boolean.
pub fn fallback_allowed(fields: &Map<String, Value>) -> Result<bool, ConfigError> {
    match fields.get("token_mediation_fallback") {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(allowed)) => Ok(*allowed),
        Some(_) => Err(ConfigError::WrongType {
            field: "token_mediation_fallback",
            expected: "true or false",
        }),
    }
}

/// The setting the worker mode cannot keep its promise with, refused by name: a
/// refresh token at rest in IndexedDB (where page script reads it). DPoP is served:
/// the worker makes the key and signs the proofs (`mediation::kept_login`).
///
/// # Errors
/// [`ConfigError::Invalid`] naming the field.
pub fn check_with_mediation(
    mode: TokenMediation,
    refresh_token_in_indexed_db: bool,
) -> Result<(), ConfigError> {
    if mode == TokenMediation::Page {
        return Ok(());
    }
    if refresh_token_in_indexed_db {
        return Err(ConfigError::Invalid {
            field: "refresh_token_storage",
            reason: "must be \"memory\" with \"token_mediation\": \"service_worker\" (the \
                     worker keeps the refresh token; IndexedDB is readable by page script)",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::{AuthConfig, ConfigError, TokenMediation};

    fn config(extra: &str) -> Result<AuthConfig, ConfigError> {
        AuthConfig::from_json(
            &format!(r#"{{"domain": "tenant.auth0.com", "client_id": "c"{extra}}}"#),
            "https://app.example",
        )
    }

    #[test]
    fn the_page_reads_the_mode_and_the_fallback_and_defaults_to_the_page() {
        let plain = config("").unwrap();
        assert_eq!(plain.token_mediation, TokenMediation::Page);
        assert!(!plain.token_mediation_fallback);
        let mediated =
            config(r#", "token_mediation": "service_worker", "token_mediation_fallback": true"#)
                .unwrap();
        assert_eq!(mediated.token_mediation, TokenMediation::ServiceWorker);
        assert!(mediated.token_mediation_fallback);
    }

    #[test]
    fn a_mistyped_mode_or_fallback_is_refused_by_name() {
        for (extra, field) in [
            (r#", "token_mediation": "worker""#, "token_mediation"),
            (r#", "token_mediation": true"#, "token_mediation"),
            (
                r#", "token_mediation_fallback": "yes""#,
                "token_mediation_fallback",
            ),
        ] {
            let error = config(extra).unwrap_err();
            assert!(error.to_string().contains(field), "{extra}: {error}");
        }
    }

    #[test]
    fn a_refresh_token_where_page_script_reads_it_is_refused_with_the_worker() {
        let extra = r#", "refresh_token_storage": "indexed_db""#;
        assert!(config(extra).is_ok(), "{extra} alone is fine");
        let error =
            config(&format!(r#"{extra}, "token_mediation": "service_worker""#)).unwrap_err();
        assert!(
            error.to_string().contains("refresh_token_storage"),
            "{extra}: {error}"
        );
    }

    #[test]
    fn dpop_is_served_by_the_worker() {
        let config = config(r#", "dpop": true, "token_mediation": "service_worker""#).unwrap();
        assert!(config.dpop);
        assert_eq!(config.token_mediation, TokenMediation::ServiceWorker);
    }
}
