//! Telling the app's other tabs about sign-outs and sign-ins, with a BroadcastChannel.
//! One channel object per page and app both listens and announces: a BroadcastChannel
//! never delivers a message to the object that posted it, so a tab does not hear its
//! own sign-out (it would read as "you signed out in another tab"). A page with
//! several providers keeps one per provider's channel name.

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BroadcastChannel, MessageEvent};

use oidc_browser_core::session::session_event::SessionEvent;

thread_local! {
    /// The page's channels, one per app (name), open for the page's life once
    /// listening starts.
    static CHANNELS: RefCell<Vec<BroadcastChannel>> = const { RefCell::new(Vec::new()) };
}

/// Tells the app's other tabs (those on `channel_name`) about `event`.
pub fn announce(channel_name: &str, event: &SessionEvent) {
    let message = event.to_message();
    let posted = CHANNELS.with(|c| {
        c.borrow()
            .iter()
            .find(|channel| channel.name() == channel_name)
            .map(|channel| channel.post_message(&message.as_str().into()))
    });
    if posted.is_none() {
        if let Ok(channel) = BroadcastChannel::new(channel_name) {
            let _ = channel.post_message(&message.into());
            channel.close();
        }
    }
}

/// Calls `on_event` for every sign-out or sign-in another tab announces, for the
/// page's life. Messages of any other shape are ignored.
pub fn on_event_elsewhere(channel_name: &str, on_event: impl Fn(SessionEvent) + 'static) {
    let Ok(channel) = BroadcastChannel::new(channel_name) else {
        return;
    };
    let listener = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(event) = event
            .data()
            .as_string()
            .and_then(|m| SessionEvent::parse(&m))
        {
            on_event(event);
        }
    });
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    // The listener lives as long as the page; the channel is kept to announce with.
    listener.forget();
    CHANNELS.with(|c| {
        let mut channels = c.borrow_mut();
        channels.retain(|kept| kept.name() != channel.name());
        channels.push(channel);
    });
}
