//! Split points: code the first page does not need, loaded from its own wasm chunk
//! the first time it is called.
//!
//! A function declared with [`lazy_fn!`](crate::lazy_fn) becomes `async` and returns
//! `Result<T, LoadError>`. In a build with `--cfg leptos_pkce_split` (the release
//! build of `cargo xtask build`, which then runs the splitter on the module) its body
//! lives in a separate chunk, fetched on the first call or by its preload function.
//! In every other build (`trunk serve`, the tests) the same body runs from the one
//! module and the call never fails: the same code, unsplit.
//!
//! Why not Leptos's `#[lazy]`: it always emits the split imports under `csr`, so a
//! module that was not run through the splitter cannot start (no dev build, no
//! `trunk serve`), and it panics when a chunk cannot be fetched; here a failed load is
//! an error the app shows (offline, or a new deploy replaced the chunk).

/// A chunk could not be fetched or instantiated (offline, or a new version of the app
/// was deployed and the old chunk is gone). Reloading the page loads the new version.
pub use leptos::wasm_split::SplitLoaderError as LoadError;

#[doc(hidden)]
pub use leptos::wasm_split as __wasm_split;

/// How long a chunk may take to arrive before the work that needs it gives up (as a
/// failed load): the loader's own `fetch` has no time limit, and a stalled download
/// must end in a message, never a page that waits forever.
pub const LOAD_TIMEOUT_MS: i32 = 30_000;

/// Awaits `load` (a call of a [`lazy_fn!`](crate::lazy_fn) function, or its preload)
/// for at most [`LOAD_TIMEOUT_MS`]: `None` when the chunk failed to load or did not
/// arrive in time. A late chunk then runs nothing; a later call loads it again.
pub async fn in_time<T>(
    load: impl std::future::Future<Output = Result<T, LoadError>>,
) -> Option<T> {
    use std::future::Future;
    use std::task::Poll;
    let timer = js_sys::Promise::new(&mut |resolve: js_sys::Function, _| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, LOAD_TIMEOUT_MS);
        }
    });
    let mut timer = std::pin::pin!(wasm_bindgen_futures::JsFuture::from(timer));
    let mut load = std::pin::pin!(load);
    std::future::poll_fn(|cx| {
        if let Poll::Ready(loaded) = load.as_mut().poll(cx) {
            return Poll::Ready(loaded.ok());
        }
        if timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(None);
        }
        Poll::Pending
    })
    .await
}

/// [`in_time`] for the library's own work: a chunk that failed or did not arrive is
/// [`crate::error::BrowserError::ChunkUnavailable`].
pub(crate) async fn needed<T>(
    load: impl std::future::Future<Output = Result<T, LoadError>>,
) -> Result<T, crate::error::BrowserError> {
    in_time(load)
        .await
        .ok_or(crate::error::BrowserError::ChunkUnavailable)
}

/// What a lazily loaded async body returns: its future, boxed (a split function itself
/// cannot be `async`).
pub type Boxed<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// Declares a function whose body is loaded lazily, and its preload function.
///
/// As the demo app declares its API page (`src/pages/lazy.rs`, where CI compiles it;
/// a test keeps this copy the same):
///
/// ```ignore
/// lazy_fn! {
///     chunk api_page, preload preload_api_page;
///     fn api_view() -> AnyView {
///         view! { <ApiPage/> }.into_any()
///     }
/// }
/// ```
///
/// Then `api_view().await` is a `Result<AnyView, LoadError>`, and
/// `preload_api_page().await` fetches the chunk ahead of need.
///
/// The function takes owned arguments and may not be generic or `async`; to load
/// async code, return a boxed future and await it after the call.
#[macro_export]
macro_rules! lazy_fn {
    (
        chunk $chunk:ident, preload $preload:ident;
        $(#[$meta:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block
    ) => {
        #[cfg(leptos_pkce_split)]
        #[$crate::lazy::__wasm_split::wasm_split(
            $chunk,
            wasm_split_path = $crate::lazy::__wasm_split,
            preload(#[allow(dead_code)] $preload),
            fallible
        )]
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::lazy::LoadError> {
            // `fallible`: the wrapper returns the load error through this type.
            ::core::result::Result::Ok($body)
        }

        #[cfg(not(leptos_pkce_split))]
        $(#[$meta])*
        $vis async fn $name($($arg: $ty),*) -> ::core::result::Result<$ret, $crate::lazy::LoadError> {
            ::core::result::Result::Ok($body)
        }

        /// Fetches the chunk of
        #[doc = concat!("`", stringify!($name), "`")]
        /// ahead of its first call (nothing to fetch in an unsplit build).
        #[cfg(not(leptos_pkce_split))]
        #[allow(dead_code)]
        $vis async fn $preload() -> ::core::result::Result<(), $crate::lazy::LoadError> {
            ::core::result::Result::Ok(())
        }
    };
}
