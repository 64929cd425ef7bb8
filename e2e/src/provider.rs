//! The provider's login and consent pages (the local provider's, or any whose fields
//! are named `login` and `password`).

use crate::browser::Browser;
use crate::Env;

/// The provider's pages, as a user meets them.
pub struct ProviderPages<'a> {
    browser: &'a Browser,
    env: &'a Env,
    origin: &'a str,
}

impl<'a> ProviderPages<'a> {
    /// Page object over `browser`.
    pub fn new(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            env,
            origin: &env.idp,
        }
    }

    /// Page object for the generic provider (no logout endpoint).
    pub fn generic(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            env,
            origin: &env.generic_idp,
        }
    }

    /// Waits for the provider's login page and returns its heading.
    pub async fn login_heading(&self) -> String {
        self.browser.wait_for_url(self.origin).await;
        self.browser.text_of("h1").await
    }

    /// Signs in with `login` and `password`.
    pub async fn sign_in_as(&self, login: &str, password: &str) {
        self.browser.wait_for_url(self.origin).await;
        self.browser.fill("input[name=login]", login).await;
        self.browser.fill("input[name=password]", password).await;
        self.browser.click("button[type=submit]").await;
    }

    /// Signs in as the configured test user.
    pub async fn sign_in(&self) {
        self.sign_in_as(&self.env.user, &self.env.password).await;
    }

    /// Answers the consent page.
    pub async fn consent(&self, allow: bool) {
        self.browser
            .click(if allow { "#allow" } else { "#deny" })
            .await;
    }

    /// Signs in and allows, the usual path.
    pub async fn sign_in_and_allow(&self, login: &str, password: &str) {
        self.sign_in_as(login, password).await;
        self.consent(true).await;
    }
}
