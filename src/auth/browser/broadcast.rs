//! Telling the app's other tabs that the user signed out, with a BroadcastChannel.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL: &str = "leptos-pkce.auth";
const SIGNED_OUT: &str = "signed-out";

/// Tells the other tabs of this origin that the user signed out.
pub fn announce_sign_out() {
    if let Ok(channel) = BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&SIGNED_OUT.into());
        channel.close();
    }
}

/// Calls `on_sign_out` whenever another tab announces a sign-out, for the page's life.
pub fn on_sign_out_elsewhere(on_sign_out: impl Fn() + 'static) {
    let Ok(channel) = BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let listener = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if event.data().as_string().as_deref() == Some(SIGNED_OUT) {
            on_sign_out();
        }
    });
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    // Both live as long as the page: the channel must keep listening.
    listener.forget();
    std::mem::forget(channel);
}
