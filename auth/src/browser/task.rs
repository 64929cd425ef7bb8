//! Starting a future now and collecting its result later, so independent requests
//! (token exchange, discovery, JWKS) run side by side instead of one after another.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// A future already running on the browser's event loop.
pub struct Task<T> {
    done: Promise,
    slot: Rc<RefCell<Option<T>>>,
}

/// Starts `future` on the event loop: a promise that settles once the outcome is in
/// the slot.
fn start<T: 'static>(
    future: impl Future<Output = T> + 'static,
) -> (Promise, Rc<RefCell<Option<T>>>) {
    let slot = Rc::new(RefCell::new(None));
    let writer = slot.clone();
    let done = future_to_promise(async move {
        *writer.borrow_mut() = Some(future.await);
        Ok(JsValue::UNDEFINED)
    });
    (done, slot)
}

impl<T: 'static> Task<T> {
    /// Starts `future` at once.
    pub fn spawn(future: impl Future<Output = T> + 'static) -> Self {
        let (done, slot) = start(future);
        Self { done, slot }
    }

    /// Waits for the result.
    pub async fn join(self) -> T {
        let _ = JsFuture::from(self.done).await;
        self.slot
            .borrow_mut()
            .take()
            .expect("a finished task has stored its result")
    }
}

/// A future already running, whose outcome every caller of [`SharedTask::join`]
/// gets: concurrent callers share one piece of work (one refresh request for a
/// double click, the timer and an API call at once).
pub struct SharedTask<T> {
    done: Promise,
    slot: Rc<RefCell<Option<T>>>,
}

impl<T> Clone for SharedTask<T> {
    fn clone(&self) -> Self {
        Self {
            done: self.done.clone(),
            slot: self.slot.clone(),
        }
    }
}

impl<T: Clone + 'static> SharedTask<T> {
    /// Starts `future` at once.
    pub fn spawn(future: impl Future<Output = T> + 'static) -> Self {
        let (done, slot) = start(future);
        Self { done, slot }
    }

    /// Waits for the outcome, shared with every other caller.
    pub async fn join(&self) -> T {
        let _ = JsFuture::from(self.done.clone()).await;
        self.slot
            .borrow()
            .clone()
            .expect("a finished task has stored its result")
    }

    /// The outcome if the work has finished, without waiting.
    pub fn outcome(&self) -> Option<T> {
        self.slot.borrow().clone()
    }

    /// Waits for the outcome at most `ms` milliseconds; `None` when it is not in by
    /// then (the work goes on, and a later [`SharedTask::join`] gets it).
    pub async fn join_within(&self, ms: u32) -> Option<T> {
        // The global's timer, not the window's: the token worker has no window.
        let timer = Promise::new(&mut |resolve: js_sys::Function, _| {
            super::global::call_in(&resolve, ms);
        });
        let first = Promise::race(&js_sys::Array::of2(&self.done, &timer));
        let _ = JsFuture::from(first).await;
        self.outcome()
    }
}
