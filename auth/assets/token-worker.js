// leptos-pkce-auth's token worker: the service worker that keeps the tokens out of
// the page ("token_mediation": "service_worker"). Served from the app's root, beside
// index.html, with token-worker-glue.js and token-worker-glue_bg.wasm (built from the
// leptos-pkce-token-worker crate). Every decision is in the wasm, on the same protocol
// core as the page; this script only hands it the events, because a browser takes a
// service worker's handlers only while its script first runs, before any wasm is ready.
'use strict';

importScripts('./token-worker-glue.js');

const worker = wasm_bindgen;
let loaded = false;
const loading = worker({ module_or_path: './token-worker-glue_bg.wasm' }).then(() => {
  loaded = true;
  // Reads config.json and the providers' metadata now, so the first request waits
  // for nothing; a failure is said here and tried again at the next event.
  worker.ready().catch((reason) => console.error('leptos-pkce token worker:', String(reason)));
});

// A new version takes over at once (its memory starts empty: the pages then restore
// their sessions through it), and controls the pages already open.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  // Only a page or worker of this origin's own (the wasm checks its URL too).
  if (!(event.source instanceof Client)) return;
  event.waitUntil(loading.then(() => worker.onMessage(event.source, event.data)));
});

// What a request gets when the wasm cannot decide (it failed to load or trapped): a
// provider's answer still never loads as a page (the rule of the core's
// mediation::navigation::carries_answer, kept here because the wasm is what failed);
// anything else goes as made, with no token (there is none outside the wasm). The
// wasm's refusals (a page's POST to the token endpoint) need the wasm: without it
// such a request goes out, and finds no token or code to carry.
function withoutWasm(request) {
  const url = new URL(request.url);
  const names = url.search.slice(1).split('&').map((pair) => pair.split('=')[0]);
  if (request.mode === 'navigate' && names.some((name) => ['code', 'error', 'response'].includes(name))) {
    return Response.redirect(url.origin + url.pathname, 303);
  }
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  let decision = 2;
  if (loaded) {
    try {
      decision = worker.decide(request.url, request.method, request.mode === 'navigate');
    } catch (error) {
      console.error('leptos-pkce token worker:', String(error));
      return event.respondWith(withoutWasm(request));
    }
  }
  if (decision === 0) return; // no token and nothing to guard: the browser sends it as made
  const answer = loading.then(() => worker.respond(request), () => withoutWasm(request));
  // A navigation the wasm failed on (a trap) still gets a page, without the answer.
  event.respondWith(request.mode === 'navigate' ? answer.catch(() => withoutWasm(request)) : answer);
});
