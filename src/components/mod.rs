//! Reusable pieces of the UI.

pub mod header;
pub mod login_buttons;
pub mod user_card;
