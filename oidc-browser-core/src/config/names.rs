//! The names this library writes under in the browser, all derived from the
//! configured storage prefix, so two apps on one origin never share a key, a lock, a
//! channel or a database.

/// Every browser-side name of one app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageNames {
    prefix: String,
}

impl StorageNames {
    /// The names under `prefix` (see `storage_prefix` in the configuration).
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
        }
    }

    /// The start of every login transaction's sessionStorage key.
    pub fn transaction_prefix(&self) -> String {
        format!("{}.tx.", self.prefix)
    }

    /// The sessionStorage key of the login transaction with this `state`.
    pub fn transaction_key(&self, state: &str) -> String {
        format!("{}{state}", self.transaction_prefix())
    }

    /// The Web Lock that serializes refreshes across tabs.
    pub fn refresh_lock(&self) -> String {
        format!("{}.refresh", self.prefix)
    }

    /// The Web Lock under which the DPoP key is read or made (one key for all tabs).
    pub fn dpop_key_lock(&self) -> String {
        format!("{}.dpop-key", self.prefix)
    }

    /// The BroadcastChannel that tells the app's other tabs about a sign-out.
    pub fn channel(&self) -> String {
        format!("{}.auth", self.prefix)
    }

    /// The IndexedDB database of the refresh token (with `indexed_db`). Suffixed like
    /// every other name: the bare prefix would be another app's name when that app's
    /// prefix is this one's plus `.dpop` (its token database and this app's DPoP
    /// database were one).
    pub fn database(&self) -> String {
        format!("{}.tokens", self.prefix)
    }

    /// The token worker's IndexedDB database: the logins it started, waiting for
    /// their answer (`token_mediation`).
    pub fn worker_database(&self) -> String {
        format!("{}.worker", self.prefix)
    }

    /// The IndexedDB database of the DPoP key pair (a `CryptoKey` that cannot be
    /// exported), with `dpop` on.
    pub fn dpop_database(&self) -> String {
        format!("{}.dpop", self.prefix)
    }

    /// The sessionStorage key of the logins this tab finished (their spent `state`
    /// and where they landed), so a provider's replay on Back is recognised.
    pub fn spent_logins(&self) -> String {
        format!("{}.spent", self.prefix)
    }

    /// The localStorage key of the non-secret "signed in here before" hint: a
    /// silent sign-in is tried after a reload only when it is there.
    pub fn signed_in_hint(&self) -> String {
        format!("{}.signed-in", self.prefix)
    }

    /// The sessionStorage key marking that this tab already tried a top-level silent
    /// sign-in (so it never loops).
    pub fn silent_redirect_tried(&self) -> String {
        format!("{}.silent-redirect", self.prefix)
    }

    /// The localStorage key marking a sign-out whose refresh token is not known to be
    /// forgotten yet: the next page load finishes it before restoring anything.
    pub fn sign_out_pending(&self) -> String {
        format!("{}.sign-out-pending", self.prefix)
    }

    /// The sessionStorage key marking that this tab reloaded once onto a new version
    /// of the token worker (so it never reloads twice in a row).
    pub fn worker_reload(&self) -> String {
        format!("{}.worker-reload", self.prefix)
    }

    /// The sessionStorage key marking that this tab reloads because its page was
    /// loaded past the token worker (a Shift+Reload): read and removed at the next
    /// start.
    pub fn worker_passed_over(&self) -> String {
        format!("{}.worker-passed-over", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_carries_the_prefix() {
        let names = StorageNames::new("leptos-pkce.spa");
        assert_eq!(names.transaction_key("abc"), "leptos-pkce.spa.tx.abc");
        assert_eq!(names.refresh_lock(), "leptos-pkce.spa.refresh");
        assert_eq!(names.channel(), "leptos-pkce.spa.auth");
        assert_eq!(names.database(), "leptos-pkce.spa.tokens");
    }

    fn all(n: &StorageNames) -> [String; 13] {
        [
            n.transaction_key("s"),
            n.refresh_lock(),
            n.dpop_key_lock(),
            n.channel(),
            n.database(),
            n.dpop_database(),
            n.worker_database(),
            n.spent_logins(),
            n.signed_in_hint(),
            n.silent_redirect_tried(),
            n.sign_out_pending(),
            n.worker_reload(),
            n.worker_passed_over(),
        ]
    }

    #[test]
    fn two_prefixes_share_no_name() {
        // Unrelated prefixes, and one that extends the other by a name's suffix.
        for (a, b) in [
            ("app", "example"),
            ("P", "P.dpop"),
            ("P", "P.tokens"),
            ("P", "P.spent"),
            ("P", "P.worker"),
        ] {
            let (a, b) = (StorageNames::new(a), StorageNames::new(b));
            for name in all(&a) {
                assert!(!all(&b).contains(&name), "{name}");
                assert!(!name.starts_with(&b.transaction_prefix()), "{name}");
            }
            for name in all(&b) {
                assert!(!all(&a).contains(&name), "{name}");
            }
        }
    }

    #[test]
    fn one_apps_names_are_all_different() {
        let names = all(&StorageNames::new("app"));
        for (i, name) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(name), "{name}");
        }
    }
}
