//! The origins a token may go to: the allow-list of the service-worker mode. An entry
//! is an origin as a browser serializes it (`https://api.example`, `http://localhost:8081`),
//! written in the configuration; a request is admitted when its URL's origin is one of
//! them, compared after the same normalization on both sides (lower case, no default
//! port). Nothing else admits a request: no path prefixes, no wildcards, no
//! subdomains, so a token can never reach `https://api.example.evil` or
//! `https://api.example@evil`.

use crate::config::{check_provider_url, path_of, ConfigError};

/// The API origins tokens may be attached to, normalized.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApiOrigins(Vec<String>);

impl ApiOrigins {
    /// Reads the entries of the configuration's `field`: each must be an origin, https
    /// (http only on loopback), with no path (a lone `/` is taken), query, fragment or
    /// credentials.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for the first entry that is not such an origin.
    pub fn parse(field: &'static str, entries: &[&str]) -> Result<Self, ConfigError> {
        let mut origins = Vec::with_capacity(entries.len());
        for entry in entries {
            check_provider_url(field, entry)?;
            // No path: `path_of` reads none and a lone `/` alike.
            let origin = origin_of(entry).filter(|_| path_of(entry) == "/");
            let Some(origin) = origin else {
                return Err(ConfigError::Invalid {
                    field,
                    reason: "must list origins only (scheme, host and port, as in \
                             `https://api.example.com`), without a path",
                });
            };
            let host = origin.split_once("://").map_or("", |(_, host)| host);
            if host.starts_with('[') && !host.starts_with("[::1]") {
                // Browsers rewrite IPv6 literals to a canonical form this list would
                // have to reproduce exactly; only loopback's is certain.
                return Err(ConfigError::Invalid {
                    field,
                    reason: "may name an IPv6 host only as [::1]",
                });
            }
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        Ok(Self(origins))
    }

    /// Whether a request to `url` (absolute, as the browser hands it over) may carry a
    /// token: its origin is on the list.
    pub fn admits(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|origin| self.0.contains(&origin))
    }

    /// The origins, normalized.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// True when no origin is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The origin of an absolute http(s) URL as a browser serializes it: scheme and host
/// in lower case, the port only when it is not the scheme's default. `None` for any
/// other scheme, an empty host, credentials, a backslash or space in the host part,
/// or a port that is not a number up to 65535.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains(['@', '\\', ' ']) {
        return None;
    }
    let authority = authority.to_ascii_lowercase();
    let (host, port) = match authority.rfind(':') {
        // A colon inside brackets belongs to an IPv6 address, not to a port.
        Some(at) if !authority[at..].contains(']') => (&authority[..at], &authority[at + 1..]),
        _ => (authority.as_str(), ""),
    };
    // A colon left in the host is a second port (`a.example:1:2`), one outside an
    // IPv6 literal's brackets, or text after them: no browser reads those.
    let bracketed = host.starts_with('[') && host.ends_with(']');
    let stray_colon = host.contains(':') && !bracketed;
    if host.is_empty()
        || stray_colon
        || (host.starts_with('[') && !bracketed)
        || !port.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let port = match port {
        "" => None,
        digits => Some(digits.parse::<u16>().ok()?),
    };
    Some(match port {
        Some(port) if port.to_string() != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> ApiOrigins {
        ApiOrigins::parse("api_origins", entries).unwrap()
    }

    #[test]
    fn an_entry_is_normalized_as_a_browser_serializes_an_origin() {
        let origins = list(&[
            "https://API.Example.com/",
            "https://api.example.com:443",
            "http://localhost:8081",
            "https://[::1]:9443",
        ]);
        assert_eq!(
            origins.iter().collect::<Vec<_>>(),
            [
                "https://api.example.com",
                "http://localhost:8081",
                "https://[::1]:9443"
            ]
        );
    }

    #[test]
    fn only_the_listed_origins_are_admitted_whatever_the_path() {
        let origins = list(&["https://api.example.com", "http://localhost:8081"]);
        for admitted in [
            "https://api.example.com/orders?id=1",
            "https://API.example.com:443/",
            "http://localhost:8081/x",
        ] {
            assert!(origins.admits(admitted), "{admitted}");
        }
        for refused in [
            "https://api.example.com.evil.example/",
            "https://api.example.com@evil.example/",
            "https://evil.example/@api.example.com",
            "https://evil.example/https://api.example.com",
            "http://api.example.com/",
            "https://api.example.com:8443/",
            "https://sub.api.example.com/",
            "http://localhost:8082/",
            "http://localhost/",
            "ws://api.example.com/",
            "https://evil.example\\@api.example.com/",
            "/relative/path",
            "",
        ] {
            assert!(!origins.admits(refused), "{refused}");
        }
    }

    #[test]
    fn an_entry_with_a_path_a_wildcard_or_plain_http_elsewhere_is_refused_by_name() {
        for bad in [
            "https://api.example.com/v1",
            "https://*.example.com",
            "http://api.example.com",
            "https://user@api.example.com",
            "https://api.example.com?x",
            "https://[0:0::1]",
            "api.example.com",
            "",
        ] {
            let error = ApiOrigins::parse("api_origins", &[bad]).unwrap_err();
            assert!(
                error.to_string().contains("`api_origins`"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn an_origin_is_read_from_a_url_with_its_default_port_dropped() {
        assert_eq!(
            origin_of("https://a.example:443/x").as_deref(),
            Some("https://a.example")
        );
        assert_eq!(
            origin_of("http://a.example:80").as_deref(),
            Some("http://a.example")
        );
        assert_eq!(
            origin_of("http://a.example:8080?q").as_deref(),
            Some("http://a.example:8080")
        );
        assert_eq!(
            origin_of("https://[::1]:443/").as_deref(),
            Some("https://[::1]")
        );
        assert_eq!(
            origin_of("https://[::1]/").as_deref(),
            Some("https://[::1]")
        );
        assert_eq!(origin_of("https://a.example:x/"), None);
        assert_eq!(origin_of("https://:443/"), None);
        // Found by fuzzing against the url crate: a second port was read as the host's.
        assert_eq!(origin_of("https://[::1]:9443:"), None);
        assert_eq!(origin_of("https://a.example:1:2/"), None);
        assert_eq!(origin_of("https://[::1]x:1/"), None);
        assert_eq!(origin_of("file:///etc/passwd"), None);
    }
}
