//! Telling the app's other tabs that the user signed out, with a BroadcastChannel.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

const SIGNED_OUT: &str = "signed-out";

/// Tells the app's other tabs (those on `channel_name`) that the user signed out.
pub fn announce_sign_out(channel_name: &str) {
    if let Ok(channel) = BroadcastChannel::new(channel_name) {
        let _ = channel.post_message(&SIGNED_OUT.into());
        channel.close();
    }
}

/// Calls `on_sign_out` whenever another tab announces a sign-out, for the page's life.
pub fn on_sign_out_elsewhere(channel_name: &str, on_sign_out: impl Fn() + 'static) {
    let Ok(channel) = BroadcastChannel::new(channel_name) else {
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
