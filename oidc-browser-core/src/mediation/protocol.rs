//! The messages between the pages and the service worker: JSON text, one object with a
//! `type`, read strictly (an unknown type, a missing or extra field, or a message over
//! [`MAX_MESSAGE_BYTES`], is an error, never half-read). The worker takes them only
//! from its own clients ([`from_own_client`]); the page, only from its controller.
//!
//! What crosses to the page is never a token: the worker answers with the verified
//! ID token's claims ([`SessionView`]) and a failure's readable message.
//!
//! One worker serves every provider of the app (`provide_auths`): each provider's
//! context holds its own conversation with it, and every message about a session
//! names the provider by its storage prefix (`provider`), which keeps each provider's
//! tokens apart in the worker as in the page. The one message that cannot name it, a
//! callback's answer, is told apart by its `state` (the worker keeps the transactions).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use sha2::{Digest, Sha256};

use super::api_origins::origin_of;
use crate::config::AuthConfig;
use crate::session::Session;

/// The protocol's version. A page and a worker that disagree (a new deploy's worker
/// under an old page, or the reverse) do nothing together: the worker answers
/// [`ToPage::Stale`] and the page reloads onto the matching version.
pub const PROTOCOL: u32 = 1;

/// The largest message either side reads: a provider's answer and a transaction are
/// a few KB; anything near this is not one of ours.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// A page's message to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToWorker {
    /// A page's first word: its protocol and its configuration's digest
    /// ([`config_digest`]). The worker answers [`ToPage::Welcome`] or
    /// [`ToPage::Stale`].
    Hello {
        /// [`PROTOCOL`] of the page.
        protocol: u32,
        /// The provider's storage prefix.
        provider: String,
        /// The digest of that provider's configuration in the page.
        config: String,
    },
    /// Start a login: the worker makes and keeps the transaction (PKCE verifier,
    /// `state`, nonce), so the page never holds the verifier, and answers
    /// [`ToPage::GoTo`] with the authorization URL.
    StartLogin {
        /// The provider's storage prefix.
        provider: String,
        /// Where the app returns after the login (a same-origin path).
        return_to: String,
        /// The login's options (`LoginOptions`' fields), checked by the worker as the
        /// page checks them.
        options: Map<String, Value>,
        /// The page's number for this request, in the answer ([`ToPage::GoTo`],
        /// [`ToPage::Failed`]): a page follows only the answer to what it asked.
        request: u32,
    },
    /// The provider's answer at `redirect_uri`: the worker checks it against the
    /// transaction it keeps (never one a page hands over), redeems and verifies, then
    /// answers [`ToPage::SignedIn`] or [`ToPage::Failed`].
    FinishLogin {
        /// The callback's query, `?` included.
        query: String,
    },
    /// Renew the provider's session now (a refresh, one for all pages).
    Renew {
        /// The provider's storage prefix.
        provider: String,
        /// The page's number for this request, in a [`ToPage::Failed`] answer.
        request: u32,
    },
    /// Forget the provider's session, revoke its refresh token, tell every page, and
    /// answer with where to go ([`ToPage::GoTo`], the provider's logout through the
    /// worker) or [`ToPage::SignedOutLocally`].
    SignOut {
        /// The provider's storage prefix.
        provider: String,
        /// The page's number for this request, in the answer.
        request: u32,
        /// `LogoutOptions::federated`.
        federated: Option<bool>,
        /// `LogoutOptions::return_to`: a path of the app.
        return_to: Option<String>,
    },
    /// The page is still open: keeps an idle worker from being stopped.
    KeepAlive,
}

