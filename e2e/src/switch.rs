//! A deployment between sign-in and callback: the switch app's config.json rewritten
//! on disk while the user is at the provider, and put back however the test ends.

use crate::Env;

/// The switch app's configuration, changed until this guard drops.
pub struct ConfigSwitch {
    path: String,
    original: String,
}

impl ConfigSwitch {
    /// Replaces `from` with `to` in the switch app's config.json. Panics when `from` is
    /// not there: a test whose set-up did not take effect proves nothing.
    pub fn replace(env: &Env, from: &str, to: &str) -> Self {
        let path = env.switch_config.clone();
        let original = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(original.contains(from), "{path} has no {from}");
        std::fs::write(&path, original.replace(from, to)).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self { path, original }
    }
}

impl Drop for ConfigSwitch {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.path, &self.original);
    }
}
