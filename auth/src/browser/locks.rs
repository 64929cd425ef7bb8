//! Serializing refreshes across tabs with the Web Locks API (`navigator.locks`), as
//! auth0-spa-js does: with rotation, two tabs spending the same refresh token at once
//! make the provider revoke the whole grant.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

type Work<T> = Pin<Box<dyn Future<Output = T>>>;

/// Runs `work` while holding the lock `name` in this origin; other tabs asking for
/// the same lock wait. Without Web Locks (very old browsers) it runs unlocked.
pub async fn with_lock<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> T {
    let work: Rc<RefCell<Option<Work<T>>>> = Rc::new(RefCell::new(Some(Box::pin(work))));
    let slot = Rc::new(RefCell::new(None));
    let start = {
        let slot = slot.clone();
        move || -> Promise {
            let work = work.borrow_mut().take();
            let slot = slot.clone();
            future_to_promise(async move {
                if let Some(work) = work {
                    let result = work.await;
                    *slot.borrow_mut() = Some(result);
                }
                Ok(JsValue::UNDEFINED)
            })
        }
    };
    let done = match lock_request() {
        Some((locks, request)) => {
            let locked = start.clone();
            let callback = Closure::once_into_js(move |_lock: JsValue| locked());
            request
                .call2(&locks, &name.into(), &callback)
                .ok()
                .and_then(|p| p.dyn_into::<Promise>().ok())
                .unwrap_or_else(&start)
        }
        None => start(),
    };
    let _ = JsFuture::from(done).await;
    let result = slot.borrow_mut().take();
    match result {
        Some(result) => result,
        // The lock request failed before running the work: run it unlocked.
        None => {
            let _ = JsFuture::from(start()).await;
            let result = slot.borrow_mut().take();
            result.expect("the work ran")
        }
    }
}

fn lock_request() -> Option<(JsValue, Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((locks, request))
}