/// The worker's message to a page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ToPage {
    /// The answer to a matching [`ToWorker::Hello`]: the session the worker holds.
    Welcome {
        /// The worker's [`PROTOCOL`].
        protocol: u32,
        /// The provider the hello named.
        provider: String,
        /// Its session, if signed in.
        session: Option<SessionView>,
    },
    /// Where to send the browser to sign in (the answer to [`ToWorker::StartLogin`]).
    GoTo {
        /// The provider the login is for.
        provider: String,
        /// The authorization URL.
        url: String,
        /// The number of the page's request this answers.
        request: u32,
    },
    /// The page speaks another protocol or runs another configuration of the provider
    /// than the worker: it must reload.
    Stale {
        /// The provider the hello named.
        provider: String,
    },
    /// Signed in (a login finished, or a renewal), in this page or another.
    SignedIn {
        /// The provider signed in with.
        provider: String,
        /// What the page may know of the session.
        session: SessionView,
    },
    /// Signed out of the provider, in this page or another, or its session ended.
    SignedOut {
        /// The provider signed out of.
        provider: String,
    },
    /// The answer to this page's [`ToWorker::SignOut`] when the provider has no
    /// logout page: signed out of the app only (every page heard
    /// [`ToPage::SignedOut`]).
    SignedOutLocally {
        /// The provider signed out of.
        provider: String,
    },
    /// A request of this page failed.
    Failed {
        /// The provider it was for; `None` for a callback's answer that is nobody's
        /// (no transaction holds its `state`).
        provider: Option<String>,
        /// The error's message, as the page shows it: never a token; a provider's
        /// error answer is described as the page mode describes it.
        message: String,
        /// The failure ends the session.
        ends_session: bool,
        /// The number of the page's request this answers; `None` for what no request
        /// of a page asked (a hello, a callback, a refused refresh, a silent sign-in's
        /// answer).
        request: Option<u32>,
    },
}

/// What a page may know of the worker's session: no token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionView {
    /// The verified ID token's claims.
    pub claims: Map<String, Value>,
    /// When the access token expires, milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
    /// The scope granted, if the provider said.
    pub scope: Option<String>,
    /// The worker holds a refresh token: it renews the session by itself.
    pub renewable: bool,
    /// The RFC 7638 thumbprint of the worker's DPoP key, while the session's access
    /// token is bound to it: public (the provider and the APIs read it in the token's
    /// `cnf`), unlike the key, which never leaves the worker. Absent when unbound, so
    /// a session without DPoP reads the same as before the field existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpop_jkt: Option<String>,
}

impl SessionView {
    /// What the page may know of `session`: its claims, expiry and scope, and the
    /// thumbprint of the key `key_thumbprint` names when its token is bound to one.
    pub fn of(session: &Session, key_thumbprint: Option<String>) -> Self {
        Self {
            claims: session.claims.to_map(),
            expires_at_ms: session.expires_at_ms,
            scope: session.scope.clone(),
            renewable: session.refresh_token.is_some(),
            dpop_jkt: key_thumbprint.filter(|_| session.dpop_bound),
        }
    }
}

/// Why a message was not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Longer than [`MAX_MESSAGE_BYTES`].
    #[error("a message between the page and the service worker was too long")]
    TooLong,
    /// Not one of the protocol's messages.
    #[error("a message between the page and the service worker was not understood")]
    Unknown,
}

/// Reads a message whole: it must deserialize, and carry exactly the fields its type
/// writes (serde lets a unit variant such as `renew` ignore extra fields; this does
/// not).
fn read<T: Serialize + for<'de> Deserialize<'de>>(text: &str) -> Result<T, MessageError> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(MessageError::TooLong);
    }
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(text) else {
        return Err(MessageError::Unknown);
    };
    let message: T =
        serde_json::from_value(Value::Object(fields.clone())).map_err(|_| MessageError::Unknown)?;
    match serde_json::to_value(&message) {
        Ok(Value::Object(written))
            if written.len() == fields.len() && written.keys().all(|k| fields.contains_key(k)) =>
        {
            Ok(message)
        }
        _ => Err(MessageError::Unknown),
    }
}

impl ToWorker {
    /// Reads a page's message.
    ///
    /// # Errors
    /// [`MessageError`] for anything but one of the messages, whole.
    pub fn from_json(text: &str) -> Result<Self, MessageError> {
        read(text)
    }

