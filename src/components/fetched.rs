//! A value loaded by an async function, shown when it arrives, loaded again on demand.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;

type Load<T> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = T>>>>;

/// What `load` answered, or `None` while a load is under way. A small stand-in for
/// `LocalResource`: this app needs no suspense, transitions or dependency tracking,
/// and each `LocalResource` type costs several KB of wasm. An answer that arrives
/// after a newer load started, or after the owner is gone, is dropped.
pub struct Fetched<T: 'static> {
    value: RwSignal<Option<T>, LocalStorage>,
    generation: StoredValue<u32>,
    load: StoredValue<Load<T>, LocalStorage>,
}

impl<T: 'static> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Fetched<T> {}

impl<T: Clone + 'static> Fetched<T> {
    /// Starts loading at once.
    pub fn new<F, Fut>(load: F) -> Self
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = T> + 'static,
    {
        let load: Load<T> = Box::new(move || Box::pin(load()));
        let this = Self {
            value: RwSignal::new_local(None),
            generation: StoredValue::new(0),
            load: StoredValue::new_local(load),
        };
        this.reload();
        this
    }

    /// The answer (tracked), `None` while loading.
    pub fn get(&self) -> Option<T> {
        self.value.get()
    }

    /// Loads again; the value is `None` until the new answer arrives.
    pub fn reload(&self) {
        let Some(generation) = self.generation.try_update_value(|g| {
            *g = g.wrapping_add(1);
            *g
        }) else {
            return;
        };
        self.value.try_set(None);
        let Some(future) = self.load.try_with_value(|load| load()) else {
            return;
        };
        let this = *self;
        spawn_local(async move {
            let answer = future.await;
            if this.generation.try_get_value() == Some(generation) {
                this.value.try_set(Some(answer));
            }
        });
    }
}
