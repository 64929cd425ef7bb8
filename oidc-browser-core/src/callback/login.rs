//! Finishing a login at the callback, as pure rules: which answers are accepted
//! before the code is spent, and what the ID token must match afterwards.

use crate::authorization::return_to::ReturnTo;
use crate::authorization::transaction::{TakeError, Transaction};
use crate::callback::CallbackResponse;
use crate::error::ProtocolError;
use crate::id_token::claims::ClaimsCheck;
use crate::secret::AuthorizationCode;
use crate::session::silent::needs_interaction;
use crate::session::Session;
use crate::token::token_request::TokenRequest;

/// How a login at the callback ended, when it did not fail.
pub enum Finished {
    /// Signed in; go where the login said.
    SignedIn(Box<Session>, Landing),
    /// A silent sign-in that needs the user: signed out, quietly, at that page.
    SignedOutQuietly(ReturnTo),
    /// The provider replayed a login this tab finished (Back to its page): nothing
    /// was redeemed; recover the session silently, landing at that page.
    Replayed(ReturnTo),
}

/// Where a finished login lands and what it carried.
pub struct Landing {
    /// The page the login was for.
    pub return_to: ReturnTo,
    /// The app state given to the login.
    pub app_state: Option<serde_json::Value>,
    /// The API and scope the login's access token is for.
    pub api: TokenRequest,
}

/// What to do with an accepted callback answer.
#[derive(Debug, PartialEq)]
pub enum CallbackVerdict {
    /// Redeem the code for the transaction it belongs to.
    Redeem(Box<Transaction>, AuthorizationCode),
    /// A silent sign-in (`prompt=none`) that needs the user: nobody is signed in,
    /// quietly, at the page the user had opened. No error, no loop.
    SignedOutQuietly(ReturnTo),
    /// An answer to a login this tab already finished (the provider replayed it when
    /// the Back button returned to its page): nothing of it is redeemed; the session
    /// is recovered silently, landing where that login landed.
    Replayed(ReturnTo),
}

/// [`check_callback`], after one more rule: an answer whose `state` names no pending
/// login but a login this tab finished (`replayed_to`: where it landed, from
/// [`crate::callback::spent_logins::SpentLogins`]) is a replay. Nothing it carries is used, not
/// even an error; only a `state` this very tab spent qualifies, so a forged or another
/// tab's answer is still refused as before.
///
/// # Errors
/// As [`check_callback`].
pub fn check_callback_or_replay(
    response: CallbackResponse,
    taken: Option<Result<Transaction, TakeError>>,
    replayed_to: Option<ReturnTo>,
) -> Result<CallbackVerdict, ProtocolError> {
    match (&taken, replayed_to) {
        (Some(Err(TakeError::UnknownState)), Some(return_to)) => {
            Ok(CallbackVerdict::Replayed(return_to))
        }
        _ => check_callback(response, taken),
    }
}

/// Checks the provider's answer against the transaction its `state` named (`taken`
/// is the outcome of taking that transaction from storage). Gives the code to
/// redeem and the transaction, a quiet "signed out" for a silent sign-in that needs
/// the user, or why the answer is refused; nothing has been spent then.
///
/// The order is the rule: the `state` is matched first (RFC 6749 10.12), so an
/// answer that belongs to no login of this tab is refused as such, and nothing it
/// says (not even an `error_description`) reaches the user. Only then does an error
/// answer count as the provider's word. RFC 9207: an `iss` other than the issuer the
/// login started with, or none from a provider that promised one, is refused before
/// the code is spent.
///
/// # Errors
/// [`ProtocolError::Transaction`] for an unknown, used, expired or unreadable
/// transaction; [`ProtocolError::Denied`] for the provider's error answer;
/// [`ProtocolError::IssuerMismatch`] and [`ProtocolError::MissingIssuer`] for RFC 9207.
pub fn check_callback(
    response: CallbackResponse,
    taken: Option<Result<Transaction, TakeError>>,
) -> Result<CallbackVerdict, ProtocolError> {
    let transaction = taken.unwrap_or(Err(TakeError::UnknownState))?;
    // RFC 9207 holds for error answers too: an error naming another issuer (a mix-up)
    // is not this provider's word. A missing `iss` is refused on a code only: real
    // providers that promise `iss` leave it out of their error answers
    // (django-oauth-toolkit 3.4 does), and an error spends nothing.
    let (iss, is_code) = match &response {
        CallbackResponse::Code { iss, .. } => (iss, true),
        CallbackResponse::Error { iss, .. } => (iss, false),
    };
    match iss {
        Some(iss) if *iss != transaction.issuer => return Err(ProtocolError::IssuerMismatch),
        None if is_code && transaction.provider.iss_parameter_supported => {
            return Err(ProtocolError::MissingIssuer)
        }
        _ => {}
    }
    match response {
        // A silent sign-in (`prompt=none`) that needs the user, or that the provider
        // refused for any lasting reason (`invalid_request`, say): nobody asked for it,
        // so no error page either. A passing failure (`temporarily_unavailable`)
        // stays an error, so a renewal retries instead of ending the session.
        CallbackResponse::Error { error, .. }
            if transaction.silent
                && (needs_interaction(&error) || !is_passing_error(&error.error)) =>
        {
            Ok(CallbackVerdict::SignedOutQuietly(transaction.return_to))
        }
        CallbackResponse::Error { error, .. } => Err(ProtocolError::Denied(error)),
        CallbackResponse::Code { code, .. } => {
            Ok(CallbackVerdict::Redeem(Box::new(transaction), code))
        }
    }
}

