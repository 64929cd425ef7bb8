// Fault injection for the end-to-end tests, switched on with DEVIDP_FAULTS=1 (never in
// `cargo xtask dev`). A test app origin is configured with
// token_endpoint = <issuer>faults/token; a test arms one fault with
// POST /faults/next?kind=…, and the next token request through /faults/token gets it.
// Unarmed, /faults/token forwards to the real token endpoint. Every forged ID token is
// signed with the provider's real key unless the fault is about the signature, so
// exactly one check is wrong at a time.
//
// The fault app also reads the provider's keys through GET /faults/jwks (its jwks_uri):
// the real key set, unless an armed fault changes it (a key without kid, two keys
// without kid, a key rotated in after the first fetch), for the OpenID Foundation's
// relying-party tests that need a misbehaving key set. It is served cacheable
// (max-age=3600), like real providers' key sets.
//
// Also collects Content-Security-Policy violation reports (POST /faults/csp-report,
// GET /faults/csp-reports), so tests can prove the app runs under the policy cleanly.

import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';

const b64url = (data) => Buffer.from(data).toString('base64url');
const decode = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString());

export function createFaults({ issuer, jwk, kid }) {
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicJwk = (key, extra) => ({
    ...createPublicKey(key).export({ format: 'jwk' }), alg: 'RS256', use: 'sig', ...extra,
  });
  let armed = null;
  // The key-set fault armed with the last fault (kept for every key-set request until
  // the next fault is armed), and how many key-set requests came since.
  let armedKeys = null;
  let keyFetches = 0;
  const cspReports = [];

  const signRs256 = (header, payloadSegment, key = privateKey) => {
    const input = `${b64url(JSON.stringify(header))}.${payloadSegment}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
  };
  const withClaims = (token, change) => {
    const [, payload] = token.split('.');
    const claims = decode(payload);
    change(claims);
    return signRs256({ alg: 'RS256', kid }, b64url(JSON.stringify(claims)));
  };
  const now = () => Math.floor(Date.now() / 1000);

  // Each forged ID token, from the real one.
  const idTokenFaults = {
    'alg-none': (t) => `${b64url('{"alg":"none"}')}.${t.split('.')[1]}.`,
    'hs256-public-key': (t) => {
      const input = `${b64url(JSON.stringify({ alg: 'HS256', kid }))}.${t.split('.')[1]}`;
      return `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    },
    'bad-signature': (t) => {
      const [h, p, s] = t.split('.');
      const bytes = Buffer.from(s, 'base64url');
      bytes[0] ^= 0xff;
      return `${h}.${p}.${b64url(bytes)}`;
    },
    'unknown-kid': (t) => signRs256({ alg: 'RS256', kid: 'not-published' }, t.split('.')[1], otherKey),
    'wrong-iss': (t) => withClaims(t, (c) => { c.iss = 'https://evil.example/'; }),
    'iss-without-slash': (t) => withClaims(t, (c) => { c.iss = issuer.replace(/\/$/, ''); }),
    'wrong-aud': (t) => withClaims(t, (c) => { c.aud = 'another-client'; }),
    'azp-mismatch': (t) => withClaims(t, (c) => { c.aud = [c.aud, 'https://api.example']; c.azp = 'another-client'; }),
    'wrong-nonce': (t) => withClaims(t, (c) => { c.nonce = 'not-the-nonce'; }),
    'missing-nonce': (t) => withClaims(t, (c) => { delete c.nonce; }),
    'wrong-at-hash': (t) => withClaims(t, (c) => { c.at_hash = 'AAAAAAAAAAAAAAAAAAAAAA'; }),
    expired: (t) => withClaims(t, (c) => { c.exp = now() - 3600; c.iat = now() - 7200; }),
    'iat-in-future': (t) => withClaims(t, (c) => { c.iat = now() + 3600; c.exp = now() + 7200; }),
    'missing-sub': (t) => withClaims(t, (c) => { delete c.sub; }),
    'missing-iat': (t) => withClaims(t, (c) => { delete c.iat; }),
    // Signed with the real key, naming none: the key set below decides.
    'kid-absent-single-jwks': (t) => signRs256({ alg: 'RS256' }, t.split('.')[1]),
    'kid-absent-multiple-jwks': (t) => signRs256({ alg: 'RS256' }, t.split('.')[1]),
    // Signed with a key the provider publishes only from its second key-set answer on.
    'key-rotated-before-signing': (t) => signRs256({ alg: 'RS256', kid: 'rotated' }, t.split('.')[1], otherKey),
    'malformed-json': () => signRs256({ alg: 'RS256', kid }, b64url('{"sub": "x", not json')),
    huge: (t) => withClaims(t, (c) => { c.padding = 'x'.repeat(70 * 1024); }),
  };

  // The key set /faults/jwks answers with, per armed fault.
  const keyFaults = {
    'kid-absent-single-jwks': () => [publicJwk(privateKey)],
    'kid-absent-multiple-jwks': () => [publicJwk(privateKey), publicJwk(otherKey)],
    'key-rotated-before-signing': (fetch) => (fetch === 1
      ? [publicJwk(privateKey, { kid })]
      : [publicJwk(privateKey, { kid }), publicJwk(otherKey, { kid: 'rotated' })]),
  };

  const cors = (req) => (req.headers.origin ? {
    'Access-Control-Allow-Origin': req.headers.origin, Vary: 'Origin',
  } : {});
  const send = (req, res, status, body, { type = 'application/json', withCors = true, cache = 'no-store' } = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': cache, ...(withCors ? cors(req) : {}) });
    res.end(body);
  };

  async function readBody(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    return Buffer.concat(chunks).toString();
  }

  async function forward(req, body) {
    const answer = await fetch(new URL('oauth/token', issuer), {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: req.headers.origin || '' },
    });
    return { status: answer.status, json: await answer.json() };
  }

  async function token(req, res) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors(req), 'Access-Control-Allow-Headers': 'Content-Type' });
      return res.end();
    }
    const kind = armed;
    // A dropped connection makes the browser retry on a fresh one, so "offline" stays
    // armed until the next fault is armed; every other fault is used once.
    if (kind !== 'offline') armed = null;
    const body = await readBody(req);
    switch (kind) {
      case null: {
        const { status, json } = await forward(req, body);
        return send(req, res, status, JSON.stringify(json));
      }
      case 'invalid-grant':
        return send(req, res, 400, '{"error":"invalid_grant","error_description":"grant request is invalid"}');
      case 'status-401':
        return send(req, res, 401, '{"error":"invalid_client","error_description":"client authentication failed"}');
      case 'status-500':
        return send(req, res, 500, '<html><body>Internal Server Error</body></html>', { type: 'text/html' });
      case 'not-json':
        return send(req, res, 200, '<html><body>surprise</body></html>', { type: 'text/html' });
      case 'stall':
        await new Promise((resolve) => { setTimeout(resolve, 30000); });
        return send(req, res, 504, '{"error":"temporarily_unavailable"}');
      case 'cors-refused': {
        const { status, json } = await forward(req, body);
        return send(req, res, status, JSON.stringify(json), { withCors: false });
      }
      case 'offline':
        return req.socket.destroy();
      case 'slow': {
        // Holds the answer 4 s, then answers as the provider does: time for another
        // tab to act while this one redeems its code.
        await new Promise((resolve) => { setTimeout(resolve, 4000); });
        const { status, json } = await forward(req, body);
        return send(req, res, status, JSON.stringify(json));
      }
      case 'redirect-307':
        // Sends the request, body and all, on to the real token endpoint: a client
        // that follows redirects from its token endpoint would carry the code and
        // verifier (or a refresh token) wherever the Location points.
        res.writeHead(307, { Location: new URL('oauth/token', issuer).href, 'Cache-Control': 'no-store', ...cors(req) });
        return res.end();
      case 'huge-declared': {
        // Says it is 500 MB, sends 1 KB, then stalls: a client that waits for the
        // whole body hangs until its timeout.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500000000', ...cors(req) });
        res.write('{"access_token":"'.padEnd(1024, 'a'));
        return setTimeout(() => req.socket.destroy(), 30000);
      }
      case 'huge-streamed': {
        // No length, then 64 KB every 10 ms up to 50 MB, until the client lets go.
        res.writeHead(200, { 'Content-Type': 'application/json', ...cors(req) });
        res.write('{"access_token":"');
        let sent = 0;
        const chunk = 'a'.repeat(64 * 1024);
        const timer = setInterval(() => {
          if (sent >= 50 * 1024 * 1024 || res.destroyed) {
            clearInterval(timer);
            res.end('"}');
            return;
          }
          sent += chunk.length;
          res.write(chunk);
        }, 10);
        res.on('close', () => clearInterval(timer));
        return undefined;
      }
      case 'no-id-token': {
        const { status, json } = await forward(req, body);
        delete json.id_token;
        return send(req, res, status, JSON.stringify(json));
      }
      default: {
        const forge = idTokenFaults[kind];
        const { status, json } = await forward(req, body);
        if (forge && json.id_token) json.id_token = forge(json.id_token);
        return send(req, res, status, JSON.stringify(json));
      }
    }
  }

  // The userinfo endpoint of the fault app: forwards to the real one, except that
  // 'userinfo-other-sub' answers about another user (a substituted token's answer).
  async function userinfo(req, res) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors(req), 'Access-Control-Allow-Headers': 'Authorization' });
      return res.end();
    }
    if (armed === 'userinfo-other-sub') {
      armed = null;
      return send(req, res, 200, JSON.stringify({ sub: 'auth0|mallory', name: 'Mallory' }));
    }
    const answer = await fetch(new URL('userinfo', issuer), {
      headers: { Authorization: req.headers.authorization || '' },
    });
    return send(req, res, answer.status, await answer.text());
  }

  function jwks(req, res) {
    keyFetches += 1;
    const keys = armedKeys ? keyFaults[armedKeys](keyFetches) : [publicJwk(privateKey, { kid })];
    // Cacheable for an hour, as real providers serve their key sets (Auth0, Google,
    // Keycloak): a client that looks for a rotated key in its HTTP cache finds the old
    // set, and the rotation tests go red.
    return send(req, res, 200, JSON.stringify({ keys }), { cache: 'public, max-age=3600' });
  }

  const known = new Set([null, 'invalid-grant', 'userinfo-other-sub', 'status-401', 'status-500', 'not-json', 'stall',
    'cors-refused', 'offline', 'redirect-307', 'slow', 'no-id-token', 'huge-declared', 'huge-streamed',
    ...Object.keys(idTokenFaults)]);

  // Handles /faults/…; returns false for any other path.
  return async function handle(req, res, url) {
    if (!url.pathname.startsWith('/faults/')) return false;
    if (url.pathname === '/faults/token') {
      await token(req, res);
    } else if (url.pathname === '/faults/issuer-mismatch/.well-known/openid-configuration') {
      // OpenID Foundation oidcc-client-test-discovery-issuer-mismatch: an app configured
      // with the issuer http://…/faults/issuer-mismatch/ gets the real provider's
      // document, which names the real issuer.
      const answer = await fetch(new URL('.well-known/openid-configuration', issuer));
      send(req, res, 200, await answer.text());
    } else if (url.pathname === '/faults/jwks') {
      jwks(req, res);
    } else if (url.pathname === '/faults/userinfo') {
      await userinfo(req, res);
    } else if (url.pathname === '/faults/next' && req.method === 'POST') {
      const kind = url.searchParams.get('kind');
      if (!known.has(kind)) {
        send(req, res, 400, JSON.stringify({ error: `unknown fault ${kind}` }));
      } else {
        armed = kind;
        armedKeys = kind in keyFaults ? kind : null;
        keyFetches = 0;
        res.writeHead(204);
        res.end();
      }
    } else if (url.pathname === '/faults/csp-report' && req.method === 'POST') {
      cspReports.push(await readBody(req));
      res.writeHead(204);
      res.end();
    } else if (url.pathname === '/faults/csp-reports') {
      send(req, res, 200, JSON.stringify(cspReports));
    } else {
      send(req, res, 404, '{"error":"no such fault route"}');
    }
    return true;
  };
}
