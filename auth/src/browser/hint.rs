//! Non-secret marks: for silent sign-in, "signed in here before" (localStorage, so a
//! reload or a new tab knows a silent sign-in may succeed, and signed-out visitors
//! never cause a provider round trip) and "this tab already tried the top-level
//! redirect" (sessionStorage, so it never loops); and "a sign-out is not finished"
//! (localStorage), so no page load restores a session the user signed out of.

use oidc_browser_core::config::names::StorageNames;

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn set(storage: Option<web_sys::Storage>, key: &str, on: bool) {
    if let Some(storage) = storage {
        let _ = if on {
            storage.set_item(key, "1")
        } else {
            storage.remove_item(key)
        };
    }
}

fn get(storage: Option<web_sys::Storage>, key: &str) -> bool {
    storage
        .and_then(|s| s.get_item(key).ok().flatten())
        .as_deref()
        == Some("1")
}

/// Marks (or unmarks) that a user signed in to this app in this browser.
pub fn set_signed_in_before(names: &StorageNames, on: bool) {
    set(local(), &names.signed_in_hint(), on);
}

/// True when a user signed in to this app in this browser and has not signed out.
pub fn signed_in_before(names: &StorageNames) -> bool {
    get(local(), &names.signed_in_hint())
}

/// Marks (or unmarks) that this tab tried the top-level silent sign-in.
pub fn set_redirect_tried(names: &StorageNames, on: bool) {
    set(session(), &names.silent_redirect_tried(), on);
}

/// True when this tab already tried the top-level silent sign-in.
pub fn redirect_tried(names: &StorageNames) -> bool {
    get(session(), &names.silent_redirect_tried())
}

/// Marks (or unmarks) a sign-out whose refresh token may still be at rest: set at the
/// click, before the code that forgets it loads; cleared once it is forgotten, or when
/// a login keeps its own token since.
pub fn set_sign_out_pending(names: &StorageNames, on: bool) {
    set(local(), &names.sign_out_pending(), on);
}

/// True when a sign-out in this browser did not finish forgetting its refresh token.
pub fn sign_out_pending(names: &StorageNames) -> bool {
    get(local(), &names.sign_out_pending())
}

/// Marks (or unmarks) that this tab reloaded onto a new version of the token worker.
pub fn set_reloaded_for_worker(names: &StorageNames, on: bool) {
    set(session(), &names.worker_reload(), on);
}

/// True when this tab's last load was the reload onto a new version of the worker.
pub fn reloaded_for_worker(names: &StorageNames) -> bool {
    get(session(), &names.worker_reload())
}

/// Marks that this tab reloads because its page was loaded past the token worker (a
/// Shift+Reload).
pub fn set_passed_over_reload(names: &StorageNames) {
    set(session(), &names.worker_passed_over(), true);
}

/// True when this load is that reload; the mark is removed (once per such load).
pub fn take_passed_over_reload(names: &StorageNames) -> bool {
    let marked = get(session(), &names.worker_passed_over());
    set(session(), &names.worker_passed_over(), false);
    marked
}
