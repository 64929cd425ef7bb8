// The baseline app: Auth0's React quickstart shape (Auth0Provider, useAuth0), showing
// the same pages as leptos-pkce with the same markup and the same stylesheet
// (style/main.css, copied by build.mjs), so both apps paint the same thing.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { Auth0Provider, useAuth0 } from '@auth0/auth0-react';

const STANDARD = ['sub', 'iss', 'aud', 'name', 'nickname', 'email', 'email_verified',
  'picture', 'azp', 'org_id', 'auth_time', 'iat', 'exp'];

function shortened(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= 96 ? text : `${text.slice(0, 95)}…`;
}

function claimRows(user) {
  const rest = Object.keys(user).filter((k) => !STANDARD.includes(k) && k !== 'nonce').sort();
  return [...STANDARD, ...rest].filter((k) => user[k] !== undefined).map((k) => [k, shortened(user[k])]);
}

function Avatar({ user, large }) {
  return <img className={large ? 'avatar large' : 'avatar'} src={user.picture} alt="" referrerPolicy="no-referrer" />;
}

function Header() {
  const { isAuthenticated, user, loginWithRedirect, logout } = useAuth0();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">Skip to content</a>
      <a href="/" className="brand">leptos-pkce</a>
      <nav aria-label="Main">
        <a href="/">Home</a>
        <a href="/profile">Profile</a>
        <a href="/userinfo">User info</a>
        <a href="/api">API</a>
      </nav>
      <div className="session" aria-live="polite">
        {isAuthenticated ? (
          <>
            <span className="user"><Avatar user={user} /><span className="user-name">{user.name}</span></span>
            <button type="button" className="button" onClick={() => logout({ logoutParams: { returnTo: window.location.origin } })}>
              Sign Out
            </button>
          </>
        ) : (
          <div className="login-buttons">
            <button type="button" className="button primary" onClick={() => loginWithRedirect()}>Sign In</button>
          </div>
        )}
      </div>
    </header>
  );
}

function Profile() {
  const { user } = useAuth0();
  const verified = user.email_verified === true ? ' (verified)' : user.email_verified === false ? ' (not verified)' : '';
  return (
    <section className="card profile" data-testid="profile">
      <div className="profile-head">
        <Avatar user={user} large />
        <div>
          <h1 data-testid="profile-name" elementtiming="profile">{user.name}</h1>
          <p className="email"><span data-testid="profile-email">{user.email}</span>{verified}</p>
        </div>
      </div>
      <h2>ID token claims</h2>
      <table className="claims">
        <thead><tr><th scope="col">Claim</th><th scope="col">Value</th></tr></thead>
        <tbody>
          {claimRows(user).map(([k, v]) => <tr key={k}><th scope="row"><code>{k}</code></th><td>{v}</td></tr>)}
        </tbody>
      </table>
    </section>
  );
}

function Home() {
  const { loginWithRedirect } = useAuth0();
  return (
    <section className="hero">
      <h1>Sign in with PKCE, in Rust</h1>
      <p className="lead">A Leptos app that signs you in with the OAuth 2.0 Authorization Code Flow with PKCE, and checks the ID token before trusting it.</p>
      <div className="login-buttons">
        <button type="button" className="button primary sign-in" elementtiming="sign-in" onClick={() => loginWithRedirect()}>
          Sign In
        </button>
      </div>
    </section>
  );
}

function App() {
  const { isLoading, isAuthenticated, error } = useAuth0();
  let page;
  if (isLoading) page = <p className="page-status" role="status">Loading…</p>;
  else if (error) page = <p className="error" role="alert">{error.message}</p>;
  else if (isAuthenticated) page = <Profile />;
  else page = <Home />;
  return (
    <>
      <Header />
      <main id="main">{page}</main>
    </>
  );
}

const config = window.BENCH_CONFIG || {};
createRoot(document.getElementById('root')).render(
  <Auth0Provider
    domain={config.domain || 'http://127.0.0.1:4000'}
    clientId={config.clientId || 'spa-dev'}
    authorizationParams={{
      redirect_uri: `${window.location.origin}/callback`,
      scope: config.scope || 'openid profile email offline_access',
    }}
    onRedirectCallback={() => window.history.replaceState({}, '', '/profile')}
  >
    <App />
  </Auth0Provider>,
);
