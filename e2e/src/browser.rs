//! A fresh headless browser per test (Chromium, or Firefox ESR), with the flags this
//! machine needs.

use std::time::Duration;

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::{Engine, Env};

/// How long a test waits for something to appear.
pub const WAIT: Duration = Duration::from_secs(20);

/// A browser session; closed with [`Browser::close`].
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    /// Firefox's own geckodriver (one session each), stopped with the browser.
    pub driver: Option<std::sync::Arc<Geckodriver>>,
    /// The engine, checked against the browser's own word at start.
    engine: Engine,
}

/// A geckodriver process of one Firefox session, in its own process group: dropping it
/// ends geckodriver and the Firefox it started, even when a test panicked first.
pub struct Geckodriver {
    process: std::process::Child,
    /// Its WebDriver URL.
    pub url: String,
}

impl Geckodriver {
    /// Starts `binary` on a free loopback port and waits until it answers.
    ///
    /// # Panics
    /// When it cannot start or does not answer within 20 s: the suite cannot run.
    pub async fn start(binary: &str) -> Self {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .expect("a free port");
        let process = std::process::Command::new(binary)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--log",
                "error",
            ])
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let mut driver = Self {
            process,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = tokio::time::Instant::now() + WAIT;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if let Ok(Some(status)) = driver.process.try_wait() {
                panic!("{binary} ended before it answered ({status})");
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{binary} never answered on {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }
}

impl Drop for Geckodriver {
    fn drop(&mut self) {
        // The whole group: geckodriver and the Firefox processes it started. Spelled
        // `-s KILL -- -<group>`: without the `--`, a negative number can be read as an
        // option, and a bare `-1` would be every process of the user.
        let group = self.process.id();
        let group_killed = group > 1
            && std::process::Command::new("kill")
                .args(["-s", "KILL", "--", &format!("-{group}")])
                .status()
                .is_ok_and(|status| status.success());
        if !group_killed {
            let _ = self.process.kill();
        }
        let _ = self.process.wait();
    }
}

impl Browser {
    /// Starts a new browser of `env.engine` with an empty profile, and checks that
    /// the browser it got is that engine (a run meant for Firefox that ran Chromium
    /// would test nothing it claims).
    ///
    /// # Panics
    /// When the WebDriver server cannot be reached (the suite cannot run), or the
    /// browser is not the engine asked for.
    pub async fn start(env: &Env) -> Self {
        let mut caps = Capabilities::new();
        match env.engine {
            Engine::Chromium => {
                caps.insert(
                    "goog:chromeOptions".into(),
                    json!({
                        "binary": env.chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--window-size=1100,900",
                        ],
                        // chromedriver switches popup blocking off by default; a user's
                        // browser has it on, and the popup tests need it (a popup not
                        // opened from a click must be blocked).
                        "excludeSwitches": ["disable-popup-blocking"],
                    }),
                );
                caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
            }
            Engine::Firefox => {
                caps.insert("browserName".into(), json!("firefox"));
                caps.insert(
                    "moz:firefoxOptions".into(),
                    json!({
                        "binary": env.firefox,
                        "args": ["-headless", "--width=1100", "--height=900"],
                        "prefs": {
                            // As in a user's Firefox: popups not opened from a click
                            // are blocked (geckodriver's profile keeps that default).
                            "dom.disable_open_during_load": true,
                            // No calls home on this closed network.
                            "app.update.enabled": false,
                            "datareporting.policy.dataSubmissionEnabled": false,
                            "network.captive-portal-service.enabled": false,
                        },
                    }),
                );
            }
        }
        let driver = match env.engine {
            Engine::Chromium => None,
            Engine::Firefox => Some(std::sync::Arc::new(
                Geckodriver::start(&env.geckodriver).await,
            )),
        };
        let webdriver = driver
            .as_ref()
            .map_or(env.webdriver.as_str(), |d| d.url.as_str());
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(webdriver)
            .await
            .unwrap_or_else(|e| panic!("cannot reach the WebDriver server at {webdriver}: {e}"));
        let browser = Self {
            client,
            driver,
            engine: env.engine,
        };
        let user_agent = browser.eval("return navigator.userAgent;").await;
        let user_agent = user_agent.as_str().unwrap_or_default();
        let is_firefox = user_agent.contains("Firefox/");
        assert_eq!(
            is_firefox,
            env.engine == Engine::Firefox,
            "asked for {:?}, got a browser saying {user_agent}",
            env.engine
        );
        browser
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    /// The address bar.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("current url")
            .to_string()
    }

    /// Waits for a CSS selector and returns its text. An element that the page
    /// re-renders between finding and reading it is found again.
    pub async fn text_of(&self, css: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match self.wait_for(css).await.text().await {
                Ok(text) => return text,
                Err(error) if tokio::time::Instant::now() > deadline => {
                    panic!("`{css}`: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Waits until `css` matches an element.
    pub async fn wait_for(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "`{css}` did not appear at {}: {e}\npage text: {}",
                self.url_now().await,
                self.page_text().await
            ),
        }
    }

    /// Waits until the element at `css` has text containing `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if text.contains(needle) {
                        return text;
                    }
                }
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "`{css}` never contained {needle:?} at {}",
                    self.url_now().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text at `css` differs from `before`, and returns it.
    pub async fn wait_for_text_change(&self, css: &str, before: &str) -> String {
        self.wait_for_text_change_within(css, before, WAIT).await
    }

    /// [`Browser::wait_for_text_change`] for at most `limit` (a renewal that is due
    /// in 22 s, say).
    pub async fn wait_for_text_change_within(
        &self,
        css: &str,
        before: &str,
        limit: Duration,
    ) -> String {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let now = self.text_of(css).await;
            if now != before {
                return now;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("`{css}` stayed {before:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the address bar no longer shows `url`, and returns the new one.
    pub async fn wait_for_url_change(&self, url: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let now = self.url_now().await;
            if now != url {
                return now;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("the address stayed {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the address bar starts with `prefix`.
    pub async fn wait_for_url(&self, prefix: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let url = self.url_now().await;
            if url.starts_with(prefix) {
                return url;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("never reached {prefix}; at {url}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element at `css` once it appears.
    pub async fn click(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Types into the field at `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.wait_for(css).await;
        field.clear().await.expect("clear field");
        field.send_keys(text).await.expect("type into field");
    }

    /// Runs a script and returns its JSON result.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// The body the page's own `fetch` gets for `path` (on the page's origin, with its
    /// headers and cookies), as text; `None` when the script gives no string.
    pub async fn fetch_text(&self, path: &str) -> Option<String> {
        let script = format!("return fetch({path:?}).then(r => r.text())");
        self.eval(&script).await.as_str().map(str::to_owned)
    }

    /// Saves a PNG screenshot.
    pub async fn screenshot(&self, path: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        if let Some(dir) = std::path::Path::new(path).parent() {
            std::fs::create_dir_all(dir).expect("screenshot directory");
        }
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Opens a new tab and switches to it; returns the handle of the tab left.
    pub async fn open_tab(&self) -> fantoccini::wd::WindowHandle {
        let previous = self.client.window().await.expect("current window");
        let tab = self.client.new_window(true).await.expect("new tab");
        self.client
            .switch_to_window(tab.handle)
            .await
            .expect("switch to the new tab");
        previous
    }

    /// How many requests this page made to URLs ending in `suffix` (its resource
    /// timing entries: fetches, frames, scripts).
    pub async fn requests_to(&self, suffix: &str) -> u64 {
        self.client
            .execute(
                "return performance.getEntriesByType('resource')
                   .filter(e => e.name.endsWith(arguments[0])).length;",
                vec![suffix.into()],
            )
            .await
            .expect("resource entries")
            .as_u64()
            .expect("a count")
    }

    /// Waits for a window other than `current` (a popup) and switches to it.
    pub async fn switch_to_new_window(&self, current: &fantoccini::wd::WindowHandle) {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let windows = self.client.windows().await.expect("windows");
            if let Some(other) = windows.into_iter().find(|w| w != current) {
                self.client
                    .switch_to_window(other)
                    .await
                    .expect("switch to the popup");
                return;
            }
            assert!(std::time::Instant::now() < deadline, "no popup opened");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// How many windows are open.
    pub async fn window_count(&self) -> usize {
        self.client.windows().await.expect("windows").len()
    }

    /// Switches to the tab `handle`, returning the one left.
    pub async fn switch_to(
        &self,
        handle: fantoccini::wd::WindowHandle,
    ) -> fantoccini::wd::WindowHandle {
        let previous = self.client.window().await.expect("current window");
        self.client
            .switch_to_window(handle)
            .await
            .expect("switch tab");
        previous
    }

    /// Marks the current document's memory, to tell later whether the page shown is
    /// that very document (kept, or restored from the back/forward cache) or a new one.
    pub async fn mark_page(&self) {
        self.eval("window.__e2e_mark = 1; return null;").await;
    }

    /// True when the current document still holds [`Browser::mark_page`]'s mark.
    pub async fn page_is_marked(&self) -> bool {
        self.eval("return window.__e2e_mark === 1;").await == serde_json::json!(true)
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    /// True when `css` matches an element right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// The console messages logged since the last call (chromedriver's log endpoint).
    ///
    /// # Panics
    /// In Firefox: geckodriver has no such endpoint, so a test that reads the console
    /// runs in Chromium only.
    pub async fn console(&self) -> Vec<String> {
        assert!(
            self.engine == Engine::Chromium,
            "the console is read through chromedriver: run this test in Chromium"
        );
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("browser log");
        entries
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs one Chrome DevTools Protocol command (`ServiceWorker.stopAllWorkers`, say)
    /// and returns its result.
    ///
    /// # Panics
    /// In Firefox (chromedriver's endpoint), or when the command fails.
    pub async fn devtools(&self, command: &str, params: serde_json::Value) -> serde_json::Value {
        assert!(
            self.engine == Engine::Chromium,
            "DevTools commands go through chromedriver: run this test in Chromium"
        );
        self.client
            .issue_cmd(DevTools {
                command: command.to_owned(),
                params,
            })
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"))
    }

    /// Ends the session and its browser (and Firefox's geckodriver).
    pub async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
    }

    /// The page's visible text, for failure messages.
    pub async fn page_text(&self) -> String {
        match self
            .client
            .execute("return document.body.innerText", vec![])
            .await
        {
            Ok(serde_json::Value::String(text)) => text,
            _ => String::new(),
        }
    }

    async fn url_now(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default()
    }
}

/// chromedriver's `POST /session/{id}/goog/cdp/execute`: one DevTools command.
#[derive(Debug)]
struct DevTools {
    command: String,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// chromedriver's `POST /session/{id}/se/log` for the browser console.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}
