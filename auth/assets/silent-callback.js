// leptos-pkce-auth's silent-callback page: posts the provider's answer (the query)
// to the window that framed this page, on this origin only. The app accepts it only
// from its own origin and from the very frame it made, then checks it like any
// login (state, iss, code exchange with PKCE, ID token).
if (window.parent !== window) {
  window.parent.postMessage(
    { type: 'leptos-pkce-silent-callback', query: window.location.search },
    window.location.origin,
  );
}
