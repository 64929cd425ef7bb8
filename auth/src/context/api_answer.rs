//! What an API's answer means for a call, in the page mode and through the token
//! worker alike.

use crate::browser::http::HttpResponse;
use crate::error::AuthError;
use oidc_browser_core::authorization::step_up::{after_api_answer, ApiVerdict};
use oidc_browser_core::token::token_request::TokenKey;
use oidc_browser_core::ProtocolError;

/// What an API's answer means for the call (the core's [`after_api_answer`]): done
/// (`Some`), renew and call again (`None`, never for the `retried` call), or an error
/// (a step-up; a refusal of the retried call).
///
/// # Errors
/// [`ProtocolError::StepUpRequired`]; [`ProtocolError::Unauthorized`] after a retry.
pub(super) fn read_api_answer(
    response: HttpResponse,
    key: &TokenKey,
    retried: bool,
) -> Result<Option<HttpResponse>, AuthError> {
    match after_api_answer(
        response.status,
        response.www_authenticate.as_deref(),
        key,
        retried,
    ) {
        ApiVerdict::Done => Ok(Some(response)),
        ApiVerdict::StepUp(step_up) => Err(ProtocolError::StepUpRequired(step_up).into()),
        ApiVerdict::RenewAndRetry | ApiVerdict::Refused if retried => {
            Err(ProtocolError::Unauthorized.into())
        }
        ApiVerdict::RenewAndRetry | ApiVerdict::Refused => Ok(None),
    }
}
