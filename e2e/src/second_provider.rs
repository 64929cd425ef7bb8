//! The second, independent provider (django-oauth-toolkit, `devidp2/`): its login page
//! (Django admin's form) and its key rotation.

use std::time::Duration;

use crate::browser::Browser;
use crate::Env;

/// The second provider's pages, as a user meets them.
pub struct SecondProvider<'a> {
    browser: &'a Browser,
    env: &'a Env,
}

impl<'a> SecondProvider<'a> {
    /// Page object over `browser`.
    pub fn new(browser: &'a Browser, env: &'a Env) -> Self {
        Self { browser, env }
    }

    /// Waits for the login form and signs in as `username` (no consent screen: the
    /// client skips it).
    pub async fn sign_in_as(&self, username: &str, password: &str) {
        self.browser.wait_for_url(&self.env.second_idp).await;
        self.browser
            .fill("#login-form input[name=username]", username)
            .await;
        self.browser
            .fill("#login-form input[name=password]", password)
            .await;
        self.browser.click("#login-form input[type=submit]").await;
    }

    /// The `kid`s its key set publishes (read from the test process, no cache).
    pub async fn published_kids(&self) -> Vec<String> {
        try_kids(&self.env.second_idp)
            .await
            .expect("the second provider's key set")
    }

    /// Rotates its signing key (SIGHUP: it starts anew with a new active key, the old
    /// one still published; sessions and tokens survive) and waits until the key set
    /// shows the new key.
    pub async fn rotate_signing_key(&self) {
        let before = self.published_kids().await;
        let pid = &self.env.second_idp_pid;
        assert!(!pid.is_empty(), "E2E_SECOND_IDP_PID is not set");
        let status = std::process::Command::new("kill")
            .args(["-HUP", pid])
            .status()
            .expect("kill -HUP");
        assert!(status.success(), "SIGHUP to the second provider");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if let Some(kids) = try_kids(&self.env.second_idp).await {
                if kids.len() == before.len() + 1 {
                    return;
                }
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the second provider did not come back with a new key"
            );
        }
    }
}

async fn try_kids(idp: &str) -> Option<Vec<String>> {
    let url = format!("{idp}/o/.well-known/jwks.json");
    let text = tokio::task::spawn_blocking(move || crate::outside::get_text(&url))
        .await
        .ok()??;
    let set: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(
        set["keys"]
            .as_array()?
            .iter()
            .filter_map(|k| k["kid"].as_str().map(str::to_owned))
            .collect(),
    )
}
