//! The login transaction: what the browser keeps between the redirect to `/authorize`
//! and the callback. Stored in sessionStorage under its `state`, used once.

use serde_json::{Map, Value};

use crate::authorization::return_to::ReturnTo;
use crate::browser_error::BrowserError;
use crate::id_token::jwks::Jwks;
use crate::json_object::{Fields, Unreadable};
use crate::provider::discovery::ProviderMetadata;
use crate::secret::{CodeVerifier, Nonce, State};

/// A transaction older than this is refused and swept: a login left half done for
/// ten minutes is abandoned, and its code would have expired at the provider anyway.
pub const TRANSACTION_TTL_MS: u64 = 10 * 60 * 1000;

/// Clock skew tolerated for a `created_at` in the future.
const FUTURE_SKEW_MS: u64 = 60 * 1000;

/// The largest key set a login carries, as the provider's JSON text (a usual set is
/// 1–3 KB). A larger one stays behind: the callback fetches it, as without.
pub const MAX_CARRIED_KEYS_BYTES: usize = 16 * 1024;

/// How long a login waits for the page's key-set fetch (started half a second after
/// the app, or by the click itself when it came sooner) before it leaves without the
/// keys: a sign-in click never waits on a slow key set for long.
pub const KEY_SET_WAIT_MS: u32 = 1_000;

/// One login in progress. Stored as a JSON object of these fields (`provider` a
/// nested one); absent optional fields read as `None`, unknown ones make it
/// unreadable.
#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    /// The `state` sent to `/authorize`, and the storage key.
    pub state: State,
    /// The PKCE `code_verifier` for the token request.
    pub code_verifier: CodeVerifier,
    /// The `nonce` the ID token must carry.
    pub nonce: Nonce,
    /// The `client_id` the login was started for.
    pub client_id: String,
    /// The issuer the login was started with: the callback and the ID token must
    /// come from it.
    pub issuer: String,
    /// The `redirect_uri` sent to `/authorize`, sent again to `/oauth/token`.
    pub redirect_uri: String,
    /// Where to go once signed in.
    pub return_to: ReturnTo,
    /// Milliseconds since the Unix epoch when the login started.
    pub created_at: u64,
    /// The `max_age` sent, if any (checked against `auth_time`).
    pub max_age: Option<u64>,
    /// The `organization` sent, if any (checked against `org_id`).
    pub organization: Option<String>,
    /// The `acr_values` asked for, if any: the ID token's `acr` must be one of them.
    pub acr_values: Option<String>,
    /// The audience the login asked for instead of the configured one, if any.
    pub audience: Option<String>,
    /// The scope the login asked for instead of the configured one, if any.
    pub scope: Option<String>,
    /// What the app gave to have back after the login (size-capped when the login
    /// began).
    pub app_state: Option<serde_json::Value>,
    /// A silent sign-in (`prompt=none`): an answer that needs interaction leaves the
    /// user signed out quietly, on the page they opened.
    pub silent: bool,
    /// The clock leeway of the configuration the login started with, in seconds.
    pub leeway_secs: u32,
    /// The request timeout of that configuration, in seconds.
    pub timeout_secs: u32,
    /// The code is redeemed with a DPoP proof (RFC 9449): `dpop` was on and the
    /// provider accepts ES256 proofs.
    pub dpop: bool,
    /// The thumbprint of the DPoP key the code is bound to (`dpop_jkt`, RFC 9449
    /// section 10): the code is redeemed with that key or not at all.
    pub dpop_jkt: Option<String>,
    /// The provider endpoints the callback needs, as known when the login started:
    /// the callback redeems the code without waiting for discovery again.
    pub provider: CallbackEndpoints,
}

/// What the callback needs of the provider's metadata, kept with the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackEndpoints {
    /// Where the code is redeemed.
    pub token_endpoint: String,
    /// The key set that signs the ID token.
    pub jwks_uri: String,
    /// RFC 9207: the provider promised `iss` in every authorization response.
    pub iss_parameter_supported: bool,
    /// The key set at `jwks_uri` (its JSON text) as fetched before the login left: the
    /// callback verifies the ID token with it and makes no key-set request. A token
    /// signed with a key not in it (the provider rotated its keys meanwhile) makes
    /// the callback fetch the set anew, as without it.
    pub keys: Option<String>,
}

impl CallbackEndpoints {
    /// The endpoints of `metadata`.
    pub fn of(metadata: &ProviderMetadata) -> Self {
        Self {
            token_endpoint: metadata.token_endpoint.clone(),
            jwks_uri: metadata.jwks_uri.clone(),
            iss_parameter_supported: metadata.iss_parameter_supported,
            keys: None,
        }
    }

