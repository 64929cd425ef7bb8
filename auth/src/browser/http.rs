//! HTTP with fetch (gloo-net): discovery, keys, the token endpoint, and calls with
//! the access token.

use gloo_net::http::{Request, RequestBuilder, Response};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, RequestCache, RequestCredentials, RequestRedirect,
};

use crate::error::BrowserError;
use oidc_browser_core::secret::AccessToken;
use oidc_browser_core::token::MAX_RESPONSE_BYTES;

thread_local! {
    /// How long a request may take before the app gives up and says so: the
    /// configuration's `http_timeout_secs` (the login transaction's at the callback,
    /// before the configuration is loaded).
    static TIMEOUT_MS: std::cell::Cell<u32> = const { std::cell::Cell::new(20_000) };
}

/// Sets the request timeout for this page (`http_timeout_secs`).
pub fn set_timeout_secs(secs: u32) {
    TIMEOUT_MS.with(|t| t.set(secs.saturating_mul(1000)));
}

/// The most a discovery document or key set may weigh (real ones are a few KB).
pub const MAX_METADATA_BYTES: usize = 256 * 1024;

/// The most a userinfo or API answer may weigh.
pub const MAX_API_BYTES: usize = 1024 * 1024;

/// An HTTP answer: status and body text. No `Debug`: a token endpoint's body holds
/// tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body as text.
    pub body: String,
    /// The `WWW-Authenticate` header, when the server sent one and let the page read
    /// it (CORS `Access-Control-Expose-Headers`).
    pub www_authenticate: Option<String>,
    /// The `DPoP-Nonce` header (RFC 9449), likewise.
    pub dpop_nonce: Option<String>,
}

fn origin(url: &str) -> String {
    url.split('/').take(3).collect::<Vec<_>>().join("/")
}

fn failure(url: &str, signal: &AbortSignal) -> BrowserError {
    // gloo's message adds nothing a user can act on; the origin says where.
    let origin = origin(url);
    if signal.aborted() {
        BrowserError::Timeout(origin)
    } else {
        BrowserError::Network(origin)
    }
}

/// Sends a request, giving up after the configured timeout, and reads the answer up
/// to `cap` bytes: an answer that says it is larger is refused before its body is
/// read, and one that turns out larger is cut off there (a hostile server could
/// otherwise stream hundreds of megabytes within the timeout).
fn send(
    url: &str,
    request: RequestBuilder,
    body: Option<String>,
    cap: usize,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<HttpResponse, BrowserError>>>> {
    // Boxed: every request of the library goes through here, and one compiled state
    // machine serves them all instead of a copy inlined into each caller.
    let url = url.to_owned();
    Box::pin(async move { send_now(&url, request, body, cap).await })
}

async fn send_now(
    url: &str,
    request: RequestBuilder,
    body: Option<String>,
    cap: usize,
) -> Result<HttpResponse, BrowserError> {
    let signal = AbortSignal::timeout_with_u32(TIMEOUT_MS.with(std::cell::Cell::get));
    let request = request.abort_signal(Some(&signal));
    let request = match body {
        Some(body) => request.body(body),
        None => request.build(),
    }
    .map_err(|_| failure(url, &signal))?;
    let response = request.send().await.map_err(|_| failure(url, &signal))?;
    let status = response.status();
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|length| length.trim().parse::<u64>().ok());
    if declared.is_some_and(|length| length > cap as u64) {
        if let Some(stream) = response.body() {
            let _ = stream.cancel();
        }
        return Err(BrowserError::TooLarge(origin(url)));
    }
    let www_authenticate = response.headers().get("www-authenticate");
    let dpop_nonce = response.headers().get("dpop-nonce");
    let body = read_capped(&response, cap)
        .await
        .map_err(|error| error.unwrap_or_else(|| failure(url, &signal)))?;
    Ok(HttpResponse {
        status,
        body,
        www_authenticate,
        dpop_nonce,
    })
}

