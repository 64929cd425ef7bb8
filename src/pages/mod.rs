//! One module per route.

pub mod api;
pub mod callback;
pub mod config_error;
pub mod home;
pub mod lazy;
pub mod login;
pub mod not_found;
pub mod profile;
pub mod providers;
pub mod userinfo;
