//! Telling the app's other tabs that the user signed out, with a BroadcastChannel.
//! One channel object per page both listens and announces: a BroadcastChannel never
//! delivers a message to the object that posted it, so a tab does not hear its own
//! sign-out (it would read as "you signed out in another tab").

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

const SIGNED_OUT: &str = "signed-out";

thread_local! {
    /// The page's channel, open for the page's life once listening starts.
    static CHANNEL: RefCell<Option<BroadcastChannel>> = const { RefCell::new(None) };
}

/// Tells the app's other tabs (those on `channel_name`) that the user signed out.
pub fn announce_sign_out(channel_name: &str) {
    let posted = CHANNEL.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|channel| channel.name() == channel_name)
            .map(|channel| channel.post_message(&SIGNED_OUT.into()))
    });
    if posted.is_none() {
        if let Ok(channel) = BroadcastChannel::new(channel_name) {
            let _ = channel.post_message(&SIGNED_OUT.into());
            channel.close();
        }
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
    // The listener lives as long as the page; the channel is kept to announce with.
    listener.forget();
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}
