//! IndexedDB, as this library uses it: one object store per database, values read,
//! written and removed by key, each call in its own transaction (so a read that starts
//! after another tab's write committed sees it), every failure an absent value.

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

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

/// Opens `database` (version 1, with one object store, `store`).
async fn open(database: &str, store: &'static str) -> Option<IdbDatabase> {
    let factory = super::global::indexed_db()?;
    let request: IdbOpenDbRequest = factory.open_with_u32(database, 1).ok()?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Some(db) = upgrading
            .result()
            .ok()
            .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
        {
            let _ = db.create_object_store(store);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    JsFuture::from(request_done(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The value under `key`, if any. Structured-clone values (such as a `CryptoKey`)
/// come back as they went in.
pub async fn get(database: &str, store: &'static str, key: &str) -> Option<JsValue> {
    read(database, store, key).await.ok().flatten()
}

/// The value under `key`: `Ok(None)` when there is none, `Err(())` when the database
/// could not be read (a key that is only unreadable must not be taken for a missing
/// one and replaced).
pub async fn read(database: &str, store: &'static str, key: &str) -> Result<Option<JsValue>, ()> {
    let db = open(database, store).await.ok_or(())?;
    let value = async {
        let transaction = db
            .transaction_with_str_and_mode(store, IdbTransactionMode::Readonly)
            .ok()?;
        let request = transaction
            .object_store(store)
            .ok()?
            .get(&key.into())
            .ok()?;
        JsFuture::from(request_done(&request)).await.ok()
    }
    .await;
    db.close();
    let value = value.ok_or(())?;
    Ok(Some(value).filter(|value| !value.is_undefined()))
}

/// Puts `value` under `key`, returning once the write has committed (`false` if it
/// did not).
pub async fn put(database: &str, store: &'static str, key: &str, value: &JsValue) -> bool {
    write(database, store, |objects| {
        objects.put_with_key(value, &key.into()).ok()
    })
    .await
}

/// Removes `key`, returning once the removal has committed.
pub async fn delete(database: &str, store: &'static str, key: &str) {
    write(database, store, |objects| objects.delete(&key.into()).ok()).await;
}

async fn write(
    database: &str,
    store: &'static str,
    change: impl FnOnce(&web_sys::IdbObjectStore) -> Option<IdbRequest>,
) -> bool {
    let Some(db) = open(database, store).await else {
        return false;
    };
    let written = async {
        let transaction = db
            .transaction_with_str_and_mode(store, IdbTransactionMode::Readwrite)
            .ok()?;
        change(&transaction.object_store(store).ok()?)?;
        JsFuture::from(transaction_done(&transaction)).await.ok()
    }
    .await;
    db.close();
    written.is_some()
}

/// Empties `store`, returning once that has committed (`false` if it did not).
#[cfg(feature = "token-worker")]
pub async fn clear(database: &str, store: &'static str) -> bool {
    write(database, store, |objects| objects.clear().ok()).await
}
