//! Page objects and set-up for the end-to-end tests: a real headless Chromium driven
//! through chromedriver (or, with `E2E_BROWSER=firefox`, Firefox ESR through
//! geckodriver), against the release build and a real provider.
//!
//! Everything comes from environment variables with the local defaults, so the same
//! suite runs against another deployment and provider:
//! `E2E_APP_URL` (http://127.0.0.1:8090), `E2E_PERSISTENT_APP_URL` (the same app
//! configured with `refresh_token_storage: indexed_db`, http://127.0.0.1:8091),
//! `E2E_FAULTS_APP_URL` (the same app redeeming codes through the provider's
//! fault-injection route, http://127.0.0.1:8093), `E2E_GENERIC_APP_URL` (the same app
//! configured with the `issuer` of a generic provider without a logout endpoint,
//! http://127.0.0.1:8094), `E2E_IDP_URL` (http://127.0.0.1:4000), `E2E_GENERIC_IDP_URL`
//! (that generic provider, http://127.0.0.1:4001), `E2E_CROSS_SITE_APP_URL` (the app on
//! another site than the provider, http://localhost:8095), `E2E_SWITCH_APP_URL` (the
//! same app, whose config.json at `E2E_SWITCH_CONFIG` a test rewrites while a user signs
//! in, http://127.0.0.1:8096; target/e2e/dist-switch/config.json), `E2E_DPOP_APP_URL`
//! (the same app with `dpop` on and `indexed_db`, http://127.0.0.1:8097),
//! `E2E_MEDIATED_DPOP_APP_URL` (the app in the token worker's mode with `dpop` on,
//! http://127.0.0.1:8084),
//! `E2E_WEBDRIVER` (http://127.0.0.1:9515), `E2E_BROWSER` (`chromium` or `firefox`),
//! `E2E_CHROMIUM` (/usr/bin/chromium), `E2E_FIREFOX` (/usr/bin/firefox-esr),
//! `E2E_GECKODRIVER` (~/.cargo/bin/geckodriver, one started per Firefox session;
//! `E2E_WEBDRIVER` is then not used),
//! `E2E_CLIENT_ID` (spa-dev, the app's client at the provider),
//! `E2E_USER`/`E2E_PASSWORD`/`E2E_USER_NAME`/`E2E_USER_EMAIL` (the local user ada),
//! `E2E_ARTIFACTS` (target/e2e).

pub mod app;
pub mod browser;
pub mod outside;
pub mod provider;
pub mod refreshes;
pub mod second_provider;
pub mod switch;

use std::env;

/// The browser engine a run drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Chromium, through chromedriver.
    Chromium,
    /// Firefox ESR, through geckodriver.
    Firefox,
}

impl Engine {
    /// The engine `E2E_BROWSER` names.
    ///
    /// # Panics
    /// On a name that is neither `chromium` nor `firefox`: the run would not test what
    /// it says.
    pub fn named(name: &str) -> Self {
        match name {
            "chromium" => Self::Chromium,
            "firefox" => Self::Firefox,
            other => panic!("E2E_BROWSER={other}: expected `chromium` or `firefox`"),
        }
    }
}

/// The test environment.
#[derive(Debug, Clone)]
pub struct Env {
    /// The app's origin.
    pub app: String,
    /// The app keeping its refresh token in IndexedDB.
    pub persistent_app: String,
    /// The app whose token requests pass the provider's fault-injection route.
    pub faults_app: String,
    /// The app configured for a generic provider without a logout endpoint.
    pub generic_app: String,
    /// The app against the generic provider whose logins are pushed (RFC 9126), with
    /// DPoP on.
    pub par_app: String,
    /// The app with two providers side by side (the local one by default, the second
    /// one as `partners`).
    pub pair_app: String,
    /// The app whose tokens the token worker keeps (`token_mediation`).
    pub mediated_app: String,
    /// The same with `dpop: true`: the worker's own key binds the tokens.
    pub mediated_dpop_app: String,
    /// The provider's origin.
    pub idp: String,
    /// The generic provider's origin.
    pub generic_idp: String,
    /// The app opened on another site than the provider (`localhost`).
    pub cross_site_app: String,
    /// The app that binds its tokens to a DPoP key (refresh token in IndexedDB).
    pub dpop_app: String,
    /// The app whose configuration a test changes between sign-in and callback.
    pub switch_app: String,
    /// That app's config.json on disk.
    pub switch_config: String,
    /// The app's `client_id` at the provider.
    pub client_id: String,
    /// The WebDriver server's URL (chromedriver, or geckodriver for Firefox).
    pub webdriver: String,
    /// The browser the tests drive.
    pub engine: Engine,
    /// The Chromium binary.
    pub chromium: String,
    /// The Firefox binary.
    pub firefox: String,
    /// geckodriver, started once per Firefox session (it serves one at a time).
    pub geckodriver: String,
    /// The test user's login.
    pub user: String,
    /// The test user's password.
    pub password: String,
    /// The test user's name, as the profile shows it.
    pub user_name: String,
    /// The test user's email.
    pub user_email: String,
    /// Where screenshots go.
    pub artifacts: String,
    /// The app configured for the second, independent provider.
    pub second_app: String,
    /// The second provider (django-oauth-toolkit, `devidp2/`): its origin.
    pub second_idp: String,
    /// Its process id: SIGHUP makes it rotate its signing key (`devidp2/serve.py`).
    pub second_idp_pid: String,
    /// A new app made from the README's quick start, as it stands (`xtask/src/quickstart.rs`).
    pub quickstart_app: String,
}

