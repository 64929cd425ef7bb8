//! What can fail in the browser around the protocol (storage, randomness, the network,
//! navigation, a lazily loaded chunk). The host reports it; the core carries it (a
//! discovery or a transaction that failed this way) and says which of these failures
//! may pass. A leaf module, so the modules that carry it and the error that gathers
//! every step's ([`crate::error::ProtocolError`]) import it without importing each other.

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
    /// An answer larger than the app accepts for its kind (refused on its declared
    /// length, or cut off while reading).
    #[error("the answer from {0} is larger than this app accepts")]
    TooLarge(String),
    /// The page could not be sent to another address.
    #[error("the browser refused to navigate")]
    Navigation,
    /// A lazily loaded part of the app could not be fetched (offline, or a new version
    /// of the app replaced it).
    #[error("a part of the app could not be loaded; check your connection, or reload the page for the new version")]
    ChunkUnavailable,
}

impl BrowserError {
    /// True for a failure that may pass by itself (offline, a timeout, a part of the
    /// app that could not be fetched): worth trying again later.
    pub fn is_passing(&self) -> bool {
        matches!(
            self,
            Self::Network(_) | Self::Timeout(_) | Self::ChunkUnavailable
        )
    }
}