    /// The message as sent.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl ToPage {
    /// Reads the worker's message.
    ///
    /// # Errors
    /// [`MessageError`] for anything but one of the messages, whole.
    pub fn from_json(text: &str) -> Result<Self, MessageError> {
        read(text)
    }

    /// The message as sent.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The digest of what decides whose tokens a worker holds and for what: the issuer,
/// the client, its redirect URI, scope and audience, DPoP and the storage prefix. A
/// page and a worker with different digests run different deploys' configurations.
pub fn config_digest(config: &AuthConfig) -> String {
    let fields = serde_json::json!([
        config.issuer,
        config.client_id,
        config.redirect_uri,
        config.scope,
        config.audience,
        config.dpop,
        config.storage_prefix,
    ]);
    Sha256::digest(fields.to_string().as_bytes())
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Whether a message's sender (a window or worker client of the service worker, at
/// `client_url`) is one of the worker's own: on the worker's origin `own_origin`.
pub fn from_own_client(client_url: &str, own_origin: &str) -> bool {
    origin_of(client_url).is_some_and(|origin| Some(origin) == origin_of(own_origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_view_carries_the_claims_and_no_token() {
        let mut session = crate::session::tests::session(60, 1_000);
        session.refresh_token = Some(crate::secret::RefreshToken::new("rt-secret".into()));
        session.claims.name = Some("Ada".into());
        let view = SessionView::of(&session, Some("jkt".into()));
        assert_eq!(view.dpop_jkt, None, "a bearer token is bound to no key");
        assert_eq!(view.claims["sub"], "s");
        assert_eq!(view.claims["aud"], serde_json::json!(["c"]));
        assert_eq!(view.claims["name"], "Ada");
        assert!(
            !view.claims.contains_key("email"),
            "absent claims stay absent"
        );
        assert_eq!(view.expires_at_ms, session.expires_at_ms);
        let sent = ToPage::SignedIn {
            provider: "app".into(),
            session: view,
        }
        .to_json();
        for secret in ["rt-secret", "\"at\"", session.id_token.secret()] {
            assert!(!sent.contains(secret), "the message carries a token");
        }
        // Unbound, the view reads as it did before the thumbprint was added.
        assert!(!sent.contains("dpop_jkt"), "{sent}");
        assert!(ToPage::from_json(&sent).is_ok());
        session.dpop_bound = true;
        let bound = SessionView::of(&session, Some("jkt".into()));
        assert_eq!(
            bound.dpop_jkt.as_deref(),
            Some("jkt"),
            "the key's public name"
        );
    }

    #[test]
    fn every_message_reads_back_as_written() {
        let session = SessionView {
            claims: serde_json::from_str(r#"{"sub":"u1","name":"Ada"}"#).unwrap(),
            expires_at_ms: 1_700_000_000_000,
            scope: Some("openid profile".into()),
            renewable: false,
            dpop_jkt: Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into()),
        };
        for message in [
            ToWorker::Hello {
                protocol: PROTOCOL,
                provider: "app".into(),
                config: "c0ffee".into(),
            },
            ToWorker::StartLogin {
                provider: "app".into(),
                return_to: "/profile".into(),
                options: serde_json::from_str(r#"{"connection":"github"}"#).unwrap(),
                request: 1,
            },
            ToWorker::FinishLogin {
                query: "?code=c&state=s".into(),
            },
            ToWorker::Renew {
                provider: "app".into(),
                request: 2,
            },
            ToWorker::SignOut {
                provider: "shop".into(),
                request: 3,
                federated: Some(true),
                return_to: Some("/bye".into()),
            },
            ToWorker::KeepAlive,
        ] {
            assert_eq!(ToWorker::from_json(&message.to_json()), Ok(message));
        }
        for message in [
            ToPage::Welcome {
                protocol: PROTOCOL,
                provider: "app".into(),
                session: Some(session.clone()),
            },
            ToPage::GoTo {
                provider: "app".into(),
                url: "https://id.example/authorize?client_id=c".into(),
                request: 1,
            },
            ToPage::Stale {
                provider: "app".into(),
            },
            ToPage::SignedIn {
                provider: "shop".into(),
                session,
            },
            ToPage::SignedOut {
                provider: "shop".into(),
            },
            ToPage::SignedOutLocally {
                provider: "app".into(),
            },
            ToPage::Failed {
                provider: Some("app".into()),
                message: "the sign-in expired".into(),
                ends_session: true,
                request: Some(2),
            },
            ToPage::Failed {
                provider: None,
                message: "no sign-in was in progress".into(),
                ends_session: false,
                request: None,
            },
        ] {
            assert_eq!(ToPage::from_json(&message.to_json()), Ok(message));
        }
        assert_eq!(ToWorker::KeepAlive.to_json(), r#"{"type":"keep_alive"}"#);
        assert_eq!(
            ToWorker::SignOut {
                provider: "app".into(),
                request: 4,
                federated: None,
                return_to: None,
            }
            .to_json(),
            r#"{"type":"sign_out","provider":"app","request":4,"federated":null,"return_to":null}"#
        );
    }

    #[test]
    fn an_unknown_type_an_extra_field_or_a_missing_one_is_not_read() {
        for text in [
            r#"{"type":"give_me_the_token"}"#,
            r#"{"type":"keep_alive","token":"x"}"#,
            r#"{"type":"renew","provider":"app","token":"x"}"#,
            r#"{"type":"renew"}"#,
            r#"{"type":"sign_out","provider":null}"#,
            r#"{"type":"hello","protocol":1,"config":"c"}"#,
            r#"{"type":"hello","protocol":1,"provider":"app"}"#,
            r#"{"type":"finish_login","query":"?code=c","transaction":"{}"}"#,
            r#"{"type":"finish_login"}"#,
            r#"{"protocol":1,"config":"c"}"#,
            r#"["keep_alive"]"#,
            "keep_alive",
            "",
        ] {
            assert_eq!(
                ToWorker::from_json(text),
                Err(MessageError::Unknown),
                "{text}"
            );
        }
        assert_eq!(
            ToPage::from_json(
                r#"{"type":"signed_in","provider":"app","session":{"claims":{},"expires_at_ms":1,"scope":null,"access_token":"x"}}"#
            ),
            Err(MessageError::Unknown)
        );
    }

    #[test]
    fn a_message_over_the_cap_is_not_parsed() {
        let long = format!(
            r#"{{"type":"finish_login","query":"?{}"}}"#,
            "a".repeat(MAX_MESSAGE_BYTES)
        );
        assert_eq!(ToWorker::from_json(&long), Err(MessageError::TooLong));
    }

    #[test]
    fn the_config_digest_changes_with_whose_tokens_and_only_with_that() {
        let origin = "https://app.example";
        let config = |extra: &str| {
            AuthConfig::from_json(
                &format!(r#"{{"domain":"t.auth0.com","client_id":"c"{extra}}}"#),
                origin,
            )
            .unwrap()
        };
        let base = config_digest(&config(""));
        assert_eq!(base.len(), 32);
        assert_eq!(base, config_digest(&config(r#","popup_timeout_secs":60"#)));
        for changed in [
            r#","audience":"https://api.example""#,
            r#","scope":"openid email""#,
            r#","dpop":true"#,
            r#","storage_prefix":"other""#,
        ] {
            assert_ne!(base, config_digest(&config(changed)), "{changed}");
        }
    }

    #[test]
    fn only_a_client_on_the_workers_own_origin_is_heard() {
        let own = "https://app.example";
        assert!(from_own_client("https://app.example/callback?code=c", own));
        assert!(from_own_client("https://APP.example:443/", own));
        for other in [
            "https://app.example.evil/",
            "http://app.example/",
            "https://evil.example/https://app.example",
            "about:blank",
            "",
        ] {
            assert!(!from_own_client(other, own), "{other}");
        }
    }
}
