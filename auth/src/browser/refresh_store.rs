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

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use crate::config::AuthConfig;
use crate::names::StorageNames;
use crate::refresh::{read_stored_refresh_token, stored_refresh_token};
use crate::secret::RefreshToken;

const STORE: &str = "tokens";
const KEY: &str = "refresh_token";

/// A promise that settles with the request's result.
fn request_done(request: &IdbRequest) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let finished = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::UNDEFINED, &finished.result().unwrap_or_default());
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::UNDEFINED);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    })
}

/// A promise that settles when the transaction has committed.
fn transaction_done(transaction: &IdbTransaction) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        let on_error = Closure::once_into_js(move || {
            let _ = reject.call0(&JsValue::UNDEFINED);
        });
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onerror(Some(on_error.unchecked_ref()));
    })
}

async fn open(names: &StorageNames) -> Option<IdbDatabase> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let request: IdbOpenDbRequest = factory.open_with_u32(&names.database(), 1).ok()?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Some(db) = upgrading
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    JsFuture::from(request_done(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The stored refresh token of `config`'s issuer and client, if any. Anything else
/// under the key (another provider's token, a foreign or implausible value) is
/// removed and ignored.
pub async fn load(config: &AuthConfig) -> Option<RefreshToken> {
    let db = open(&StorageNames::new(&config.storage_prefix)).await?;
    let value = async {
        let transaction = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)
            .ok()?;
        let request = transaction
            .object_store(STORE)
            .ok()?
            .get(&KEY.into())
            .ok()?;
        JsFuture::from(request_done(&request)).await.ok()
    }
    .await;
    db.close();
    let value = value?;
    if value.is_undefined() {
        return None;
    }
    let token = value
        .as_string()
        .and_then(|value| read_stored_refresh_token(&value, &config.issuer, &config.client_id));
    if token.is_none() {
        store(config, None).await;
    }
    token
}

/// Stores the current refresh token, bound to `config`'s issuer and client (or
/// removes it with `None`), returning once the write has committed.
pub async fn store(config: &AuthConfig, token: Option<&RefreshToken>) {
    let Some(db) = open(&StorageNames::new(&config.storage_prefix)).await else {
        return;
    };
    let written = async {
        let transaction = db
            .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
            .ok()?;
        let store = transaction.object_store(STORE).ok()?;
        match token {
            Some(token) => {
                let value = stored_refresh_token(token, &config.issuer, &config.client_id);
                store.put_with_key(&value.into(), &KEY.into()).ok()?
            }
            None => store.delete(&KEY.into()).ok()?,
        };
        JsFuture::from(transaction_done(&transaction)).await.ok()
    }
    .await;
    let _ = written;
    db.close();
}
