use oidc_browser_core::authorization::authorize::{begin_login, AnsweredIn, LoginRandomness};
use oidc_browser_core::authorization::login_options::LoginOptions;
use oidc_browser_core::callback::login::{check_callback, CallbackVerdict};
use oidc_browser_core::callback::CallbackResponse;
use oidc_browser_core::config::AuthConfig;
use oidc_browser_core::provider::discovery::ProviderMetadata;
use oidc_browser_core::token::authorization_code_body;
use oidc_browser_core::ProtocolError;

fn main() {
    // The host reads these (config.json, the provider's discovery document)...
    let config = AuthConfig::from_json(
        r#"{ "issuer": "https://id.example.com/", "client_id": "spa" }"#,
        "https://app.example.com",
    )
    .expect("a valid configuration");
    let discovery = r#"{
        "issuer": "https://id.example.com/",
        "authorization_endpoint": "https://id.example.com/authorize",
        "token_endpoint": "https://id.example.com/token",
        "jwks_uri": "https://id.example.com/jwks"
    }"#;
    let provider = ProviderMetadata::from_discovery(discovery, &config).expect("usable metadata");
    // ...and brings randomness (a secure generator: `crypto.getRandomValues`) and time.
    let randomness = LoginRandomness {
        verifier: [7; 32],
        state: [8; 32],
        nonce: [9; 32],
    };
    let now_ms = 1_800_000_000_000;

    // Sign in: keep the transaction (sessionStorage), then send the browser to the URL.
    let login = begin_login(
        &config,
        &provider,
        LoginOptions::default(),
        AnsweredIn::Page,
        &randomness,
        now_ms,
    )
    .expect("valid login options");
    assert!(login.url.contains("code_challenge_method=S256"));
    let state = login.transaction.state.secret().to_owned();

    // Back at redirect_uri: an answer that names no login of this tab is refused...
    let forged = CallbackResponse::parse("?code=c&state=someone-else").expect("a callback query");
    assert_eq!(
        check_callback(forged, None),
        Err(ProtocolError::Transaction(
            oidc_browser_core::authorization::transaction::TakeError::UnknownState
        ))
    );
    // ...and the right one gives the code and the transaction it belongs to.
    let answer = CallbackResponse::parse(&format!("?code=c&state={state}")).expect("a callback");
    match check_callback(answer, Some(Ok(login.transaction))) {
        Ok(CallbackVerdict::Redeem(transaction, code)) => {
            // POST this to the token endpoint; then verify the ID token's signature
            // (`Jwk::verify_signature`) and its claims (`id_token::claims`).
            let body = authorization_code_body(&transaction, &code);
            assert!(body.contains("code_verifier="));
        }
        _ => unreachable!("the answer matches the login"),
    }
}