/// The body, read chunk by chunk and given up past `cap` bytes (`Err(Some(..))`);
/// `Err(None)` when reading fails.
async fn read_capped(response: &Response, cap: usize) -> Result<String, Option<BrowserError>> {
    let Some(stream) = response.body() else {
        return Ok(String::new());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| None)?;
        let done = Reflect::get(&chunk, &"done".into()).map_err(|_| None)?;
        if done.as_bool() == Some(true) {
            break;
        }
        let value: Uint8Array = Reflect::get(&chunk, &"value".into())
            .map_err(|_| None)?
            .dyn_into()
            .map_err(|_| None)?;
        if bytes.len() + value.length() as usize > cap {
            let _ = reader.cancel();
            return Err(Some(BrowserError::TooLarge(origin(&response.url()))));
        }
        bytes.extend(value.to_vec());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// GETs `url` without cookies, with `Authorization: Bearer` when a token is given;
/// reads at most `cap` bytes of the answer.
///
/// # Errors
/// [`BrowserError::Network`] or [`BrowserError::Timeout`] when no answer arrives,
/// [`BrowserError::TooLarge`] past `cap`.
pub async fn get(
    url: &str,
    bearer: Option<&AccessToken>,
    cap: usize,
) -> Result<HttpResponse, BrowserError> {
    let mut request = Request::get(url).credentials(RequestCredentials::Omit);
    if let Some(token) = bearer {
        request = request.header("Authorization", &format!("Bearer {}", token.secret()));
    }
    send(url, request, None, cap).await
}

/// GETs `url` from the server itself, without cookies: the browser's HTTP cache is
/// neither read nor trusted (the answer replaces what it held). For a key set that
/// lacks a `kid` the provider signs with: providers serve key sets with
/// `Cache-Control: max-age` (an hour and more), and a rotation must be seen at once.
///
/// # Errors
/// As [`get`].
pub async fn get_from_server(url: &str, cap: usize) -> Result<HttpResponse, BrowserError> {
    let request = Request::get(url)
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::Reload);
    send(url, request, None, cap).await
}

/// Calls an API: `method` on `url` with the access token (`Authorization: Bearer`, or
/// `Authorization: DPoP` with the `DPoP` proof when one is given; none with the token
/// worker, which attaches it), and `body` with its content type when given; without
/// cookies; reads at most [`MAX_API_BYTES`].
///
/// # Errors
/// As [`get`].
pub async fn call(
    method: &str,
    url: &str,
    token: Option<&AccessToken>,
    dpop_proof: Option<&str>,
    body: Option<(&str, String)>,
) -> Result<HttpResponse, BrowserError> {
    let mut request = match method {
        "POST" => Request::post(url),
        "PUT" => Request::put(url),
        "PATCH" => Request::patch(url),
        "DELETE" => Request::delete(url),
        _ => Request::get(url),
    }
    .credentials(RequestCredentials::Omit);
    request = match (token, dpop_proof) {
        (Some(token), Some(proof)) => request
            .header("Authorization", &format!("DPoP {}", token.secret()))
            .header("DPoP", proof),
        (Some(token), None) => {
            request.header("Authorization", &format!("Bearer {}", token.secret()))
        }
        (None, _) => request,
    };
    let text = match body {
        Some((content_type, text)) => {
            request = request.header("Content-Type", content_type);
            Some(text)
        }
        None => None,
    };
    send(url, request, text, MAX_API_BYTES).await
}

/// POSTs a form-encoded body (a token request, a revocation), without cookies, with a
/// DPoP proof when given, and never to another address: a redirect is a failure (a
/// token endpoint that redirects would carry the code, the verifier or a refresh
/// token to wherever it points); reads at most
/// [`MAX_RESPONSE_BYTES`] of the answer.
///
/// # Errors
/// [`BrowserError::Network`] or [`BrowserError::Timeout`] when no answer arrives,
/// [`BrowserError::TooLarge`] past the cap.
pub async fn post_form(
    url: &str,
    body: String,
    dpop_proof: Option<&str>,
) -> Result<HttpResponse, BrowserError> {
    let mut request = Request::post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Error);
    if let Some(proof) = dpop_proof {
        request = request.header("DPoP", proof);
    }
    send(url, request, Some(body), MAX_RESPONSE_BYTES).await
}