fn is_passing_error(error: &str) -> bool {
    matches!(error, "server_error" | "temporarily_unavailable")
}

/// What the ID token of a finished login must match: the issuer and client the login
/// started with, its nonce, its `max_age`, its organization, the clock leeway of its
/// configuration, and the access token that came with it (`at_hash`).
pub fn id_token_check<'a>(
    transaction: &'a Transaction,
    access_token: &'a str,
    now_secs: i64,
) -> ClaimsCheck<'a> {
    ClaimsCheck {
        issuer: &transaction.issuer,
        client_id: &transaction.client_id,
        nonce: Some(&transaction.nonce),
        now_secs,
        max_age: transaction.max_age,
        organization: transaction.organization.as_deref(),
        acr_values: transaction.acr_values.as_deref(),
        leeway_secs: i64::from(transaction.leeway_secs),
        access_token: Some(access_token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::transaction::TransactionError;
    use crate::provider::provider_error::ProviderError;
    use crate::secret::Nonce;

    fn transaction(iss_promised: bool) -> Transaction {
        let mut transaction = crate::authorization::transaction::tests::transaction();
        transaction.provider.iss_parameter_supported = iss_promised;
        transaction.max_age = Some(300);
        transaction
    }

    fn answer(query: &str) -> CallbackResponse {
        CallbackResponse::parse(query).unwrap()
    }

    #[test]
    fn a_code_for_this_tabs_login_from_its_issuer_is_accepted() {
        let Ok(CallbackVerdict::Redeem(tx, code)) = check_callback(
            answer("code=c1&state=st&iss=https%3A%2F%2Fidp.example%2F"),
            Some(Ok(transaction(true))),
        ) else {
            panic!("accepted")
        };
        assert_eq!(code.secret(), "c1");
        assert_eq!(*tx, transaction(true));
        let without_iss = check_callback(answer("code=c1&state=st"), Some(Ok(transaction(false))));
        assert!(
            without_iss.is_ok(),
            "no iss from a provider that never promised one"
        );
    }

    #[test]
    fn the_state_is_matched_before_an_error_answer_is_believed() {
        let forged = answer("error=access_denied&error_description=Call%200800-SCAM&state=x");
        let refused = check_callback(forged.clone(), Some(Err(TakeError::UnknownState)));
        assert_eq!(
            refused,
            Err(ProtocolError::Transaction(TakeError::UnknownState))
        );
        assert!(!refused.unwrap_err().to_string().contains("SCAM"));
        let no_state = answer("error=access_denied&error_description=SCAM");
        assert_eq!(
            check_callback(no_state, None),
            Err(ProtocolError::Transaction(TakeError::UnknownState))
        );
        let ours = answer("error=access_denied&state=st&iss=https%3A%2F%2Fidp.example%2F");
        assert_eq!(
            check_callback(ours, Some(Ok(transaction(true)))),
            Err(ProtocolError::Denied(ProviderError {
                error: "access_denied".into(),
                error_description: None,
            }))
        );
    }

    #[test]
    fn a_silent_sign_in_that_needs_the_user_ends_quietly_where_it_started() {
        let mut silent = transaction(true);
        silent.silent = true;
        assert_eq!(
            check_callback(
                answer("error=login_required&state=st&iss=https%3A%2F%2Fidp.example%2F"),
                Some(Ok(silent.clone()))
            ),
            Ok(CallbackVerdict::SignedOutQuietly(silent.return_to.clone()))
        );
        for lasting in ["access_denied", "invalid_request", "invalid_scope"] {
            assert_eq!(
                check_callback(
                    answer(&format!(
                        "error={lasting}&state=st&iss=https%3A%2F%2Fidp.example%2F"
                    )),
                    Some(Ok(silent.clone()))
                ),
                Ok(CallbackVerdict::SignedOutQuietly(silent.return_to.clone())),
                "a silent sign-in nobody asked for shows no error page: {lasting}"
            );
        }
        assert!(
            matches!(
                check_callback(
                    answer(
                        "error=temporarily_unavailable&state=st&iss=https%3A%2F%2Fidp.example%2F"
                    ),
                    Some(Ok(silent))
                ),
                Err(ProtocolError::Denied(_))
            ),
            "a passing failure stays an error (a renewal retries)"
        );
        assert!(
            matches!(
                check_callback(
                    answer("error=login_required&state=st&iss=https%3A%2F%2Fidp.example%2F"),
                    Some(Ok(transaction(true)))
                ),
                Err(ProtocolError::Denied(_))
            ),
            "a login the user started is not quiet"
        );
        assert_eq!(
            check_callback(
                answer("error=login_required&state=x"),
                Some(Err(TakeError::UnknownState))
            ),
            Err(ProtocolError::Transaction(TakeError::UnknownState)),
            "still only for a login of this tab"
        );
    }

    #[test]
    fn an_error_answer_is_believed_only_from_the_logins_issuer() {
        let from = |query: &str| check_callback(answer(query), Some(Ok(transaction(true))));
        assert_eq!(
            from("error=access_denied&state=st&iss=https%3A%2F%2Fevil.example%2F"),
            Err(ProtocolError::IssuerMismatch),
            "a mix-up's error is not the provider's word"
        );
        assert!(
            matches!(
                from("error=access_denied&state=st"),
                Err(ProtocolError::Denied(_))
            ),
            "an error without iss is believed: providers that promise iss leave it out \
             of errors (django-oauth-toolkit), and an error spends nothing"
        );
        assert_eq!(
            from("code=c&state=st"),
            Err(ProtocolError::MissingIssuer),
            "a code without the promised iss is not"
        );
        assert!(matches!(
            check_callback(
                answer("error=access_denied&state=st"),
                Some(Ok(transaction(false)))
            ),
            Err(ProtocolError::Denied(_))
        ));
    }

    #[test]
    fn a_replayed_answer_is_recovered_from_never_redeemed() {
        let home = ReturnTo::parse("/profile").unwrap();
        for replayed in [
            "code=new-code&state=spent&iss=https%3A%2F%2Fidp.example%2F",
            "error=login_required&state=spent",
        ] {
            assert_eq!(
                check_callback_or_replay(
                    answer(replayed),
                    Some(Err(TakeError::UnknownState)),
                    Some(home.clone())
                ),
                Ok(CallbackVerdict::Replayed(home.clone())),
                "{replayed}"
            );
        }
        assert_eq!(
            check_callback_or_replay(
                answer("code=c&state=forged"),
                Some(Err(TakeError::UnknownState)),
                None
            ),
            Err(ProtocolError::Transaction(TakeError::UnknownState)),
            "a state this tab never spent is still refused"
        );
        assert_eq!(
            check_callback_or_replay(
                answer("code=c&state=st"),
                Some(Err(TakeError::Transaction(TransactionError::Expired))),
                Some(home.clone())
            ),
            Err(ProtocolError::Transaction(TakeError::Transaction(
                TransactionError::Expired
            ))),
            "only a missing transaction can be a replay"
        );
        assert!(matches!(
            check_callback_or_replay(
                answer("code=c1&state=st&iss=https%3A%2F%2Fidp.example%2F"),
                Some(Ok(transaction(true))),
                Some(home)
            ),
            Ok(CallbackVerdict::Redeem(..))
        ));
    }

    #[test]
    fn an_expired_or_unreadable_transaction_refuses_the_code() {
        for error in [
            TakeError::Transaction(TransactionError::Expired),
            TakeError::Transaction(TransactionError::Corrupt),
        ] {
            assert_eq!(
                check_callback(answer("code=c&state=st"), Some(Err(error.clone()))),
                Err(ProtocolError::Transaction(error))
            );
        }
    }

    #[test]
    fn rfc_9207_another_issuer_or_a_missing_promised_iss_is_refused() {
        assert_eq!(
            check_callback(
                answer("code=c&state=st&iss=https%3A%2F%2Fevil.example%2F"),
                Some(Ok(transaction(false)))
            ),
            Err(ProtocolError::IssuerMismatch)
        );
        assert_eq!(
            check_callback(
                answer("code=c&state=st&iss=https%3A%2F%2Fidp.example"),
                Some(Ok(transaction(false)))
            ),
            Err(ProtocolError::IssuerMismatch),
            "issuers compare exactly"
        );
        assert_eq!(
            check_callback(answer("code=c&state=st"), Some(Ok(transaction(true)))),
            Err(ProtocolError::MissingIssuer)
        );
    }

    #[test]
    fn the_id_token_must_match_the_login_it_finishes() {
        let tx = transaction(true);
        let check = id_token_check(&tx, "at", 42);
        assert_eq!(check.issuer, "https://idp.example/");
        assert_eq!(check.client_id, "spa");
        assert_eq!(check.nonce.map(Nonce::secret), Some("no"));
        assert_eq!(check.now_secs, 42);
        assert_eq!(check.max_age, Some(300));
        assert_eq!(check.organization, Some("org_1"));
        assert_eq!(check.leeway_secs, 60);
        assert_eq!(check.access_token, Some("at"));
    }
}
