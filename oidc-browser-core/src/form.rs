//! `application/x-www-form-urlencoded` encoding and strict decoding, for authorize URLs,
//! token request bodies and callback queries. Hand-written rather than pulling the
//! `url` crate (and its IDNA tables) into the wasm.

/// Why a query string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A `%` not followed by two hex digits.
    #[error("the parameter `{0}` has a malformed percent-escape")]
    BadEscape(String),
    /// Percent-escapes that do not decode to UTF-8.
    #[error("the parameter `{0}` is not valid UTF-8")]
    NotUtf8(String),
    /// A parameter that appears more than once (RFC 6749 section 3.1: parameters
    /// must not be included more than once), a classic way to smuggle a second `state`.
    #[error("the parameter `{0}` appears more than once")]
    Duplicate(String),
    /// More than [`MAX_PARAMS`] parameters: no answer of a provider has that many.
    #[error("the address has too many parameters")]
    TooMany,
}

/// The most parameters a query may have. A provider's answer has a handful; the cap
/// keeps a crafted link of millions from freezing the tab.
pub const MAX_PARAMS: usize = 64;

/// The protocol's parameter names, the only ones an error message repeats: any other
/// name came from whoever wrote the link, and is shown as "(another parameter)".
const KNOWN_NAMES: [&str; 8] = [
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "session_state",
    "scope",
];

fn shown_name(name: &str) -> String {
    if KNOWN_NAMES.contains(&name) {
        name.to_owned()
    } else {
        "(another parameter)".to_owned()
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, so a value can go
/// into a query string or a form body unchanged in meaning.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Joins `name=value` pairs with `&`, encoding both sides.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(name));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// Decoded query parameters, each name at most once.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Decodes a query string, with or without its leading `?`. Empty segments
    /// (`a=1&&b=2`) are skipped; a name without `=` has the empty value.
    ///
    /// Linear in the length of the query: at most [`MAX_PARAMS`] parameters, so the
    /// duplicate check stays bounded.
    ///
    /// # Errors
    /// A bad percent-escape, invalid UTF-8, a name that appears twice, or too many
    /// parameters. Messages name only the protocol's own parameters.
    pub fn parse(query: &str) -> Result<Self, QueryError> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut params: Vec<(String, String)> = Vec::new();
        for segment in query.split('&').filter(|s| !s.is_empty()) {
            if params.len() == MAX_PARAMS {
                return Err(QueryError::TooMany);
            }
            let (raw_name, raw_value) = segment.split_once('=').unwrap_or((segment, ""));
            let name = decode(raw_name).map_err(|e| e.for_param(raw_name))?;
            let value = decode(raw_value).map_err(|e| e.for_param(&name))?;
            if params.iter().any(|(n, _)| *n == name) {
                return Err(QueryError::Duplicate(shown_name(&name)));
            }
            params.push((name, value));
        }
        Ok(Self(params))
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every parameter, in the order of the query.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The value of `name` when present and not empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }
}

enum DecodeError {
    BadEscape,
    NotUtf8,
}

impl DecodeError {
    fn for_param(self, name: &str) -> QueryError {
        let name = shown_name(name);
        match self {
            Self::BadEscape => QueryError::BadEscape(name),
            Self::NotUtf8 => QueryError::NotUtf8(name),
        }
    }
}

fn decode(raw: &str) -> Result<String, DecodeError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|b| hex_value(*b));
                let lo = bytes.get(i + 2).and_then(|b| hex_value(*b));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(DecodeError::BadEscape),
                }
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii_characters() {
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
    }

    #[test]
    fn round_trips_through_parse() {
        let encoded = encode_pairs([("scope", "openid profile"), ("x", "1+1=2 & é")]);
        let params = QueryParams::parse(&encoded).unwrap();
        assert_eq!(params.get("scope"), Some("openid profile"));
        assert_eq!(params.get("x"), Some("1+1=2 & é"));
    }

    #[test]
    fn plus_decodes_to_space_and_leading_question_mark_is_optional() {
        let params = QueryParams::parse("?a=b+c&&flag").unwrap();
        assert_eq!(params.get("a"), Some("b c"));
        assert_eq!(params.get("flag"), Some(""));
        assert_eq!(params.non_empty("flag"), None);
    }

    #[test]
    fn empty_query_has_no_parameters() {
        assert_eq!(QueryParams::parse("").unwrap(), QueryParams::default());
        assert_eq!(QueryParams::parse("?").unwrap(), QueryParams::default());
    }

    #[test]
    fn rejects_bad_escapes() {
        for query in ["code=%", "code=%4", "code=%zz", "code=ab%g1"] {
            assert_eq!(
                QueryParams::parse(query),
                Err(QueryError::BadEscape("code".into())),
                "{query}"
            );
        }
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(
            QueryParams::parse("state=%ff%fe"),
            Err(QueryError::NotUtf8("state".into()))
        );
    }

    #[test]
    fn messages_repeat_only_the_protocols_own_names() {
        let shown = |query: &str| QueryParams::parse(query).unwrap_err().to_string();
        for query in [
            "Call_0800_SCAM=1&Call_0800_SCAM=2",
            "Call%200800%20SCAM=%zz",
            "Call_0800_SCAM=%ff",
        ] {
            let message = shown(query);
            assert!(!message.contains("SCAM"), "{query}: {message}");
            assert!(message.contains("(another parameter)"), "{message}");
        }
    }

    #[test]
    fn a_crafted_link_with_many_parameters_is_refused_quickly() {
        let at_cap: String = (0..MAX_PARAMS).map(|i| format!("p{i}=v&")).collect();
        assert_eq!(QueryParams::parse(&at_cap).unwrap().0.len(), MAX_PARAMS);
        let huge: String = (0..200_000).map(|i| format!("p{i}=v&")).collect();
        let started = std::time::Instant::now();
        assert_eq!(QueryParams::parse(&huge), Err(QueryError::TooMany));
        assert!(
            started.elapsed() < std::time::Duration::from_millis(100),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn rejects_duplicated_parameters_even_when_encoded_differently() {
        assert_eq!(
            QueryParams::parse("state=a&code=c&st%61te=b"),
            Err(QueryError::Duplicate("state".into()))
        );
    }
}
