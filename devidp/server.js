// Local OpenID Connect provider for development and end-to-end tests, built on
// node-oidc-provider and shaped like an Auth0 tenant: issuer with a trailing slash,
// Auth0's endpoint paths, profile claims in the ID token, `connection`,
// `organization` and `invitation` parameters, and `/v2/logout`.
//
// Environment (all optional):
//   DEVIDP_PORT                 port on 127.0.0.1 (4000)
//   DEVIDP_APP_ORIGINS          comma-separated app origins allowed as redirect targets,
//                               added to the defaults (127.0.0.1:8080 and localhost:8080
//                               for development, 127.0.0.1:8090, 8091, 8093, 8094, 8096,
//                               8097, localhost:8095 for the end-to-end tests); on each,
//                               `/callback`, `/silent-callback.html` and the example
//                               app's `/example/auth/callback`
//   DEVIDP_LOGOUT               `off` plays a generic provider without RP-initiated
//                               logout: no end_session_endpoint, no /v2/logout (on)
//   DEVIDP_ACCESS_TOKEN_TTL     seconds (3600)
//   DEVIDP_ID_TOKEN_TTL         seconds (3600)
//   DEVIDP_REFRESH_TOKEN_TTL    seconds (86400)
//   DEVIDP_TOKEN_DELAY_MS       delay every token endpoint answer (0), so tests can make
//                               two tabs' refreshes overlap
//   DEVIDP_PAR                  pushed authorization requests (RFC 9126): `off` (the
//                               default, as an Auth0 tenant without them), `on` (offered
//                               in discovery) or `required` (every login must push)
//   DEVIDP_FAULTS               1 switches on the fault-injection routes of faults.js
//                               (tests only)
//
// Besides the provider it serves the APIs of apis.js: /api/private for any access token,
// and two APIs with their own audiences, one of which needs a second factor (the user
// ada's one-time code is 123456).

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Provider, errors } from 'oidc-provider';

import { CONNECTIONS, findBySub, findUser } from './users.js';
import { consentPage, loginPage, logoutPage, otpPage } from './pages.js';
import { createApis, MFA_ACR, PASSWORD_ACR } from './apis.js';
import { readText } from './body.js';
import { createFaults } from './faults.js';

