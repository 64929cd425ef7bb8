//! The app's pages, as a user meets them.

use crate::browser::Browser;
use crate::Env;

/// The home page's "Sign In" button.
pub const SIGN_IN_BUTTON: &str = ".hero .login-buttons .button.primary";

/// The home page's "Sign in with a pop-up" button.
pub const POPUP_BUTTON: &str = "[data-testid=sign-in-popup]";

/// The app under test.
pub struct App<'a> {
    browser: &'a Browser,
    origin: &'a str,
    client_id: &'a str,
}

impl<'a> App<'a> {
    /// Page object over `browser`, for the app that keeps tokens in memory.
    pub fn new(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app that keeps its refresh token in localStorage.
    pub fn persistent(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.persistent_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app whose token requests pass the fault-injection route.
    pub fn faults(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.faults_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app configured with a generic provider's `issuer`, whose
    /// discovery names no `end_session_endpoint`.
    pub fn generic(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.generic_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app with two providers side by side (its default one is
    /// the local provider's `spa-dev`).
    pub fn pair(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.pair_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app whose tokens the token worker keeps (`token_mediation`,
    /// its API on the worker's allow-list).
    pub fn mediated(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.mediated_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app whose tokens the token worker keeps and binds to its own
    /// DPoP key.
    pub fn mediated_dpop(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.mediated_dpop_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app against the generic provider that takes only pushed
    /// logins (RFC 9126), with DPoP on and a connection the provider refuses.
    pub fn par(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.par_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app opened on another site than the provider.
    pub fn cross_site(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.cross_site_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app configured for the second provider (its own client).
    pub fn second(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.second_app,
            client_id: "spa-dev2",
        }
    }

    /// Page object for the app that binds its tokens to a DPoP key.
    pub fn dpop(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.dpop_app,
            client_id: &env.client_id,
        }
    }

    /// Page object for the app whose config.json a test rewrites (see
    /// [`crate::switch::ConfigSwitch`]).
    pub fn switchable(browser: &'a Browser, env: &'a Env) -> Self {
        Self {
            browser,
            origin: &env.switch_app,
            client_id: &env.client_id,
        }
    }

    /// Every key this origin keeps in sessionStorage and localStorage, besides the
    /// non-secret "signed in here before" hint (its value is checked to be just that)
    /// and the list of this tab's finished logins (checked to hold nothing but spent
    /// states, paths and times); and every IndexedDB database of this app (its refresh
    /// token's and its DPoP key's), as `indexedDB:NAME`.
    pub async fn stored_keys(&self) -> serde_json::Value {
        let hint = format!("{}.signed-in", self.storage_prefix());
        let spent = format!("{}.spent", self.storage_prefix());
        let keys = self
            .browser
            .client
            .execute_async(
                "const [hint, spent, prefix, done] = arguments;
                 const value = localStorage.getItem(hint);
                 if (value !== null && value !== '1') { return done(['unexpected hint: ' + value]); }
                 const logins = JSON.parse(sessionStorage.getItem(spent) || '[]');
                 const plain = Array.isArray(logins) && logins.every(l =>
                   Object.keys(l).sort().join() === 'at,return_to,state' && l.return_to.startsWith('/'));
                 if (!plain) { return done(['unexpected finished logins: ' + sessionStorage.getItem(spent)]); }
                 const keys = Object.keys(sessionStorage).concat(Object.keys(localStorage))
                   .filter(k => k !== hint && k !== spent);
                 indexedDB.databases().then(
                   dbs => done(keys.concat(dbs.map(db => db.name)
                     .filter(n => n.startsWith(prefix + '.')).map(n => 'indexedDB:' + n))),
                   () => done(keys.concat(['indexedDB: unreadable'])));",
                vec![
                    hint.into(),
                    spent.into(),
                    self.storage_prefix().into(),
                ],
            )
            .await;
        keys.expect("storage keys")
    }

    /// The names of the IndexedDB databases this origin has (the refresh token's and
    /// the DPoP key's live there).
    pub async fn indexed_databases(&self) -> Vec<String> {
        let names = self
            .browser
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 indexedDB.databases().then(dbs => done(dbs.map(db => db.name)), () => done(['(unreadable)']));",
                vec![],
            )
            .await
            .expect("IndexedDB databases");
        serde_json::from_value(names).expect("a list of names")
    }

    /// True when the "signed in here before" hint is set.
    pub async fn signed_in_hint(&self) -> bool {
        self.local_item("signed-in").await == serde_json::json!("1")
    }

    /// The app's localStorage value under `{prefix}.{name}` (`null` when absent).
    pub async fn local_item(&self, name: &str) -> serde_json::Value {
        let key = format!("{}.{name}", self.storage_prefix());
        self.browser
            .client
            .execute(
                "return localStorage.getItem(arguments[0]);",
                vec![key.into()],
            )
            .await
            .expect("read localStorage")
    }

    /// The app's storage prefix: the library's default, from the `client_id`.
    pub fn storage_prefix(&self) -> String {
        format!("leptos-pkce.{}", self.client_id)
    }

    /// The pending login transactions' states, from this tab's sessionStorage.
    pub async fn pending_states(&self) -> Vec<String> {
        let prefix = format!("{}.tx.", self.storage_prefix());
        let keys = self
            .browser
            .eval("return Object.keys(sessionStorage)")
            .await;
        keys.as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k.as_str()?.strip_prefix(&prefix).map(str::to_owned))
            .collect()
    }

    /// Starts a login from the home page, waits for the provider at `provider_origin`,
    /// comes back to the app without finishing it, and returns that login's `state`
    /// (still pending in this tab).
    pub async fn pending_login_state(&self, provider_origin: &str) -> String {
        self.open("/").await;
        self.click_sign_in().await;
        self.browser.wait_for_url(provider_origin).await;
        self.open("/").await;
        self.pending_states().await.pop().expect("a pending login")
    }

    /// An absolute URL of the app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Opens `path` and waits for the app to start (the header appears).
    pub async fn open(&self, path: &str) {
        self.browser.goto(&self.url(path)).await;
        self.browser.wait_for("header.site-header").await;
    }

    /// Clicks the home page's "Sign In".
    pub async fn click_sign_in(&self) {
        // Once enabled: while a session is being restored the button is disabled, and
        // a click on it then does nothing (seen under load in Firefox).
        self.browser
            .click(&format!("{SIGN_IN_BUTTON}:not([disabled])"))
            .await;
    }

    /// Clicks "Sign in with a pop-up" (a real click: a user gesture) and switches to
    /// the popup; returns the app's window.
    pub async fn open_popup_login(&self) -> fantoccini::wd::WindowHandle {
        let main = self.browser.client.window().await.expect("main window");
        self.browser.click(POPUP_BUTTON).await;
        self.browser.switch_to_new_window(&main).await;
        main
    }

    /// Clicks the page's "Sign In" from the page's own script (`element.click()`, an
    /// untrusted click): a navigation Firefox still keeps in its back/forward cache,
    /// unlike one started by the user's click.
    pub async fn click_sign_in_by_script(&self) {
        self.browser.wait_for(SIGN_IN_BUTTON).await;
        self.browser
            .client
            .execute(
                "document.querySelector(arguments[0]).click(); return null;",
                vec![SIGN_IN_BUTTON.into()],
            )
            .await
            .expect("click by script");
    }

    /// Clicks "Sign in with …" for `connection`.
    pub async fn click_connection(&self, connection: &str) {
        self.browser
            .click(&format!(".hero button[data-connection='{connection}']"))
            .await;
    }

    /// Waits for the profile page and returns (name, email).
    pub async fn profile(&self) -> (String, String) {
        self.browser.wait_for_url(&self.url("/profile")).await;
        let name = self.browser.text_of("[data-testid=profile-name]").await;
        let email = self.browser.text_of("[data-testid=profile-email]").await;
        (name, email)
    }

    /// The text of the profile's claims table.
    pub async fn claims_text(&self) -> String {
        self.browser.text_of("table.claims").await
    }

    /// Waits for the header to show a signed-in user and returns the name (without
    /// the avatar's initial, which users without a picture get: the local provider's
    /// users all have one, the second provider's none).
    pub async fn header_user(&self) -> String {
        self.browser
            .text_of("[data-testid=header-user] .user-name")
            .await
    }

    /// Waits until the header has settled on a signed-out state (an enabled "Sign
    /// In": while a session is being established the button is disabled), then says
    /// whether nobody is shown as signed in.
    pub async fn header_offers_sign_in(&self) -> bool {
        self.browser
            .wait_for(".site-header .session button.primary:not([disabled])")
            .await;
        !self.browser.exists("[data-testid=header-user]").await
    }

    /// Whether the header shows an enabled "Sign In" and nobody signed in, now (no
    /// waiting).
    pub async fn header_offers_sign_in_now(&self) -> bool {
        self.browser
            .exists(".site-header .session button.primary:not([disabled])")
            .await
            && !self.browser.exists("[data-testid=header-user]").await
    }

    /// Waits for the callback page's error and returns it.
    pub async fn callback_error(&self) -> String {
        self.browser.text_of("[data-testid=callback-error]").await
    }

    /// The access token's expiry as the profile shows it.
    pub async fn token_expiry(&self) -> String {
        self.browser.text_of("[data-testid=token-expiry]").await
    }

    /// Clicks "Renew tokens now" on the profile.
    pub async fn renew(&self) {
        self.browser.click("[data-testid=renew]").await;
    }

    /// Renews on the profile and waits until it shows the new token's expiry.
    pub async fn renew_and_wait(&self) {
        let before = self.token_expiry().await;
        self.renew().await;
        self.browser
            .wait_for_text_change("[data-testid=token-expiry]", &before)
            .await;
    }

    /// Follows a header navigation link (client-side, the session stays in memory).
    pub async fn nav(&self, label: &str) {
        let links = self
            .browser
            .client
            .find_all(fantoccini::Locator::Css("nav a"))
            .await
            .expect("nav links");
        for link in links {
            if link.text().await.unwrap_or_default() == label {
                link.click().await.expect("click nav link");
                return;
            }
        }
        panic!("no nav link {label:?}");
    }

    /// Waits for a call's answer (user info or API page) and returns (status, body).
    pub async fn http_result(&self) -> (String, String) {
        let status = self.browser.text_of("[data-testid=http-status]").await;
        let body = self.browser.text_of("[data-testid=http-body]").await;
        (status, body)
    }

    /// Clicks "Sign Out" in the header.
    pub async fn sign_out(&self) {
        self.browser.click(".site-header .session button").await;
    }
}
