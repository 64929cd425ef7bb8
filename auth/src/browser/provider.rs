//! The providers' metadata and signing keys, fetched once per page load and kept,
//! for each provider of the page (an app may have several side by side).

use std::cell::RefCell;
use std::rc::Rc;

use super::http;
use super::task::SharedTask;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::id_token::jwks::Jwks;
use oidc_browser_core::provider::discovery::{discovery_url, MetadataError, ProviderMetadata};

/// The page's discovery request, running or done, shared by its callers.
type Discovery = SharedTask<Result<ProviderMetadata, MetadataError>>;

/// A key set as fetched: parsed, and its JSON text, which a login carries.
#[derive(Clone)]
struct KeySet {
    keys: Jwks,
    text: Rc<str>,
}

/// The page's fetch of a key set, running or done, shared by its callers.
type KeySetFetch = SharedTask<Result<KeySet, MetadataError>>;

thread_local! {
    /// Each provider's discovery, by [`discovery_key`].
    static DISCOVERY: RefCell<Vec<(String, Discovery)>> = const { RefCell::new(Vec::new()) };
    /// The key sets of this page: each `jwks_uri` and the last fetch of it.
    static JWKS: RefCell<Vec<(String, KeySetFetch)>> = const { RefCell::new(Vec::new()) };
}

/// Whose discovery a configuration's is: its app (storage prefix) at its issuer. The
/// metadata is read against the configuration (its endpoint overrides, Auth0 or not),
/// so two of the page's providers never share one.
fn discovery_key(config: &AuthConfig) -> String {
    format!("{} {}", config.storage_prefix, config.issuer)
}

/// Keeps `value` under `key` in `list`, in place of the one there.
fn keep<T>(list: &mut Vec<(String, T)>, key: String, value: T) {
    list.retain(|(k, _)| *k != key);
    list.push((key, value));
}

/// The metadata a login is built with: the discovered document (waited for at most
/// `wait_ms` for an Auth0 `domain`, whose documented paths are known without asking),
/// else Auth0's paths — except with `dpop` on, where only discovery says whether the
/// provider takes proofs, and unless `pushed_authorization_requests` is `never`, where
/// only discovery says whether the tenant offers or requires pushing. Waiting matters: only discovery says whether the provider
/// promises `iss` in its answers (RFC 9207), and a login built from the paths alone
/// would not hold it to that promise.
///
/// # Errors
/// As [`metadata`], for a provider whose paths are not known without discovery.
pub async fn metadata_for_login(
    config: &AuthConfig,
    wait_ms: u32,
) -> Result<ProviderMetadata, MetadataError> {
    // DPoP and pushing need the discovered metadata: Auth0's paths know neither, and
    // a tenant that requires pushing would refuse a login that left without it.
    if config.needs_discovery() {
        return metadata(config).await;
    }
    // Started now if nothing started it (the callback page, which skips the prefetch).
    let discovered = discovery(config)
        .join_within(wait_ms)
        .await
        .and_then(Result::ok);
    Ok(discovered.unwrap_or_else(|| ProviderMetadata::auth0_paths(config)))
}

/// The provider's metadata, discovered once per page load; concurrent callers share
/// one request and its outcome. An Auth0 `domain` whose discovery fails falls back to
/// Auth0's paths.
///
/// # Errors
/// A [`MetadataError`] when discovery fails for a non-Auth0 issuer; the next call
/// tries again.
pub async fn metadata(config: &AuthConfig) -> Result<ProviderMetadata, MetadataError> {
    discovery(config).join().await
}

/// The page's discovery request: the one running or done, unless it failed; else a
/// new one.
fn discovery(config: &AuthConfig) -> Discovery {
    let key = discovery_key(config);
    DISCOVERY.with(|d| {
        let mut all = d.borrow_mut();
        // A failed discovery is asked again, and so is Auth0's fallback for one (the
        // documented paths say nothing of pushing, which a later login may need).
        let reusable = all
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, discovery)| discovery)
            .filter(|discovery| match discovery.outcome() {
                Some(Ok(metadata)) => metadata.discovered,
                Some(Err(_)) => false,
                None => true,
            });
        if let Some(discovery) = reusable {
            return discovery.clone();
        }
        let config = config.clone();
        let discovery = SharedTask::spawn(async move { discover(&config).await });
        keep(&mut all, key, discovery.clone());
        discovery
    })
}

