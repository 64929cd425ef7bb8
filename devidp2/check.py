"""Smoke test of a running devidp2, as a browser-based client would use it.

    devidp2/.venv/bin/python devidp2/check.py                 # the whole flow, ends signed out
    devidp2/.venv/bin/python devidp2/check.py --save FILE     # sign in, keep the session in FILE
    devidp2/.venv/bin/python devidp2/check.py --resume FILE   # after a restart (e.g. DEVIDP2_ROTATE_KEY=1)

Environment: DEVIDP2_PORT (4002).
"""

import base64
import hashlib
import html.parser
import json
import os
import pickle
import secrets
import sys
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests
from jwcrypto import jwk, jwt

PORT = int(os.environ.get("DEVIDP2_PORT") or 4002)
BASE = f"http://127.0.0.1:{PORT}"
ISSUER = f"{BASE}/o"
ORIGIN = "http://127.0.0.1:8098"
REDIRECT = f"{ORIGIN}/callback"
CLIENT = "spa-dev2"


def ok(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        sys.exit(1)


def discovery():
    r = requests.get(f"{ISSUER}/.well-known/openid-configuration")
    ok(r.status_code == 200, "discovery 200")
    d = r.json()
    ok(d["issuer"] == ISSUER, f"issuer {d['issuer']!r}")
    return d


def jwks(d):
    r = requests.get(d["jwks_uri"])
    ok(r.status_code == 200, f"jwks 200, Cache-Control: {r.headers.get('Cache-Control')}")
    return r.json()["keys"]


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields, self.action = {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = a.get("action", "")
        if tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")


def authorize(s, d, prompt=None, scope="openid profile email offline_access"):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    q = dict(response_type="code", client_id=CLIENT, redirect_uri=REDIRECT, scope=scope, state=state,
             nonce=nonce, code_challenge=challenge, code_challenge_method="S256")
    if prompt:
        q["prompt"] = prompt
    r = s.get(d["authorization_endpoint"] + "?" + urlencode(q), allow_redirects=False)
    return r, dict(verifier=verifier, state=state, nonce=nonce)


def callback_params(r):
    ok(r.status_code == 302, f"authorize answered {r.status_code}")
    loc = r.headers["Location"]
    ok(loc.startswith(REDIRECT + "?"), "redirect to " + loc.split("?")[0])
    return {k: v[0] for k, v in parse_qs(urlsplit(loc).query).items()}


def login(s, d, username="ada", password="ada-password"):
    r, req = authorize(s, d)
    ok(r.status_code == 302 and "/admin/login/" in r.headers["Location"], "not signed in -> login page")
    login_url = urljoin(BASE, r.headers["Location"])
    page = s.get(login_url)
    f = Form()
    f.feed(page.text)
    ok({"username", "password", "csrfmiddlewaretoken", "next"} <= set(f.fields), f"login form fields {sorted(f.fields)}")
    f.fields.update(username=username, password=password)
    r = s.post(urljoin(login_url, f.action), data=f.fields, allow_redirects=False)
    ok(r.status_code == 302, "login form accepted")
    r = s.get(urljoin(BASE, r.headers["Location"]), allow_redirects=False)
    p = callback_params(r)
    ok("code" in p and p["state"] == req["state"], "code + state in callback")
    ok(p.get("iss") == ISSUER, f"iss in callback: {p.get('iss')!r}")
    return p["code"], req


def exchange(d, code, req):
    r = requests.post(d["token_endpoint"], headers={"Origin": ORIGIN}, data=dict(
        grant_type="authorization_code", code=code, redirect_uri=REDIRECT, client_id=CLIENT,
        code_verifier=req["verifier"]))
    ok(r.status_code == 200, f"token exchange {r.status_code} {r.text[:200] if r.status_code != 200 else ''}")
    ok(r.headers.get("Access-Control-Allow-Origin") == ORIGIN, f"ACAO {r.headers.get('Access-Control-Allow-Origin')}")
    return r.json()


def check_id_token(d, tok, req, keys):
    kid = json.loads(base64.urlsafe_b64decode(tok["id_token"].split(".")[0] + "==="))["kid"]
    ok(kid in [k["kid"] for k in keys], f"id token kid {kid[:12]}.. is in the JWKS")
    key = jwk.JWK(**next(k for k in keys if k["kid"] == kid))
    claims = json.loads(jwt.JWT(key=key, jwt=tok["id_token"]).claims)
    ok(claims["iss"] == ISSUER and claims["aud"] == CLIENT, "id token signature, iss, aud")
    ok(claims.get("nonce") == req["nonce"], "id token nonce")
    print("     claims:", {k: claims.get(k) for k in ("sub", "name", "nickname", "email", "email_verified", "updated_at")})
    ok(claims.get("name") and claims.get("email"), "id token has name, email")
    return kid, claims


def refresh(d, rt, expect=200):
    r = requests.post(d["token_endpoint"], headers={"Origin": ORIGIN},
                      data=dict(grant_type="refresh_token", refresh_token=rt, client_id=CLIENT))
    ok(r.status_code == expect, f"refresh grant -> {r.status_code} {r.text[:120] if r.status_code != 200 else ''}")
    return r.json()


def main():
    args = sys.argv[1:]
    d = discovery()
    keys = jwks(d)
    print(f"     JWKS has {len(keys)} key(s)")
    s = requests.Session()

    if args[:1] == ["--resume"]:
        s.cookies.update(pickle.load(open(args[1], "rb")))
        saved_kid = pickle.load(open(args[1] + ".kid", "rb"))
        r, req = authorize(s, d, prompt="none")
        p = callback_params(r)
        ok("code" in p, "prompt=none after the restart still has the session -> code")
        tok = exchange(d, p["code"], req)
        kid, _ = check_id_token(d, tok, req, keys)
        ok(kid != saved_kid, "new ID token is signed with a new kid")
        ok(saved_kid in [k["kid"] for k in keys], "the old kid is still in the JWKS")
        q = urlencode(dict(id_token_hint=tok["id_token"], post_logout_redirect_uri=f"{ORIGIN}/", client_id=CLIENT))
        r = s.get(d["end_session_endpoint"] + "?" + q, allow_redirects=False)
        ok(r.status_code == 302 and r.headers["Location"] == f"{ORIGIN}/",
           f"end_session with the new ID token -> {r.status_code} {r.headers.get('Location')}")
        r, req = authorize(s, d, prompt="none")
        ok(callback_params(r).get("error") == "login_required", "after end_session, prompt=none -> login_required")
        return

    code, req = login(s, d)
    tok = exchange(d, code, req)
    ok("refresh_token" in tok, "refresh token issued")
    kid, _ = check_id_token(d, tok, req, keys)
    if args[:1] == ["--save"]:
        pickle.dump(s.cookies.get_dict(), open(args[1], "wb"))
        pickle.dump(kid, open(args[1] + ".kid", "wb"))
        return

    r = requests.get(d["userinfo_endpoint"], headers={"Authorization": f"Bearer {tok['access_token']}", "Origin": ORIGIN})
    ok(r.status_code == 200, f"userinfo {r.json()} ACAO {r.headers.get('Access-Control-Allow-Origin')}")
    r = requests.options(d["token_endpoint"], headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "content-type"})
    ok(r.headers.get("Access-Control-Allow-Origin") == ORIGIN, f"token preflight {r.status_code}")

    t2 = refresh(d, tok["refresh_token"])
    ok(t2["refresh_token"] != tok["refresh_token"], "refresh token rotated")
    print("     refresh response has id_token:", "id_token" in t2, "; scope:", t2.get("scope"))
    refresh(d, tok["refresh_token"], expect=400)
    print("     reuse of the rotated refresh token is refused")

    r, req = authorize(s, d, prompt="none", scope="openid profile email")
    p = callback_params(r)
    ok("code" in p and p["state"] == req["state"] and p.get("iss") == ISSUER, "prompt=none with the session -> code, state, iss")
    t3 = exchange(d, p["code"], req)
    print("     prompt=none exchange (without offline_access) gives a refresh token:", "refresh_token" in t3)
    check_id_token(d, t3, req, keys)

    r, req = authorize(requests.Session(), d, prompt="none")
    p = callback_params(r)
    ok(p.get("error") == "login_required" and p["state"] == req["state"], f"prompt=none without session -> {p}")

    q = urlencode(dict(id_token_hint=t3["id_token"], post_logout_redirect_uri=f"{ORIGIN}/", state="bye", client_id=CLIENT))
    r = s.get(d["end_session_endpoint"] + "?" + q, allow_redirects=False)
    ok(r.status_code == 302 and r.headers["Location"] == f"{ORIGIN}/?state=bye", f"end_session -> {r.status_code} {r.headers.get('Location')}")
    r, req = authorize(s, d, prompt="none")
    ok(callback_params(r).get("error") == "login_required", "after end_session, prompt=none -> login_required")
    refresh(d, t2["refresh_token"], expect=400)
    print("     end_session revoked the user's tokens")
    print("all checks passed")


if __name__ == "__main__":
    main()