impl Env {
    /// Reads the environment, with the local defaults.
    pub fn from_env() -> Self {
        let var = |name: &str, default: &str| env::var(name).unwrap_or_else(|_| default.into());
        Self {
            app: var("E2E_APP_URL", "http://127.0.0.1:8090")
                .trim_end_matches('/')
                .into(),
            persistent_app: var("E2E_PERSISTENT_APP_URL", "http://127.0.0.1:8091")
                .trim_end_matches('/')
                .into(),
            faults_app: var("E2E_FAULTS_APP_URL", "http://127.0.0.1:8093")
                .trim_end_matches('/')
                .into(),
            generic_app: var("E2E_GENERIC_APP_URL", "http://127.0.0.1:8094")
                .trim_end_matches('/')
                .into(),
            par_app: var("E2E_PAR_APP_URL", "http://127.0.0.1:8089")
                .trim_end_matches('/')
                .into(),
            mediated_app: var("E2E_MEDIATED_APP_URL", "http://127.0.0.1:8087")
                .trim_end_matches('/')
                .into(),
            mediated_dpop_app: var("E2E_MEDIATED_DPOP_APP_URL", "http://127.0.0.1:8084")
                .trim_end_matches('/')
                .into(),
            pair_app: var("E2E_PAIR_APP_URL", "http://127.0.0.1:8088")
                .trim_end_matches('/')
                .into(),
            idp: var("E2E_IDP_URL", "http://127.0.0.1:4000")
                .trim_end_matches('/')
                .into(),
            generic_idp: var("E2E_GENERIC_IDP_URL", "http://127.0.0.1:4001")
                .trim_end_matches('/')
                .into(),
            cross_site_app: var("E2E_CROSS_SITE_APP_URL", "http://localhost:8095")
                .trim_end_matches('/')
                .into(),
            dpop_app: var("E2E_DPOP_APP_URL", "http://127.0.0.1:8097")
                .trim_end_matches('/')
                .into(),
            switch_app: var("E2E_SWITCH_APP_URL", "http://127.0.0.1:8096")
                .trim_end_matches('/')
                .into(),
            switch_config: var(
                "E2E_SWITCH_CONFIG",
                concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../target/e2e/dist-switch/config.json"
                ),
            ),
            client_id: var("E2E_CLIENT_ID", "spa-dev"),
            webdriver: var("E2E_WEBDRIVER", "http://127.0.0.1:9515"),
            engine: Engine::named(&var("E2E_BROWSER", "chromium")),
            chromium: var("E2E_CHROMIUM", "/usr/bin/chromium"),
            firefox: var("E2E_FIREFOX", "/usr/bin/firefox-esr"),
            geckodriver: var(
                "E2E_GECKODRIVER",
                &format!("{}/.cargo/bin/geckodriver", var("HOME", "/root")),
            ),
            user: var("E2E_USER", "ada"),
            password: var("E2E_PASSWORD", "ada-password"),
            user_name: var("E2E_USER_NAME", "Ada Lovelace"),
            user_email: var("E2E_USER_EMAIL", "ada@example.com"),
            artifacts: var(
                "E2E_ARTIFACTS",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../target/e2e"),
            ),
            second_app: var("E2E_SECOND_APP_URL", "http://127.0.0.1:8098")
                .trim_end_matches('/')
                .into(),
            second_idp: var("E2E_SECOND_IDP_URL", "http://127.0.0.1:4002")
                .trim_end_matches('/')
                .into(),
            second_idp_pid: var("E2E_SECOND_IDP_PID", ""),
            quickstart_app: var("E2E_QUICKSTART_APP_URL", "http://127.0.0.1:8099")
                .trim_end_matches('/')
                .into(),
        }
    }
}
