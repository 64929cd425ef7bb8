//! The form encoding: whatever pairs are encoded decode to exactly those pairs, and a
//! set the decoder refuses (a repeated name, too many) is refused every time.
#![no_main]

use std::collections::HashSet;

use oidc_browser_core::form::{encode_pairs, QueryParams, MAX_PARAMS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|pairs: Vec<(String, String)>| {
    let encoded = encode_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let mut names = HashSet::new();
    let distinct = pairs.iter().all(|(name, _)| names.insert(name.as_str()));
    match QueryParams::parse(&encoded) {
        Ok(parsed) => {
            assert!(distinct && pairs.len() <= MAX_PARAMS, "refusable set accepted");
            let decoded: Vec<(&str, &str)> = parsed.iter().collect();
            let expected: Vec<(&str, &str)> =
                pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            assert_eq!(decoded, expected, "parse(encode(x)) != x");
        }
        Err(_) => assert!(
            !distinct || pairs.len() > MAX_PARAMS,
            "a valid set of pairs was refused"
        ),
    }
});
