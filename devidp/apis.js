// The local provider's APIs, shaped like an Auth0 tenant's: each API has an identifier
// (its `audience`), a token names the API it was issued for, and one refresh token
// obtains tokens for every API of the client's policy (Auth0's Multi-Resource Refresh
// Tokens): a refresh grant names `audience` (or RFC 8707 `resource`).
//
//   /api/private   any access token of this provider (the app's first API)
//   /api/notes     audience https://notes.api.leptos-pkce.test; GET lists, POST adds
//   /api/billing   audience https://billing.api.leptos-pkce.test; needs a second factor:
//                  a token without `acr` multi-factor gets 401 with an RFC 9470
//                  challenge, and a refresh grant for it gets Auth0's `mfa_required`
//
// Access tokens stay opaque (so /userinfo takes them too, as Auth0's do); the API an
// access token is for and the user's `acr` travel as its extra claims.

export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
export const PASSWORD_ACR = 'urn:leptos-pkce:password';

export const APIS = {
  'https://notes.api.leptos-pkce.test': { path: '/api/notes', name: 'Notes' },
  'https://billing.api.leptos-pkce.test': { path: '/api/billing', name: 'Billing', acr: MFA_ACR },
};

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

export function createApis({ provider, corsHeaders }) {
  // What each authorization asked for, by its PKCE challenge (unique per login), read
  // again when its code is redeemed; and each grant's own audience, for refresh grants
  // that name none.
  const logins = new Map();
  const grantAudience = new Map();
  const notes = new Map();

  // Called for every /authorize request before the provider sees it.
  function rememberLogin(url) {
    const challenge = url.searchParams.get('code_challenge');
    if (!challenge) return;
    const audience = url.searchParams.get('audience') || url.searchParams.get('resource');
    logins.set(challenge, { audience });
    url.searchParams.delete('resource');
  }

  // Called for every token request (its form body, already read). Returns an error
  // answer [status, body] to send instead, or null to let the provider answer; leaves
  // what the request asked for on `req.devidp`.
  async function checkTokenRequest(req, form) {
    const audience = form.get('audience') || form.get('resource');
    form.delete('audience');
    form.delete('resource');
    req.devidp = { audience };
    if (form.get('grant_type') !== 'refresh_token' || !audience) return null;
    const api = APIS[audience];
    if (!api && audience !== DEFAULT_AUDIENCE) {
      return [403, { error: 'access_denied', error_description: 'Service not found' }];
    }
    const refreshToken = await provider.RefreshToken.find(form.get('refresh_token') || '');
    if (api?.acr && refreshToken && refreshToken.acr !== api.acr) {
      return [403, {
        error: 'mfa_required',
        error_description: 'Multifactor authentication required',
        mfa_token: 'local-mfa-token',
      }];
    }
    return null;
  }

  // oidc-provider's extraTokenClaims: the API and the acr of each access token.
  function extraTokenClaims(ctx, token) {
    if (token.kind !== 'AccessToken') return undefined;
    const code = ctx?.oidc?.entities?.AuthorizationCode;
    const refresh = ctx?.oidc?.entities?.RefreshToken;
    if (code) {
      const audience = logins.get(code.codeChallenge)?.audience || null;
      grantAudience.set(code.grantId, audience);
      return { api_aud: audience, acr: code.acr || null };
    }
    if (refresh) {
      const audience = ctx.req?.devidp?.audience || grantAudience.get(refresh.grantId) || null;
      return { api_aud: audience, acr: refresh.acr || null };
    }
    return undefined;
  }

  const withCors = (req, extra = {}) => ({
    ...corsHeaders(req),
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
    'Access-Control-Expose-Headers': 'WWW-Authenticate',
    ...extra,
  });

  async function readJson(req) {
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > 10000) throw new Error('body too large');
    }
    try { return JSON.parse(body); } catch { return undefined; }
  }

  // Serves /api/*; returns false for any other path.
  async function handle(req, res, url) {
    const entry = Object.entries(APIS).find(([, api]) => api.path === url.pathname);
    const isPrivate = url.pathname === '/api/private';
    if (!entry && !isPrivate) return false;
    const cors = withCors(req);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return true;
    }
    const value = (req.headers.authorization || '').match(/^Bearer (\S+)$/)?.[1];
    const accessToken = value && await provider.AccessToken.find(value);
    if (!accessToken) {
      json(res, 401, { error: 'invalid_token' }, { ...cors, 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return true;
    }
    if (isPrivate) {
      json(res, 200, {
        message: 'Hello from the private API',
        sub: accessToken.accountId,
        client_id: accessToken.clientId,
        scope: accessToken.scope,
      }, cors);
      return true;
    }
    const [audience, api] = entry;
    if (accessToken.extra?.api_aud !== audience) {
      json(res, 401, { error: 'invalid_token' }, {
        ...cors,
        'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The access token is for another API"',
      });
      return true;
    }
    if (api.acr && accessToken.extra?.acr !== api.acr) {
      json(res, 401, { error: 'insufficient_user_authentication' }, {
        ...cors,
        'WWW-Authenticate': `Bearer error="insufficient_user_authentication", error_description="A second factor is required", acr_values="${api.acr}"`,
      });
      return true;
    }
    const mine = notes.get(accessToken.accountId) || [];
    if (req.method === 'POST' && api.name === 'Notes') {
      const body = await readJson(req);
      if (typeof body?.text !== 'string' || !body.text.trim()) {
        json(res, 400, { error: 'a note needs text' }, cors);
        return true;
      }
      mine.push(body.text.slice(0, 200));
      notes.set(accessToken.accountId, mine);
      json(res, 201, { created: body.text.slice(0, 200), count: mine.length }, cors);
      return true;
    }
    json(res, 200, {
      message: `Hello from the ${api.name} API`,
      audience,
      sub: accessToken.accountId,
      acr: accessToken.extra?.acr || null,
      ...(api.name === 'Notes' ? { notes: mine } : { invoices: [{ id: 'inv_1', total: '12.00 EUR' }] }),
    }, cors);
    return true;
  }

  return { rememberLogin, checkTokenRequest, extraTokenClaims, handle };
}

// The app's own audience (config.json): any refresh may name it.
const DEFAULT_AUDIENCE = 'http://127.0.0.1:4000/api';
