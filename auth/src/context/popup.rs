//! Signing in in a popup window, and getting another API's token that way: the page
//! keeps its state. Each must be called from the user's click: the popup opens at the
//! call, before anything is awaited (browsers block popups opened later).
//!
//! Races: a sign-out while the popup is open bumps the generation; the popup's login is
//! then dropped when it finishes, as a renewal in flight would be. A popup login as
//! another account bumps it too (`signed_in_by_login`): a renewal or another API's
//! token in flight for the last account is dropped when it lands.

use std::future::Future;

use leptos::prelude::*;
use web_sys::Window;

use super::Auth;
use crate::browser::popup;
use crate::error::AuthError;
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::callback::login::Finished;
use oidc_browser_core::mediation::page::MediationError;
use oidc_browser_core::secret::AccessToken;
use oidc_browser_core::token::token_request::TokenRequest;
use oidc_browser_core::ProtocolError;

impl Auth {
    /// Signs in in a popup window with `options` (a step-up, another account): the
    /// same checks as a redirect login, and the page that called it keeps its state.
    /// Opens the popup at once: call it from a click handler.
    ///
    /// # Errors
    /// [`AuthError::PopupBlocked`], [`AuthError::PopupClosed`],
    /// [`AuthError::PopupTimeout`], or any error of a login. The session in place (if
    /// any) is kept when the popup login fails.
    pub fn login_with_popup(
        &self,
        options: LoginOptions,
    ) -> impl Future<Output = Result<(), AuthError>> + 'static {
        let auth = *self;
        // With the token worker, the popup's answer would come to the page, which
        // keeps no login and no token.
        let opened = match auth.mediates() {
            true => Err(MediationError::NotWithWorker("a sign-in in a pop-up").into()),
            false => popup::open(),
        };
        // Read at the click: a sign-out while the popup's code loads drops its login.
        let started_in = auth.generation.get_value();
        async move { super::chunks::popup_login(auth, options, opened?, started_in).await }
    }

    /// The popup login once its window is open (loaded with the popup's chunk), for
    /// the generation of the click.
    pub(super) async fn finish_popup_login(
        self,
        options: LoginOptions,
        window: Window,
        generation: u64,
    ) -> Result<(), AuthError> {
        let auth = self;
        if auth.generation.try_get_value() != Some(generation) {
            let _ = window.close();
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        let config = auth.config.get_value();
        let finished = popup::login(&config, options, window).await?;
        if auth.generation.try_get_value() != Some(generation) {
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        }
        let Finished::SignedIn(session, landing) = finished else {
            return Err(AuthError::Protocol(ProtocolError::SessionEnded));
        };
        // Another account: signed_in_by_login drops the last one's work.
        auth.signed_in_by_login(&config, *session, landing);
        Ok(())
    }

    /// An access token for `request`'s API got through a popup login (for an API that
    /// needs the user: consent, a second factor). `options` adds to that login.
    ///
    /// # Errors
    /// As [`Auth::login_with_popup`] and [`Auth::access_token_for`].
    pub fn token_with_popup(
        &self,
        request: TokenRequest,
        options: LoginOptions,
    ) -> impl Future<Output = Result<AccessToken, AuthError>> + 'static {
        let options = LoginOptions {
            audience: request.audience.clone().or(options.audience),
            scope: request.scope.clone().or(options.scope),
            ..options
        };
        let login = self.login_with_popup(options);
        let auth = *self;
        async move {
            login.await?;
            auth.access_token_for(&request).await
        }
    }
}