    fn read(mut f: Fields) -> Result<Self, Unreadable> {
        let endpoints = Self {
            token_endpoint: f.string("token_endpoint")?,
            jwks_uri: f.string("jwks_uri")?,
            iss_parameter_supported: match f.optional("iss_parameter_supported") {
                Some(Value::Bool(promised)) => promised,
                _ => return Err(Unreadable),
            },
            keys: f.optional_string("keys")?,
        };
        f.finish()?;
        Ok(endpoints)
    }

    /// Takes the key set fetched from `jwks_uri` along, unless it is larger than
    /// [`MAX_CARRIED_KEYS_BYTES`] or not a key set at all.
    pub fn carry_keys(&mut self, text: Option<String>) {
        self.keys = text.filter(|t| t.len() <= MAX_CARRIED_KEYS_BYTES && Jwks::parse(t).is_ok());
    }

    /// The key set the login carried, if any and readable; `None` means fetching it.
    pub fn carried_keys(&self) -> Option<Jwks> {
        self.keys.as_deref().and_then(|t| Jwks::parse(t).ok())
    }
}

/// Why a transaction could not be taken from storage.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TakeError {
    /// Storage is unusable.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// No login of this tab has this `state`: forged, replayed, or started elsewhere.
    #[error("this sign-in response does not match a sign-in started in this browser tab (unknown or already used state)")]
    UnknownState,
    /// The stored value is unusable.
    #[error(transparent)]
    Transaction(#[from] TransactionError),
}

/// The clock leeway of a transaction stored without one, in seconds.
const DEFAULT_LEEWAY_SECS: u32 = 60;
/// The request timeout of a transaction stored without one, in seconds.
const DEFAULT_TIMEOUT_SECS: u32 = 20;

/// A stored value that is not a usable transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// Not the JSON this client writes (garbage, wrong types, someone else's value).
    #[error("the stored sign-in data is unreadable")]
    Corrupt,
    /// Older than [`TRANSACTION_TTL_MS`], or dated in the future.
    #[error("the sign-in took too long; please sign in again")]
    Expired,
}

impl Transaction {
    /// Serializes for storage (fields that are `None` left out).
    pub fn to_json(&self) -> String {
        let mut o = Map::new();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                o.insert(name.into(), value);
            }
        };
        let text = |s: &str| Some(Value::from(s));
        put("state", text(self.state.secret()));
        put("code_verifier", text(self.code_verifier.secret()));
        put("nonce", text(self.nonce.secret()));
        put("client_id", text(&self.client_id));
        put("issuer", text(&self.issuer));
        put("redirect_uri", text(&self.redirect_uri));
        put("return_to", text(self.return_to.as_str()));
        put("created_at", Some(self.created_at.into()));
        put("max_age", self.max_age.map(Value::from));
        put("organization", self.organization.as_deref().and_then(text));
        put("acr_values", self.acr_values.as_deref().and_then(text));
        put("audience", self.audience.as_deref().and_then(text));
        put("scope", self.scope.as_deref().and_then(text));
        put("app_state", self.app_state.clone());
        put("silent", Some(self.silent.into()));
        put("leeway_secs", Some(self.leeway_secs.into()));
        put("timeout_secs", Some(self.timeout_secs.into()));
        put("dpop", Some(self.dpop.into()));
        put("dpop_jkt", self.dpop_jkt.as_deref().and_then(text));
        let p = &self.provider;
        let mut provider = Map::new();
        provider.insert("token_endpoint".into(), p.token_endpoint.as_str().into());
        provider.insert("jwks_uri".into(), p.jwks_uri.as_str().into());
        provider.insert(
            "iss_parameter_supported".into(),
            p.iss_parameter_supported.into(),
        );
        if let Some(keys) = &p.keys {
            provider.insert("keys".into(), keys.as_str().into());
        }
        put("provider", Some(provider.into()));
        Value::Object(o).to_string()
    }

    /// Reads a stored transaction back, checking it is still fresh at `now_ms`.
    ///
    /// # Errors
    /// [`TransactionError::Corrupt`] for anything this client did not write,
    /// [`TransactionError::Expired`] for a stale one.
    pub fn from_json(text: &str, now_ms: u64) -> Result<Self, TransactionError> {
        let transaction = Self::read(Fields::parse(text).map_err(|_| TransactionError::Corrupt)?)
            .map_err(|_| TransactionError::Corrupt)?;
        if transaction.is_expired(now_ms) {
            return Err(TransactionError::Expired);
        }
        Ok(transaction)
    }

    fn read(mut f: Fields) -> Result<Self, Unreadable> {
        let transaction = Self {
            state: State::new(f.string("state")?),
            code_verifier: CodeVerifier::new(f.string("code_verifier")?),
            nonce: Nonce::new(f.string("nonce")?),
            client_id: f.string("client_id")?,
            issuer: f.string("issuer")?,
            redirect_uri: f.string("redirect_uri")?,
            return_to: ReturnTo::parse(&f.string("return_to")?).map_err(|_| Unreadable)?,
            created_at: f.u64("created_at")?,
            max_age: f.optional_u64("max_age")?,
            organization: f.optional_string("organization")?,
            acr_values: f.optional_string("acr_values")?,
            audience: f.optional_string("audience")?,
            scope: f.optional_string("scope")?,
            app_state: f.optional("app_state"),
            silent: f.flag("silent")?,
            leeway_secs: f.u32_or("leeway_secs", DEFAULT_LEEWAY_SECS)?,
            timeout_secs: f.u32_or("timeout_secs", DEFAULT_TIMEOUT_SECS)?,
            dpop: f.flag("dpop")?,
            dpop_jkt: f.optional_string("dpop_jkt")?,
            provider: CallbackEndpoints::read(f.object("provider")?)?,
        };
        f.finish()?;
        Ok(transaction)
    }

    /// True when the transaction is too old, or claims to come from the future.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        expired(self.created_at, now_ms)
    }
}

