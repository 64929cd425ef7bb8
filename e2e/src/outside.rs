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

/// GETs `url` (`http://host:port/path`) and returns the body of a 200 answer; `None`
/// when the server cannot be reached (a restarting server) or answers otherwise.
pub fn get_text(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let ok = answer.split(' ').nth(1) == Some("200");
    let body = answer.split_once("\r\n\r\n")?.1.to_owned();
    ok.then_some(body)
}
