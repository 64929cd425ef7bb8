// The provider's own login and consent pages: plain HTML forms a browser (and a
// WebDriver test) can fill. No web fonts; one line of script submits the logout form.

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function layout(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · local identity provider</title>
<style>
body{font-family:system-ui,sans-serif;background:#eef0f6;margin:0;padding:2rem 1rem;color:#1b1e2b}
main{max-width:24rem;margin:0 auto;background:#fff;border-radius:10px;padding:1.5rem 2rem;box-shadow:0 2px 8px #0002}
h1{font-size:1.4rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}
button{font:inherit;font-weight:600;padding:.55rem 1rem;margin:1rem .5rem 0 0;border-radius:8px;border:1px solid #999;cursor:pointer}
button.primary{background:#4338ca;color:#fff;border-color:#4338ca}
.error{background:#fdecec;color:#8a1c1c;padding:.5rem .75rem;border-radius:8px}
.note{color:#5b6275;font-size:.9rem}
</style></head><body><main>${body}</main></body></html>`;
}

export function loginPage({
  uid, clientId, connection, error, login = '', organization, invitation,
}) {
  const github = connection === 'github';
  const title = github ? 'Sign in with GitHub' : 'Sign in';
  return layout(title, `
<h1>${escape(title)}</h1>
<p class="note">to <strong>${escape(clientId)}</strong> on the local development provider${
  github ? ' (the <code>github</code> connection, simulated locally)' : ''}.</p>
${invitation ? `<p class="note" data-testid="invitation">Invitation ${escape(invitation)} to join ${
  escape(organization || 'an organization')}.</p>` : ''}
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="login">${github ? 'GitHub username' : 'Username'}</label>
  <input id="login" name="login" value="${escape(login)}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" required>
  <button class="primary" type="submit" id="submit">Sign in</button>
  <a href="/interaction/${escape(uid)}/abort">Cancel</a>
</form>`);
}

export function otpPage({ uid, error }) {
  return layout('Second factor', `
<h1>Confirm it's you</h1>
<p class="note">The app asks for a second factor. Enter the one-time code of your authenticator.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/otp" autocomplete="off">
  <label for="otp">One-time code</label>
  <input id="otp" name="otp" inputmode="numeric" required autofocus>
  <button class="primary" type="submit" id="verify">Verify</button>
  <a href="/interaction/${escape(uid)}/abort">Cancel</a>
</form>`);
}

export function consentPage({ uid, clientId, scopes }) {
  return layout('Authorize', `
<h1>Authorize ${escape(clientId)}</h1>
<p>The app asks for:</p>
<ul>${scopes.map((s) => `<li>${escape(s)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${escape(uid)}/consent">
  <button class="primary" type="submit" name="decision" value="allow" id="allow">Allow</button>
  <button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>`);
}

export function logoutPage(form) {
  // Submitted at once, as Auth0's logout does: the app already asked for it.
  return layout('Signing out', `<h1>Signing out…</h1>${form}
<noscript><button form="op.logoutForm" name="logout" value="yes">Sign out</button></noscript>
<script>document.forms[0].insertAdjacentHTML('beforeend','<input type="hidden" name="logout" value="yes">');document.forms[0].submit()</script>`);
}