const env = process.env;
const PORT = Number(env.DEVIDP_PORT || 4000);
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}/`;
const DEFAULT_APP_ORIGINS = 'http://127.0.0.1:8080,http://localhost:8080,http://127.0.0.1:8090,http://127.0.0.1:8091,http://127.0.0.1:8093,http://127.0.0.1:8094,http://localhost:8095,http://127.0.0.1:8096,http://127.0.0.1:8097';
const APP_ORIGINS = [...new Set(`${DEFAULT_APP_ORIGINS},${env.DEVIDP_APP_ORIGINS || ''}`
  .split(',').map((o) => o.trim().replace(/\/$/, '')).filter(Boolean))];
const seconds = (name, fallback) => Number(env[name] || fallback);
const TOKEN_DELAY_MS = Number(env.DEVIDP_TOKEN_DELAY_MS || 0);
const LOGOUT = env.DEVIDP_LOGOUT !== 'off';
const PAR = env.DEVIDP_PAR || 'off';
if (!['off', 'on', 'required'].includes(PAR)) {
  throw new Error(`DEVIDP_PAR must be off, on or required, not ${PAR}`);
}

// Organization asked for per grant, so the ID token can carry `org_id` as Auth0's does.
const organizationByGrant = new Map();
// Grants whose last authorization was a silent one (prompt=none) asking for
// offline_access: oidc-provider drops that scope under prompt=none, Auth0 and Keycloak
// issue a refresh token all the same when the user granted it before.
const silentOfflineGrants = new Set();
// The authorization parameters of each interaction (login or consent page), so Back
// to a finished one replays the login as Auth0 and Keycloak do.
const interactionParams = new Map();

function originOf(url) {
  try { return new URL(url).origin; } catch { return 'http://127.0.0.1:PORT'; }
}

function organizationClaims(organization) {
  if (!organization) return {};
  return organization.startsWith('org_')
    ? { org_id: organization }
    : { org_id: `org_${organization.toLowerCase()}`, org_name: organization.toLowerCase() };
}

const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'jwk' });
const KID = `dev-${randomBytes(4).toString('hex')}`;

const configuration = {
  clients: [{
    client_id: 'spa-dev',
    client_name: 'leptos-pkce (development)',
    application_type: 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: APP_ORIGINS.flatMap((o) => [
      `${o}/callback`, `${o}/silent-callback.html`, `${o}/example/auth/callback`]),
    post_logout_redirect_uris: APP_ORIGINS.flatMap((o) => [`${o}/`, o, `${o}/example/`]),
  }],
  jwks: { keys: [{ ...jwk, kid: KID, alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  routes: {
    authorization: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    jwks: '/.well-known/jwks.json',
    end_session: '/oidc/logout',
    revocation: '/oauth/revoke',
  },
  scopes: ['openid', 'offline_access', 'profile', 'email'],
  claims: {
    openid: ['sub', 'org_id', 'org_name'],
    profile: ['name', 'nickname', 'picture', 'updated_at'],
    email: ['email', 'email_verified'],
  },
  acrValues: [PASSWORD_ACR, MFA_ACR],
  // The API each access token is for, and the user's acr (apis.js).
  extraTokenClaims: (ctx, token) => apis.extraTokenClaims(ctx, token),
  // Auth0 puts the profile claims in the ID token even when an access token is issued.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  extraParams: {
    audience: undefined,
    invitation: undefined,
    organization: undefined,
    screen_hint: undefined,
    silent_offline: undefined,
    connection(ctx, value) {
      if (value && !CONNECTIONS.includes(value)) {
        throw new errors.InvalidRequest(`the connection ${value} is not enabled for this client`);
      }
    },
  },
  clientBasedCORS(ctx, origin) {
    return APP_ORIGINS.includes(origin);
  },
  async findAccount(ctx, sub, token) {
    const user = findBySub(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          ...user.claims,
          updated_at: 1700000000,
          ...organizationClaims(token?.grantId && organizationByGrant.get(token.grantId)),
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (!grantId) return undefined;
    organizationByGrant.set(grantId, ctx.oidc.params.organization);
    if (ctx.oidc.params.silent_offline === '1') silentOfflineGrants.add(grantId);
    else silentOfflineGrants.delete(grantId);
    return ctx.oidc.provider.Grant.find(grantId);
  },
  async issueRefreshToken(ctx, client, code) {
    if (!client.grantTypeAllowed('refresh_token')) return false;
    if (code.scopes.has('offline_access')) return true;
    if (!silentOfflineGrants.has(code.grantId)) return false;
    const grant = await ctx.oidc.provider.Grant.find(code.grantId);
    return Boolean(grant && grant.getOIDCScope().split(' ').includes('offline_access'));
  },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: seconds('DEVIDP_ACCESS_TOKEN_TTL', 3600),
    IdToken: seconds('DEVIDP_ID_TOKEN_TTL', 3600),
    RefreshToken: seconds('DEVIDP_REFRESH_TOKEN_TTL', 86400),
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 86400,
    Grant: 86400,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: LOGOUT,
      async logoutSource(ctx, form) { ctx.body = logoutPage(form); },
    },
    revocation: { enabled: true },
    pushedAuthorizationRequests: {
      enabled: PAR !== 'off',
      requirePushedAuthorizationRequests: PAR === 'required',
    },
    // DPoP (RFC 9449) with server nonces: a client that sends proofs gets tokens bound
    // to its key (refresh tokens too, the client being public), and must answer
    // use_dpop_nonce. Clients without proofs get bearer tokens as before.
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
  },
  interactions: {
    url(ctx, interaction) {
      interactionParams.set(interaction.uid, interaction.params);
      return `/interaction/${interaction.uid}`;
    },
  },
  renderError(ctx, out) {
    const text = (value) => String(value || '').replace(/[<>&"]/g, '');
    ctx.type = 'html';
    // An app on an unregistered origin: name the refused address and the fix.
    const asked = ctx.oidc?.params?.redirect_uri;
    // The fix is a command to paste: offered only for a plain http(s)://host[:port].
    const fix = out.error === 'invalid_redirect_uri' && asked
      && /^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(originOf(asked))
      ? `<p>Refused redirect_uri: <code>${text(asked)}</code>. This local provider accepts
         <code>/callback</code>, <code>/silent-callback.html</code> and
         <code>/example/auth/callback</code> on its registered app origins. Register your
         app's origin by starting it with <code>DEVIDP_APP_ORIGINS=${text(originOf(asked))}</code>
         (added to the defaults), for example
         <code>DEVIDP_APP_ORIGINS='${text(originOf(asked))}' cargo xtask idp</code>.</p>`
      : '';
    ctx.body = `<!doctype html><title>Error</title><h1>${text(out.error)}</h1><p>${
      text(out.error_description)}</p>${fix}`;
  },
};

const provider = new Provider(ISSUER, configuration);
const apis = createApis({
  provider, corsHeaders, issuer: ISSUER, recordTokens: env.DEVIDP_FAULTS === '1',
});
// Logins waiting for their second factor: interaction uid → account.
const awaitingOtp = new Map();
const oidc = provider.callback();

// A line per failed token request and per revoked grant, to follow sessions in the log.
provider.on('grant.error', (ctx, error) => {
  console.log(`token endpoint: ${error.error} (${error.error_description}) grant_type=${ctx.oidc.params?.grant_type}`);
});
provider.on('grant.revoked', (ctx, grantId) => console.log(`grant revoked: ${grantId}`));
provider.on('grant.success', (ctx) => {
  const grantId = ctx.oidc.entities.RefreshToken?.grantId || ctx.oidc.entities.AuthorizationCode?.grantId;
  console.log(`token endpoint: ok grant_type=${ctx.oidc.params?.grant_type} grant=${grantId}`);
});

async function readForm(req) {
  return new URLSearchParams(await readText(req, 'form'));
}

function html(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(body);
}

async function interaction(req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    // Back to the page of a login that finished: like Auth0 and Keycloak, run the same
    // authorization again (same state, same PKCE challenge): with the session open it
    // comes straight back to the app's callback with a new code.
    const params = interactionParams.get(uid);
    if (req.method !== 'GET' || !params) throw error;
    const replay = new URL('/authorize', ISSUER);
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string') replay.searchParams.set(name, value);
    }
    res.writeHead(303, { Location: replay.href, 'Cache-Control': 'no-store' });
    return res.end();
  }
  if (details.uid !== uid) return html(res, 400, 'interaction mismatch');
  const { prompt, params } = details;
  const connection = params.connection || 'Username-Password-Authentication';

  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The user cancelled the sign-in',
    }, { mergeWithLastSubmission: false });
  }

  const pageParams = {
    uid,
    clientId: params.client_id,
    connection,
    organization: params.organization,
    invitation: params.invitation,
  };
  if (prompt.name === 'login') {
    const stepUp = (params.acr_values || '').split(' ').includes(MFA_ACR);
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const user = findUser(form.get('login'), form.get('password'), connection);
      if (!user) {
        return html(res, 200, loginPage({
          ...pageParams, login: form.get('login') || '', error: 'Wrong username or password.',
        }));
      }
      if (stepUp) {
        awaitingOtp.set(uid, user);
        return html(res, 200, otpPage({ uid }));
      }
      return provider.interactionFinished(req, res, {
        login: { accountId: user.claims.sub, acr: PASSWORD_ACR, amr: ['pwd'] },
      }, { mergeWithLastSubmission: false });
    }
    if (req.method === 'POST' && action === 'otp' && awaitingOtp.has(uid)) {
      const user = awaitingOtp.get(uid);
      const form = await readForm(req);
      if (!user.otp || form.get('otp') !== user.otp) {
        return html(res, 200, otpPage({ uid, error: 'That code is not right.' }));
      }
      awaitingOtp.delete(uid);
      return provider.interactionFinished(req, res, {
        login: { accountId: user.claims.sub, acr: MFA_ACR, amr: ['pwd', 'otp'] },
      }, { mergeWithLastSubmission: false });
    }
    return html(res, 200, loginPage(pageParams));
  }

  if (prompt.name === 'consent') {
    const { details: missing } = prompt;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const nothingNew = !missing.missingOIDCScope && !missing.missingOIDCClaims
      && !missing.missingResourceScopes;
    const decide = async (allow) => {
      if (!allow) {
        return provider.interactionFinished(req, res, {
          error: 'access_denied', error_description: 'The user denied consent',
        }, { mergeWithLastSubmission: true });
      }
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      const grantId = await grant.save();
      organizationByGrant.set(grantId, params.organization);
      return provider.interactionFinished(req, res, { consent: { grantId } }, {
        mergeWithLastSubmission: true,
      });
    };
    if (req.method === 'POST' && action === 'consent') {
      return decide((await readForm(req)).get('decision') === 'allow');
    }
    if (nothingNew) return decide(true);
    const scopes = (missing.missingOIDCScope || []).filter((s) => s !== 'openid');
    return html(res, 200, consentPage({
      uid, clientId: params.client_id, scopes: scopes.length ? scopes : ['sign-in'],
    }));
  }
  return html(res, 501, 'unsupported prompt');
}

// Auth0 keeps `offline_access` without `prompt=consent`; oidc-provider drops it unless
// consent is asked for. The consent step is skipped when nothing is new. Applied to an
// authorization request's parameters, in the address or pushed.
function shapeAuthorization(params) {
  apis.rememberLogin({ searchParams: params });
  const prompts = new Set((params.get('prompt') || '').split(' ').filter(Boolean));
  if (!params.has('prompt') && (params.get('scope') || '').split(' ').includes('offline_access')) {
    prompts.add('consent');
  }
  // A step-up (acr_values asking for a second factor) asks the user again, as an Auth0
  // Action requiring MFA would; never inside a silent (prompt=none) request.
  if ((params.get('acr_values') || '').split(' ').includes(MFA_ACR) && !prompts.has('none')) {
    prompts.add('login');
  }
  if (prompts.size) params.set('prompt', [...prompts].join(' '));
  if (prompts.has('none') && (params.get('scope') || '').split(' ').includes('offline_access')) {
    params.set('silent_offline', '1');
  }
}

function corsHeaders(req) {
  const origin = req.headers.origin;
  return APP_ORIGINS.includes(origin) ? {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers': 'Authorization',
    'Access-Control-Allow-Methods': 'GET',
    Vary: 'Origin',
  } : {};
}

const faults = env.DEVIDP_FAULTS === '1' ? createFaults({ issuer: ISSUER, jwk, kid: KID }) : null;

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, ISSUER);
    if (faults && await faults(req, res, url)) return undefined;
    if (await apis.handle(req, res, url)) return undefined;
    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      if (TOKEN_DELAY_MS) await new Promise((resolve) => { setTimeout(resolve, TOKEN_DELAY_MS); });
      // Read here so the audience (Auth0) or resource (RFC 8707) a refresh names can be
      // checked against the client's APIs; the provider gets the rest as its body.
      const form = await readForm(req);
      const refused = await apis.checkTokenRequest(req, form);
      if (refused) {
        const [status, body] = refused;
        res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...corsHeaders(req) });
        return res.end(JSON.stringify(body));
      }
      req.body = form.toString();
    }
    const match = url.pathname.match(/^\/interaction\/([\w-]+)(?:\/(login|consent|abort|otp))?$/);
    if (match) return await interaction(req, res, match[1], match[2]);

    // Auth0's logout endpoint, mapped onto RP-initiated logout.
    if (url.pathname === '/v2/logout' && LOGOUT) {
      const target = new URL('/oidc/logout', ISSUER);
      const clientId = url.searchParams.get('client_id');
      if (clientId) target.searchParams.set('client_id', clientId);
      const returnTo = url.searchParams.get('returnTo');
      if (returnTo) target.searchParams.set('post_logout_redirect_uri', returnTo);
      res.writeHead(302, { Location: target.href });
      return res.end();
    }

    if (url.pathname === '/authorize') {
      shapeAuthorization(url.searchParams);
      req.url = url.pathname + url.search;
    }
    // A pushed request's parameters (RFC 9126) are shaped as the address bar's are.
    if (url.pathname === '/request' && req.method === 'POST') {
      const form = await readForm(req);
      shapeAuthorization(form);
      req.body = form.toString();
    }
    // Key sets are cacheable at Auth0 (and Google, Keycloak): a client must not look
    // for a rotated key in its HTTP cache.
    if (url.pathname === '/.well-known/jwks.json') {
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) => setHeader(name, String(name).toLowerCase() === 'cache-control'
        ? 'public, max-age=3600' : value);
      res.setHeader('Cache-Control', 'public, max-age=3600');
    }
    return oidc(req, res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) html(res, 500, 'internal error');
    else res.end();
  }
});

server.listen(PORT, HOST, () => {
  console.log(`local OpenID Connect provider: ${ISSUER} (client spa-dev)`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