fn expired(created_at: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(created_at) > TRANSACTION_TTL_MS
        || created_at > now_ms.saturating_add(FUTURE_SKEW_MS)
}

/// What a page needs to know of a stored transaction before it loads the code that
/// redeems it: whose login it is and where it was to come back. Read without the rest
/// (the first page's code stays small), so it accepts some values the whole read
/// refuses as corrupt; the callback reads the whole transaction, with every check,
/// when it takes it, and such a login then fails there with its error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionHead {
    /// The `state` sent to `/authorize`.
    pub state: State,
    /// The `redirect_uri` sent to `/authorize`.
    pub redirect_uri: String,
    /// The login's time limit for each request, in seconds.
    pub timeout_secs: u32,
}

impl TransactionHead {
    /// The head of a stored transaction, if it is readable and still fresh at
    /// `now_ms`.
    pub fn from_json(text: &str, now_ms: u64) -> Option<Self> {
        let mut f = Fields::parse(text).ok()?;
        let created_at = f.u64("created_at").ok()?;
        (!expired(created_at, now_ms)).then_some(())?;
        Some(Self {
            state: State::new(f.string("state").ok()?),
            redirect_uri: f.string("redirect_uri").ok()?,
            timeout_secs: f.u32_or("timeout_secs", DEFAULT_TIMEOUT_SECS).ok()?,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A transaction as a login makes it, for tests.
    pub(crate) fn transaction() -> Transaction {
        Transaction {
            state: State::new("st".into()),
            code_verifier: CodeVerifier::new("ver".into()),
            nonce: Nonce::new("no".into()),
            client_id: "spa".into(),
            issuer: "https://idp.example/".into(),
            redirect_uri: "https://app.example/callback".into(),
            return_to: ReturnTo::parse("/profile").unwrap(),
            created_at: 1_000_000,
            max_age: None,
            organization: Some("org_1".into()),
            acr_values: None,
            audience: None,
            scope: None,
            app_state: None,
            silent: false,
            leeway_secs: 60,
            timeout_secs: 20,
            dpop: false,
            dpop_jkt: None,
            provider: CallbackEndpoints {
                token_endpoint: "https://idp.example/oauth/token".into(),
                jwks_uri: "https://idp.example/.well-known/jwks.json".into(),
                iss_parameter_supported: true,
                keys: None,
            },
        }
    }

    const KEY_SET: &str = r#"{"keys":[{"kty":"RSA","kid":"k1","alg":"RS256","use":"sig","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}]}"#;

    #[test]
    fn a_login_carries_a_usable_key_set_and_gives_it_back() {
        let mut tx = transaction();
        tx.provider.carry_keys(Some(KEY_SET.into()));
        let stored = Transaction::from_json(&tx.to_json(), 1_000_500).unwrap();
        assert_eq!(stored.provider.keys.as_deref(), Some(KEY_SET));
        assert!(stored.provider.carried_keys().is_some());
    }

    #[test]
    fn a_key_set_too_large_or_unreadable_stays_behind() {
        let mut tx = transaction();
        let padded = KEY_SET.replacen(
            '{',
            &format!("{{\"pad\":\"{}\",", "x".repeat(MAX_CARRIED_KEYS_BYTES)),
            1,
        );
        assert!(
            Jwks::parse(&padded).is_ok(),
            "set-up: a valid key set, only too large"
        );
        for text in [
            Some(padded),
            Some("not json".into()),
            Some(r#"{"nokeys":[]}"#.into()),
            None,
        ] {
            tx.provider.carry_keys(text.clone());
            assert_eq!(tx.provider.keys, None, "{text:?}");
            assert!(tx.provider.carried_keys().is_none());
        }
    }

    #[test]
    fn a_tampered_carried_key_set_means_fetching_it() {
        let mut tx = transaction();
        tx.provider.carry_keys(Some(KEY_SET.into()));
        tx.provider.keys = Some("{garbage".into());
        assert!(tx.provider.carried_keys().is_none());
    }

    #[test]
    fn a_transaction_stored_before_keys_were_carried_still_reads() {
        // Written with keys, then the member taken out, as an older version wrote it.
        let mut tx = transaction();
        tx.provider.carry_keys(Some(KEY_SET.into()));
        let mut stored: serde_json::Value = serde_json::from_str(&tx.to_json()).unwrap();
        let provider = stored["provider"]
            .as_object_mut()
            .expect("a provider object");
        assert!(
            provider.remove("keys").is_some(),
            "set-up: the keys were written"
        );
        let older = stored.to_string();
        assert!(!older.contains("\"keys\""), "set-up: no keys member left");
        let read = Transaction::from_json(&older, 1_000_500).unwrap();
        assert_eq!(read.provider.keys, None);
        assert_eq!(read.state, tx.state);
    }

    #[test]
    fn round_trips_through_json() {
        let tx = transaction();
        assert_eq!(Transaction::from_json(&tx.to_json(), 1_000_500), Ok(tx));
        let bound = Transaction {
            dpop: true,
            dpop_jkt: Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into()),
            ..transaction()
        };
        assert_eq!(
            Transaction::from_json(&bound.to_json(), 1_000_500),
            Ok(bound),
            "the key the code is bound to is kept with the login"
        );
    }

    #[test]
    fn debug_hides_the_secrets() {
        let debug = format!("{:?}", transaction());
        assert!(
            !debug.contains("ver\"") && !debug.contains("\"st\""),
            "{debug}"
        );
        assert!(debug.contains("[redacted]"));
    }

    #[test]
    fn expires_after_ten_minutes_and_rejects_future_dates() {
        let tx = transaction();
        let json = tx.to_json();
        assert!(Transaction::from_json(&json, tx.created_at + TRANSACTION_TTL_MS).is_ok());
        assert_eq!(
            Transaction::from_json(&json, tx.created_at + TRANSACTION_TTL_MS + 1),
            Err(TransactionError::Expired)
        );
        assert_eq!(
            Transaction::from_json(&json, 0),
            Err(TransactionError::Expired)
        );
    }

    #[test]
    fn the_head_reads_whose_login_and_where_it_returns_only_while_fresh() {
        let tx = transaction();
        let json = tx.to_json();
        let head = TransactionHead::from_json(&json, tx.created_at).expect("fresh");
        assert_eq!(head.state, tx.state);
        assert_eq!(head.redirect_uri, tx.redirect_uri);
        assert_eq!(head.timeout_secs, tx.timeout_secs);
        assert_eq!(
            TransactionHead::from_json(&json, tx.created_at + TRANSACTION_TTL_MS + 1),
            None
        );
        assert_eq!(TransactionHead::from_json(&json, 0), None);
        for text in ["", "{", "null", r#"{"state":"s","redirect_uri":"r"}"#] {
            assert_eq!(
                TransactionHead::from_json(text, tx.created_at),
                None,
                "{text}"
            );
        }
    }

    #[test]
    fn garbage_and_foreign_values_are_corrupt() {
        let good = transaction().to_json();
        for text in [
            "",
            "{",
            "null",
            "\"a string\"",
            r#"{"state":1}"#,
            &good.replace("\"/profile\"", "\"//evil.example\""),
            &good.replace("1000000", "\"soon\""),
            &good.replacen('{', r#"{"extra":true,"#, 1),
        ] {
            assert_eq!(
                Transaction::from_json(text, 1_000_000),
                Err(TransactionError::Corrupt),
                "{text}"
            );
        }
    }
}
