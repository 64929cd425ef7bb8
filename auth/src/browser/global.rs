//! What the page and the service worker both have, read from the global object
//! (`globalThis`) rather than `window`, which a worker has none of.

use wasm_bindgen::prelude::*;
use web_sys::{Crypto, IdbFactory};

#[wasm_bindgen]
extern "C" {
    type Global;
    #[wasm_bindgen(method, getter, js_name = crypto)]
    fn crypto(this: &Global) -> Option<Crypto>;
    #[wasm_bindgen(method, getter, catch, js_name = indexedDB)]
    fn indexed_db(this: &Global) -> Result<Option<IdbFactory>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setTimeout)]
    fn set_timeout(this: &Global, handler: &js_sys::Function, ms: i32) -> Result<JsValue, JsValue>;
}

fn global() -> Global {
    js_sys::global().unchecked_into()
}

/// `crypto`, where the browser has it.
pub fn crypto() -> Option<Crypto> {
    global().crypto()
}

/// `indexedDB`, where the browser allows it (not in some private windows).
pub fn indexed_db() -> Option<IdbFactory> {
    global().indexed_db().ok().flatten()
}

/// Calls `handler` in `ms` milliseconds (`setTimeout`, in a page or a worker).
pub fn call_in(handler: &js_sys::Function, ms: u32) {
    let _ = global().set_timeout(handler, i32::try_from(ms).unwrap_or(i32::MAX));
}
