//! A new app made from the README's quick start as it stands (`xtask/src/quickstart.rs`
//! copies the code into a fresh crate and builds it), served with only a single-page
//! fallback (no silent-callback page copied), its origin registered at the local
//! provider with `DEVIDP_APP_ORIGINS` as the README says.

use crate::with_browser;
use e2e::provider::ProviderPages;

#[tokio::test]
async fn the_readme_quick_start_signs_in_stays_signed_in_and_signs_out() {
    with_browser(|browser, env| async move {
        let app = env.quickstart_app.clone();
        browser.goto(&format!("{app}/")).await;
        // Set-up: the server answers the silent page's path with the app itself.
        let silent_page = browser.fetch_text("/silent-callback.html").await;
        assert!(
            silent_page
                .as_deref()
                .is_some_and(|page| page.contains("<title>quick start</title>")),
            "set-up: no static silent-callback page, the app answers there: {silent_page:?}"
        );
        browser.wait_for_text("button", "Sign in").await;
        browser.click("button").await;
        ProviderPages::new(&browser, &env).sign_in().await;
        ProviderPages::new(&browser, &env).consent(true).await;
        let hello = browser.wait_for_text("p", "Hello, ").await;
        assert_eq!(hello, format!("Hello, {}", env.user_name));
        let url = browser.url().await;
        assert_eq!(
            url,
            format!("{app}/"),
            "back home, the code gone from the address bar"
        );

        // A reload: signed in again silently (tokens live in memory only), through the
        // app answering at silent_redirect_uri.
        browser.reload().await;
        let again = browser.wait_for_text("p", "Hello, ").await;
        assert_eq!(again, hello, "still signed in after a reload");

        // The protected route lets the signed-in user in.
        browser.goto(&format!("{app}/private")).await;
        browser
            .wait_for_text("body", "Only for signed-in users")
            .await;

        // Sign out: back at the app, signed out, and a reload keeps it so.
        browser.goto(&format!("{app}/")).await;
        browser.wait_for_text("button", "Sign out").await;
        browser.click("button").await;
        browser.wait_for_text("button", "Sign in").await;
        assert!(browser.url().await.starts_with(&app), "back at the app");
        browser.reload().await;
        browser.wait_for_text("button", "Sign in").await;
        assert!(
            !browser.exists("p").await || !browser.text_of("body").await.contains("Hello"),
            "nobody signed in after the reload"
        );
    })
    .await;
}
