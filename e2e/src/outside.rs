//! A client outside the browser (plain HTTP from the test process, no key, no
//! cookies): what an attacker holding a copied token would have.

use std::io::{Read, Write};

/// Sends one HTTP/1.1 request to `origin` (`http://host:port`) and returns the status
/// and body.
///
/// # Panics
/// When the server cannot be reached or answers something that is not HTTP.
pub fn request(
    origin: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let host = origin.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("server reachable");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not HTTP: {answer}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}
