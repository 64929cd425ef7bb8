//! leptos-pkce: a Leptos single-page app that signs users in with Auth0 or any OpenID
//! Connect provider through the Authorization Code Flow with PKCE.

pub mod auth;
