//! Reusable pieces of the UI.

pub mod api_card;
pub mod busy;
pub mod fetched;
pub mod header;
pub mod http_result;
pub mod login_buttons;
pub mod require_auth;
pub mod user_card;
