// The baseline app: Auth0's React quickstart shape. Sign-in button, callback handled
// by Auth0Provider, and a profile page with the user's name and email.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { Auth0Provider, useAuth0 } from '@auth0/auth0-react';

function Profile() {
  const { user } = useAuth0();
  return (
    <section>
      <img src={user.picture} alt="" width="96" height="96" />
      <h1 data-testid="profile-name" elementtiming="profile">{user.name}</h1>
      <p data-testid="profile-email">{user.email}</p>
    </section>
  );
}

function App() {
  const { isLoading, isAuthenticated, error, loginWithRedirect, logout } = useAuth0();
  if (isLoading) return <p>Loading…</p>;
  if (error) return <p role="alert">{error.message}</p>;
  if (isAuthenticated) {
    return (
      <main>
        <button type="button" onClick={() => logout({ logoutParams: { returnTo: window.location.origin } })}>
          Sign Out
        </button>
        <Profile />
      </main>
    );
  }
  return (
    <main>
      <button type="button" className="sign-in" elementtiming="sign-in" onClick={() => loginWithRedirect()}>
        Sign In
      </button>
    </main>
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
