//! Starting a login: PKCE, the `/authorize` URL with what a caller may add to it,
//! pushed authorization requests, the transaction kept until the callback, where the
//! app returns, and step-up.

pub mod authorize;
pub mod login_options;
pub mod par;
pub mod pkce;
pub mod return_to;
pub mod step_up;
pub mod transaction;
