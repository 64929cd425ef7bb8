//! `cargo xtask dev`: the local provider and `trunk serve`, until Ctrl-C.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::paths::command;
use crate::service::Service;
use crate::setup;

/// Sets up, starts both servers, prints how to sign in, and stops both on Ctrl-C.
pub fn run() -> Result<(), String> {
    setup::for_build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    let mut provider = Service::start(
        "identity provider",
        command("node")
            .arg("server.js")
            .current_dir(crate::paths::root().join("devidp")),
        4000,
        None,
    )?;
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
    println!(
        "\n  App:       http://127.0.0.1:8080/\n  Provider:  http://127.0.0.1:4000/ (client spa-dev)\n\
         \n  Test users (username / password):\
         \n    ada      / ada-password       Ada Lovelace\
         \n    grace    / grace-password     Grace Hopper\
         \n    octocat  / octocat-password   The Octocat (\"Sign in with GitHub\")\
         \n\n  Press Ctrl-C to stop both.\n"
    );
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(200));
        for service in [&mut provider, &mut trunk] {
            // Ctrl-C reaches the servers too; only a stop without it is a failure.
            if !service.is_running() && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(300));
                if !stop.load(Ordering::SeqCst) {
                    return Err(format!("{} stopped unexpectedly", service.name()));
                }
            }
        }
    }
    println!("\nstopping the provider and trunk serve");
    Ok(())
}
