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
//
// A DPoP-bound access token (RFC 9449: the provider bound it to a key, `jkt`) is taken
// only as `Authorization: DPoP` with a proof signed by that key, for this request
// (htm, htu, ath), fresh (iat), never seen before (jti), with the API's current
// nonce: without one the API answers `use_dpop_nonce` and a new `DPoP-Nonce`.

import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';

import { readText } from './body.js';

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

export function createApis({ provider, corsHeaders, issuer, recordTokens = false }) {
  // With the fault routes on (the e2e suite), the last access token an API took, so a
  // test can look for it where the page's script could read it. Served with no CORS
  // header at /api/last-token-seen: no page can read it, only the test's own client.
  // By the host the API was asked at (a proxy's `X-Forwarded-Host`, or '' for the
  // provider's own origin): tests of one API origin do not read another's.
  const lastTokenSeen = new Map();
  // The APIs' DPoP nonce, renewed every five minutes (the last one still taken).
  let nonces = [randomBytes(16).toString('base64url')];
  setInterval(() => { nonces = [randomBytes(16).toString('base64url'), nonces[0]]; }, 300_000).unref();
  const seenJti = new Map();

  // Checks the DPoP proof of a request made with `accessToken`; the error to answer,
  // or null when the proof holds.
  async function dpopError(req, url, value, accessToken) {
    const proof = req.headers.dpop;
    if (!(req.headers.authorization || '').startsWith('DPoP ') || typeof proof !== 'string') {
      return 'invalid_token';
    }
    let verified;
    try {
      verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    } catch {
      return 'invalid_dpop_proof';
    }
    const { payload, protectedHeader } = verified;
    // The URL the client sent to: the issuer's origin, or, in the e2e suite only
    // (DEVIDP_FAULTS=1), the one its proxies in front of these APIs were asked at.
    const forwarded = recordTokens ? req.headers['x-forwarded-host'] : undefined;
    const htu = new URL(url.pathname, forwarded ? `http://${forwarded}` : issuer).href;
    const ath = createHash('sha256').update(value).digest('base64url');
    const now = Math.floor(Date.now() / 1000);
    if (payload.htm !== req.method || payload.htu !== htu || payload.ath !== ath
      || typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > 60
      || typeof payload.jti !== 'string' || seenJti.has(payload.jti)) {
      return 'invalid_dpop_proof';
    }
    if (await calculateJwkThumbprint(protectedHeader.jwk) !== accessToken.jkt) {
      return 'invalid_token';
    }
    if (!nonces.includes(payload.nonce)) return 'use_dpop_nonce';
    seenJti.set(payload.jti, now);
    for (const [jti, at] of seenJti) if (now - at > 120) seenJti.delete(jti);
    return null;
  }

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
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
    'Access-Control-Expose-Headers': 'WWW-Authenticate, DPoP-Nonce',
    ...extra,
  });

  async function readJson(req) {
    const body = await readText(req, 'body');
    try { return JSON.parse(body); } catch { return undefined; }
  }

  // Serves /api/*; returns false for any other path.
  async function handle(req, res, url) {
    if (recordTokens && url.pathname === '/api/last-token-seen' && req.method === 'GET') {
      const token = lastTokenSeen.get(url.searchParams.get('host') || '') || '';
      res.writeHead(200, {
        'Content-Type': 'text/plain',
        'Content-Length': Buffer.byteLength(token),
        'Cache-Control': 'no-store',
      });
      res.end(token);
      return true;
    }
    const entry = Object.entries(APIS).find(([, api]) => api.path === url.pathname);
    const isPrivate = url.pathname === '/api/private';
    if (!entry && !isPrivate) return false;
    const cors = withCors(req);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return true;
    }
    const value = (req.headers.authorization || '').match(/^(?:Bearer|DPoP) (\S+)$/)?.[1];
    const accessToken = value && await provider.AccessToken.find(value);
    if (!accessToken) {
      json(res, 401, { error: 'invalid_token' }, { ...cors, 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return true;
    }
    if (accessToken.jkt) {
      const error = await dpopError(req, url, value, accessToken);
      if (error) {
        json(res, 401, { error }, {
          ...cors,
          'WWW-Authenticate': `DPoP error="${error}", algs="ES256"`,
          'DPoP-Nonce': nonces[0],
        });
        return true;
      }
    } else if (!(req.headers.authorization || '').startsWith('Bearer ')) {
      json(res, 401, { error: 'invalid_token' }, { ...cors, 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return true;
    }
    if (recordTokens) lastTokenSeen.set(req.headers['x-forwarded-host'] || '', value);
    // What the API saw, for the app to show: whether the token was bound, and to what.
    const binding = { token_type: accessToken.jkt ? 'DPoP' : 'Bearer', cnf_jkt: accessToken.jkt || null };
    if (isPrivate) {
      // In the e2e suite, how much of a request's body arrived: a client that sends a
      // request twice (a DPoP nonce retry) must send its body twice.
      const received = recordTokens && req.method === 'POST'
        ? { received_bytes: Buffer.byteLength(await readText(req, 'body')) } : {};
      json(res, 200, {
        message: 'Hello from the private API',
        sub: accessToken.accountId,
        client_id: accessToken.clientId,
        scope: accessToken.scope,
        ...binding,
        ...received,
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
      ...binding,
      ...(api.name === 'Notes' ? { notes: mine } : { invoices: [{ id: 'inv_1', total: '12.00 EUR' }] }),
    }, cors);
    return true;
  }

  return { rememberLogin, checkTokenRequest, extraTokenClaims, handle };
}

// The app's own audience (config.json): any refresh may name it.
const DEFAULT_AUDIENCE = 'http://127.0.0.1:4000/api';
