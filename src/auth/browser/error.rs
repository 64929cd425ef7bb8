//! Failures of the browser itself, as opposed to the protocol.

/// A browser facility failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// sessionStorage is missing or blocked (some private modes, disabled storage).
    #[error("this browser does not allow the app to store data for this tab (sessionStorage is unavailable); sign-in needs it")]
    StorageUnavailable,
    /// Writing to storage failed, typically because it is full.
    #[error("the browser refused to store the sign-in data (storage full?)")]
    StorageWrite,
    /// No cryptographically secure random source.
    #[error("this browser has no secure random number generator")]
    Random,
    /// A network request failed before an answer arrived.
    #[error("the network request to {0} failed; check your connection and try again")]
    Network(String),
    /// A network request got no answer in time.
    #[error("the request to {0} timed out; please try again")]
    Timeout(String),
    /// The page could not be sent to another address.
    #[error("the browser refused to navigate")]
    Navigation,
}
