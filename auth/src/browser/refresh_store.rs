//! The refresh token in IndexedDB, only when `refresh_token_storage` is `indexed_db`
//! (an opt-in: see README for the trade-off), bound to the issuer and client it was
//! issued for.
//!
//! Why not localStorage: Chromium propagates localStorage writes to other tabs'
//! renderers asynchronously, so a tab that takes the refresh lock right after another
//! tab rotated the token can still read the spent one, and spending it makes the
//! provider revoke the whole grant (seen in the two-tab end-to-end test). IndexedDB
//! transactions are serialized in the browser process: a read that starts after
//! another tab's write committed sees that write.

use super::idb;
use oidc_browser_core::config::names::StorageNames;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::token::refresh::{
    read_stored_refresh_token, stored_refresh_token, OwnedRefreshToken,
};

const STORE: &str = "tokens";
const KEY: &str = "refresh_token";

/// The stored refresh token of `config`'s issuer and client, and its user, if any.
/// Anything else under the key (another provider's token, a foreign or implausible
/// value) is removed and ignored.
pub async fn load(config: &AuthConfig) -> Option<OwnedRefreshToken> {
    let names = StorageNames::new(&config.storage_prefix);
    let value = idb::get(&names.database(), STORE, KEY).await?;
    let token = value
        .as_string()
        .and_then(|value| read_stored_refresh_token(&value, &config.issuer, &config.client_id));
    if token.is_none() {
        store(config, None).await;
    }
    token
}

/// Stores the current refresh token, bound to `config`'s issuer and client and to its
/// user (or removes it with `None`), returning once the write has committed.
pub async fn store(config: &AuthConfig, token: Option<&OwnedRefreshToken>) {
    let names = StorageNames::new(&config.storage_prefix);
    match token {
        Some(token) => {
            let value = stored_refresh_token(token, &config.issuer, &config.client_id);
            idb::put(&names.database(), STORE, KEY, &value.into()).await;
        }
        None => idb::delete(&names.database(), STORE, KEY).await,
    }
}
