//! `cargo xtask dev`: the local provider and `trunk serve`, until Ctrl-C; `cargo
//! xtask idp`: the provider alone, for an app of your own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::paths::command;
use crate::service::Service;
use crate::setup;

/// Sets up, starts both servers, prints how to sign in, and stops both on Ctrl-C.
pub fn run() -> Result<(), String> {
    setup::for_build()?;
    let stop = ctrl_c_flag()?;
    let mut provider = start_provider()?;
    println!("\n==> building the app and starting trunk serve (the first build takes minutes)");
    let mut trunk = Service::start(
        "trunk serve",
        command("trunk").args([
            "serve",
            "--offline",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
        ]),
        8080,
        None,
    )?;
    println!("\n  App:       http://127.0.0.1:8080/\n  Provider:  http://127.0.0.1:4000/ (client spa-dev)\n{USERS}\n  Press Ctrl-C to stop both.\n");
    run_until_stopped(&stop, &mut [&mut provider, &mut trunk])?;
    println!("\nstopping the provider and trunk serve");
    Ok(())
}

/// A flag Ctrl-C sets.
fn ctrl_c_flag() -> Result<Arc<AtomicBool>, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    Ok(stop)
}

/// Waits until `stop` is set; a service that stops on its own first is a failure.
fn run_until_stopped(stop: &AtomicBool, services: &mut [&mut Service]) -> Result<(), String> {
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(200));
        for service in services.iter_mut() {
            // Ctrl-C reaches the servers too; only a stop without it is a failure.
            if !service.is_running() && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(300));
                if !stop.load(Ordering::SeqCst) {
                    return Err(format!("{} stopped unexpectedly", service.name()));
                }
            }
        }
    }
    Ok(())
}

/// The test users, as printed.
const USERS: &str = "\n  Test users (username / password):\
    \n    ada      / ada-password       Ada Lovelace\
    \n    grace    / grace-password     Grace Hopper\
    \n    octocat  / octocat-password   The Octocat (\"Sign in with GitHub\")\n";

/// The local provider on port 4000 (its npm packages installed first by the caller).
/// `DEVIDP_APP_ORIGINS` in the environment reaches it: origins added to the ones it
/// accepts redirects to.
fn start_provider() -> Result<Service, String> {
    Service::start(
        "identity provider",
        command("node")
            .arg("server.js")
            .current_dir(crate::paths::root().join("devidp")),
        4000,
        None,
    )
}

/// `cargo xtask idp`: the local provider alone, until Ctrl-C, for an app of your own
/// (its origin registered with `DEVIDP_APP_ORIGINS`).
pub fn provider_only() -> Result<(), String> {
    setup::for_provider()?;
    let stop = ctrl_c_flag()?;
    let mut provider = start_provider()?;
    let extra = std::env::var("DEVIDP_APP_ORIGINS").unwrap_or_default();
    println!(
        "\n  Provider:  http://127.0.0.1:4000/ (client spa-dev)\n\
         \n  It accepts redirects to /callback, /silent-callback.html and /example/auth/callback on\
         \n  127.0.0.1:8080, localhost:8080, the test ports{}{}.\
         \n  Another app origin: DEVIDP_APP_ORIGINS=http://127.0.0.1:3000 cargo xtask idp\n{USERS}\n  Press Ctrl-C to stop it.\n",
        if extra.is_empty() { "" } else { " and " },
        extra
    );
    run_until_stopped(&stop, &mut [&mut provider])?;
    println!("\nstopping the provider");
    Ok(())
}
