//! End-to-end scenarios: what a user sees, in a real browser, through a real login.
//! `cargo xtask test` starts the provider, nginx (deploy/ config, release dist/) and
//! chromedriver, then runs these.

mod apis;
mod attacks;
mod chunks;
mod deployments;
mod dpop;
mod journeys;
mod library;
mod par;
mod popup;
mod providers;
mod quickstart;
mod second_provider;
mod session;
mod sign_in;
mod token_worker;
mod token_worker_dpop;

use std::future::Future;
use std::io::{Read, Write};

use e2e::app::App;
use e2e::browser::Browser;
use e2e::provider::ProviderPages;
use e2e::Env;

/// Runs `test` with a fresh browser, which is closed even when the test fails.
pub async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Browser, Env) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let env = Env::from_env();
    let browser = Browser::start(&env).await;
    let (client, driver) = (browser.client.clone(), browser.driver.clone());
    let outcome = tokio::spawn(test(browser, env)).await;
    // geckodriver can take long to end a session whose Firefox is busy: the driver's
    // drop ends both anyway.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), client.close()).await;
    drop(driver);
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}

/// Signs the configured user in from the home page and waits for the profile.
pub async fn sign_in(browser: &Browser, env: &Env) {
    sign_in_to(&App::new(browser, env), browser, env).await;
}

/// Signs the configured user in to `app` from its home page and waits for the profile.
pub async fn sign_in_to(app: &App<'_>, browser: &Browser, env: &Env) {
    app.open("/").await;
    app.click_sign_in().await;
    ProviderPages::new(browser, env).sign_in().await;
    ProviderPages::new(browser, env).consent(true).await;
    app.profile().await;
}

/// Fault tests share the provider's single fault slot, so they take turns (and so do
/// the token worker's, whose site redeems through the fault route).
pub static FAULT_SLOT: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Arms the provider's next token answer on the fault route.
pub fn arm(env: &Env, kind: &str) {
    let host = env.idp.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("provider reachable");
    write!(
        stream,
        "POST /faults/next?kind={kind} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("arm fault");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("fault answer");
    assert!(
        answer.starts_with("HTTP/1.1 204"),
        "arming {kind}: {answer}"
    );
}
