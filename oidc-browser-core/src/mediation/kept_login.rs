//! A login the worker kept, read back at its callback. The worker keeps its logins in
//! memory and in IndexedDB (they outlive an idle worker), where the page's script can
//! read and write them: the IndexedDB copy, which only a worker restarted since the
//! login reads, is trusted for nothing that would send the code, or take keys,
//! anywhere else. The worker redeems at its own provider's endpoints, verifies with
//! its own key set, under its own configuration's issuer, client, redirect URI,
//! leeway and timeout, and refuses a login started before the provider's last
//! sign-out.
//!
//! What this cannot stop: script that writes a login of its own making (its own
//! `state` and verifier) and then navigates to the callback with a code of its own
//! account signs this browser in to that account (login CSRF by script already in
//! the page). Such a script could call the APIs anyway; it cannot take a token.

use crate::authorization::transaction::{CallbackEndpoints, Transaction};
use crate::config::AuthConfig;
use crate::error::ProtocolError;
use crate::provider::discovery::ProviderMetadata;

/// `kept`, made safe to redeem for the provider of `config` and `metadata`: its
/// endpoints replaced by the worker's own, no carried key set, the configuration's
/// leeway and timeout. Whether its exchange carries a DPoP proof is the worker's own
/// configuration's and provider's to say, never the copy's; and it is bound to no key
/// (`dpop_jkt`): the worker's key lives in its memory only, which the browser may drop
/// while the user is at the provider, so a bound code could be lost with it. The
/// worker signs the exchange with a key it makes then (PKCE binds the code to the
/// login already).
///
/// # Errors
/// [`ProtocolError::ConfigurationChanged`] when it was started for another issuer,
/// client or redirect URI (the configuration's `redirect_uri`, or its
/// `silent_redirect_uri` for a silent sign-in in a frame); [`ProtocolError::SignedOutElsewhere`] when it was started
/// before `signed_out_at_ms`, the provider's last sign-out in the worker.
pub fn trusted_login(
    mut kept: Transaction,
    config: &AuthConfig,
    metadata: &ProviderMetadata,
    signed_out_at_ms: u64,
) -> Result<Transaction, ProtocolError> {
    let own_redirect =
        kept.redirect_uri == config.redirect_uri || kept.redirect_uri == config.silent_redirect_uri;
    if kept.issuer != config.issuer || kept.client_id != config.client_id || !own_redirect {
        return Err(ProtocolError::ConfigurationChanged);
    }
    if kept.created_at < signed_out_at_ms {
        return Err(ProtocolError::SignedOutElsewhere);
    }
    kept.provider = CallbackEndpoints::of(metadata);
    kept.leeway_secs = config.clock_leeway_secs;
    kept.timeout_secs = config.http_timeout_secs;
    kept.dpop = config.dpop && crate::dpop::supported(&metadata.dpop_signing_alg_values_supported);
    kept.dpop_jkt = None;
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::authorize::{begin_login, AnsweredIn, LoginRandomness};
    use crate::authorization::login_options::LoginOptions;

    const ORIGIN: &str = "https://app.example";

    fn provider() -> (AuthConfig, ProviderMetadata) {
        let config = AuthConfig::from_json(
            r#"{"issuer":"https://id.example/","client_id":"c","clock_leeway_secs":5}"#,
            ORIGIN,
        )
        .unwrap();
        let metadata = ProviderMetadata::from_discovery(
            r#"{"issuer":"https://id.example/","authorization_endpoint":"https://id.example/authorize",
                "token_endpoint":"https://id.example/token","jwks_uri":"https://id.example/jwks"}"#,
            &config,
        )
        .unwrap();
        (config, metadata)
    }

    fn kept(config: &AuthConfig, metadata: &ProviderMetadata, at_ms: u64) -> Transaction {
        let randomness = LoginRandomness {
            verifier: [1; 32],
            state: [2; 32],
            nonce: [3; 32],
        };
        begin_login(
            config,
            metadata,
            LoginOptions::default(),
            AnsweredIn::Page,
            &randomness,
            at_ms,
        )
        .unwrap()
        .transaction
    }

    #[test]
    fn a_rewritten_login_redeems_at_the_workers_own_endpoints_and_keys() {
        let (config, metadata) = provider();
        let mut rewritten = kept(&config, &metadata, 1_000);
        rewritten.provider.token_endpoint = "https://evil.example/token".into();
        rewritten.provider.jwks_uri = "https://evil.example/jwks".into();
        rewritten.provider.keys = Some(r#"{"keys":[]}"#.into());
        rewritten.leeway_secs = 600;
        rewritten.dpop = true;
        rewritten.dpop_jkt = Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into());
        let trusted = trusted_login(rewritten, &config, &metadata, 0).unwrap();
        assert_eq!(trusted.provider, CallbackEndpoints::of(&metadata));
        assert_eq!(trusted.provider.keys, None);
        assert_eq!(trusted.leeway_secs, 5);
        assert!(!trusted.dpop, "DPoP is off in the worker's configuration");
        assert_eq!(trusted.dpop_jkt, None);
    }

    #[test]
    fn whether_the_exchange_carries_a_proof_is_the_workers_configuration_and_providers_say() {
        let (config, metadata) = provider();
        let mut with_dpop = config.clone();
        with_dpop.dpop = true;
        let mut accepting = metadata.clone();
        accepting.dpop_signing_alg_values_supported = vec!["EdDSA".into(), "ES256".into()];
        let mut copy = kept(&config, &metadata, 1_000);
        copy.dpop = false;
        copy.dpop_jkt = Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs".into());
        let signed = trusted_login(copy.clone(), &with_dpop, &accepting, 0).unwrap();
        assert!(
            signed.dpop,
            "the copy said no proof; the worker's configuration says one"
        );
        assert_eq!(
            signed.dpop_jkt, None,
            "no code is bound to the worker's key"
        );
        // A provider that takes no ES256 proof gets none, as in the page mode.
        let unsigned = trusted_login(copy, &with_dpop, &metadata, 0).unwrap();
        assert!(!unsigned.dpop);
    }

    #[test]
    fn a_login_for_another_issuer_client_or_return_address_is_refused() {
        let (config, metadata) = provider();
        let original = kept(&config, &metadata, 1_000);
        assert!(trusted_login(original.clone(), &config, &metadata, 0).is_ok());
        let mut silent = original.clone();
        silent.redirect_uri = config.silent_redirect_uri.clone();
        assert!(trusted_login(silent, &config, &metadata, 0).is_ok());
        let mut issuer = original.clone();
        issuer.issuer = "https://evil.example/".into();
        let mut client = original.clone();
        client.client_id = "other".into();
        let mut redirect = original;
        redirect.redirect_uri = "https://app.example/elsewhere".into();
        for login in [issuer, client, redirect] {
            assert_eq!(
                trusted_login(login, &config, &metadata, 0),
                Err(ProtocolError::ConfigurationChanged)
            );
        }
    }

    #[test]
    fn a_login_started_before_the_last_sign_out_is_refused() {
        let (config, metadata) = provider();
        let login = kept(&config, &metadata, 1_000);
        assert!(trusted_login(login.clone(), &config, &metadata, 1_000).is_ok());
        assert_eq!(
            trusted_login(login, &config, &metadata, 1_001),
            Err(ProtocolError::SignedOutElsewhere)
        );
    }
}
