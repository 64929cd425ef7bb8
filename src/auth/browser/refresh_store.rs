//! The refresh token in localStorage, only when `refresh_token_storage` is
//! `local_storage` (an opt-in: see README for the trade-off).

use crate::auth::secret::RefreshToken;

const KEY: &str = "leptos-pkce.refresh_token";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored refresh token, if any. A value that is not a plausible token (empty,
/// huge, with whitespace) is removed and ignored.
pub fn load() -> Option<RefreshToken> {
    let storage = local_storage()?;
    let value = storage.get_item(KEY).ok().flatten()?;
    let plausible =
        !value.is_empty() && value.len() <= 4096 && value.bytes().all(|b| b.is_ascii_graphic());
    if plausible {
        Some(RefreshToken::new(value))
    } else {
        let _ = storage.remove_item(KEY);
        None
    }
}

/// Stores the current refresh token (or removes it with `None`).
pub fn store(token: Option<&RefreshToken>) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ = match token {
        Some(token) => storage.set_item(KEY, token.secret()),
        None => storage.remove_item(KEY),
    };
}