async fn discover(config: &AuthConfig) -> Result<ProviderMetadata, MetadataError> {
    let discovered = async {
        let response = http::get(
            &discovery_url(&config.issuer),
            None,
            http::MAX_METADATA_BYTES,
        )
        .await?;
        if !(200..300).contains(&response.status) {
            return Err(MetadataError::Status(response.status));
        }
        Ok(ProviderMetadata::from_discovery(&response.body, config)?)
    };
    match discovered.await {
        Ok(metadata) => Ok(metadata),
        // Auth0 tenants always serve these paths; discovery is only a refinement.
        Err(_) if config.is_auth0() => Ok(ProviderMetadata::auth0_paths(config)),
        Err(error) => Err(error),
    }
}

/// The key set at `jwks_uri`: the page's one unless `refresh` (an unknown `kid`
/// means the provider may have rotated its keys). Concurrent callers share one
/// request; a failed one is tried again by the next caller.
///
/// # Errors
/// A [`MetadataError`] when it cannot be fetched or parsed.
pub async fn jwks(jwks_uri: &str, refresh: bool) -> Result<Jwks, MetadataError> {
    key_set_fetch(jwks_uri, refresh)
        .join()
        .await
        .map(|set| set.keys)
}

/// The key set's JSON text, for a login to carry: the page's fetch of `jwks_uri`
/// (started now if there is none), waited for at most `wait_ms`. `None` when it is
/// not in by then or failed: the callback then fetches the set itself.
pub async fn key_set_text(jwks_uri: &str, wait_ms: u32) -> Option<String> {
    let fetched = key_set_fetch(jwks_uri, false).join_within(wait_ms).await;
    fetched.and_then(Result::ok).map(|set| set.text.to_string())
}

/// Makes `keys` (with their JSON `text`), carried by a login, the page's key set of
/// `jwks_uri`: the callback and later renewals verify with it, and an unknown `kid`
/// still fetches the set anew.
pub fn adopt_key_set(jwks_uri: &str, keys: Jwks, text: &str) {
    let set = KeySet {
        keys,
        text: text.into(),
    };
    let fetch = SharedTask::spawn(async move { Ok(set) });
    JWKS.with(|j| keep(&mut j.borrow_mut(), jwks_uri.to_owned(), fetch));
}

fn key_set_fetch(jwks_uri: &str, refresh: bool) -> KeySetFetch {
    JWKS.with(|j| {
        let mut all = j.borrow_mut();
        let reusable = all.iter().find(|(uri, fetch)| {
            !refresh && uri == jwks_uri && !matches!(fetch.outcome(), Some(Err(_)))
        });
        if let Some((_, fetch)) = reusable {
            return fetch.clone();
        }
        let fetch = SharedTask::spawn(fetch_key_set(jwks_uri.to_owned(), refresh));
        keep(&mut all, jwks_uri.to_owned(), fetch.clone());
        fetch
    })
}

/// Fetches the key set; `anew` past the browser's HTTP cache (a `kid` the cached set
/// lacks: the provider rotated its keys, and its set may be cacheable for an hour).
async fn fetch_key_set(jwks_uri: String, anew: bool) -> Result<KeySet, MetadataError> {
    let response = if anew {
        http::get_from_server(&jwks_uri, http::MAX_METADATA_BYTES).await?
    } else {
        http::get(&jwks_uri, None, http::MAX_METADATA_BYTES).await?
    };
    if !(200..300).contains(&response.status) {
        return Err(MetadataError::Status(response.status));
    }
    let keys = Jwks::parse(&response.body)?;
    Ok(KeySet {
        keys,
        text: response.body.into(),
    })
}
