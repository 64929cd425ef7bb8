//! What the page and the token worker both need, reached the way each has it: a page
//! through `window` (already linked, so this costs a page nothing), the token worker
//! (feature `token-worker`) through the global object, as a worker has no window.
//! Measured (`cargo xtask bench`, brotli): reaching them through the global object in
//! the page too made the demo's first load 380 bytes larger (the equal page's 55
//! smaller).

use web_sys::{Crypto, IdbFactory};

#[cfg(feature = "token-worker")]
mod worker_scope {
    use wasm_bindgen::prelude::*;
    use web_sys::{Crypto, IdbFactory};

    #[wasm_bindgen]
    extern "C" {
        pub type Global;
        #[wasm_bindgen(method, getter, js_name = crypto)]
        pub fn crypto(this: &Global) -> Option<Crypto>;
        #[wasm_bindgen(method, getter, catch, js_name = indexedDB)]
        pub fn indexed_db(this: &Global) -> Result<Option<IdbFactory>, JsValue>;
        #[wasm_bindgen(method, catch, js_name = setTimeout)]
        pub fn set_timeout(
            this: &Global,
            handler: &js_sys::Function,
            ms: i32,
        ) -> Result<JsValue, JsValue>;
    }

    pub fn global() -> Global {
        js_sys::global().unchecked_into()
    }
}

/// `crypto`, where the browser has it.
pub fn crypto() -> Option<Crypto> {
    #[cfg(feature = "token-worker")]
    return worker_scope::global().crypto();
    #[cfg(not(feature = "token-worker"))]
    return web_sys::window()?.crypto().ok();
}

/// `indexedDB`, where the browser allows it (not in some private windows).
pub fn indexed_db() -> Option<IdbFactory> {
    #[cfg(feature = "token-worker")]
    return worker_scope::global().indexed_db().ok().flatten();
    #[cfg(not(feature = "token-worker"))]
    return web_sys::window()?.indexed_db().ok().flatten();
}

/// Calls `handler` in `ms` milliseconds (`setTimeout`).
pub fn call_in(handler: &js_sys::Function, ms: u32) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    #[cfg(feature = "token-worker")]
    let _ = worker_scope::global().set_timeout(handler, ms);
    #[cfg(not(feature = "token-worker"))]
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(handler, ms);
    }
}
