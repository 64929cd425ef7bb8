// leptos-pkce-auth's silent-callback page: posts the provider's answer (the query)
// to the window that framed this page (a silent sign-in) or opened it (a popup
// login), on this origin only. The app accepts it only from its own origin and from
// the very frame or popup it made, then checks it like any login (state, iss, code
// exchange with PKCE, ID token), and closes the popup.
const answer = { type: 'leptos-pkce-silent-callback', query: window.location.search };
if (window.parent !== window) {
  window.parent.postMessage(answer, window.location.origin);
} else if (window.opener && !window.opener.closed) {
  window.opener.postMessage(answer, window.location.origin);
}
