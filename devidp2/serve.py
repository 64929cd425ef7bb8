"""devidp2: start the django-oauth-toolkit OpenID provider for local dev and e2e tests.

    devidp2/.venv/bin/python devidp2/serve.py

Idempotent. Environment (all optional):
  DEVIDP2_PORT              port on 127.0.0.1 (4002)
  DEVIDP2_APP_ORIGINS       comma-separated app origins
                            (http://127.0.0.1:8098,http://127.0.0.1:8080)
  DEVIDP2_DATA              folder of the sqlite db and the keys (devidp2/data)
  DEVIDP2_ACCESS_TOKEN_TTL  access token lifetime in seconds (3600)
  DEVIDP2_JWKS_MAX_AGE      Cache-Control max-age of the JWKS in seconds (3600)
  DEVIDP2_ROTATE_KEY=1      make a new active signing key; older ones stay published

SIGHUP rotates the signing key while running: the process starts itself anew (same
pid, so whoever started it still stops it) with DEVIDP2_ROTATE_KEY=1. Sessions and
tokens live in sqlite and survive, as a real provider's keys rotate under live ones.
"""

import os
import secrets
import signal
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "op_settings")

USERS = [
    # username, password, first, last, email, email_verified
    ("ada", "ada-password", "Ada", "Lovelace", "ada@example.com", True),
    ("grace", "grace-password", "Grace", "Hopper", "grace@example.com", False),
]
CLIENT_ID = "spa-dev2"


def _write_private(path, text):
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def _new_rsa_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def prepare_data(data):
    """Secret key and signing keys, before Django reads the settings."""
    keys = data / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    secret = data / "secret_key"
    if not secret.exists():
        _write_private(secret, secrets.token_urlsafe(50))
    active = keys / "active.pem"
    if active.exists() and os.environ.get("DEVIDP2_ROTATE_KEY") == "1":
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        os.replace(active, keys / f"inactive-{stamp}-{secrets.token_hex(2)}.pem")
        print("devidp2: rotated the signing key; the previous one stays in the JWKS", flush=True)
    if not active.exists():
        _write_private(active, _new_rsa_pem())


def seed(origins):
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import get_application_model

    verified, _ = Group.objects.get_or_create(name="email_verified")
    for username, password, first, last, email, email_verified in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(password)
        user.first_name, user.last_name, user.email = first, last, email
        user.is_staff = True  # so the admin's login form accepts them
        user.is_active = True
        user.save()
        if email_verified:
            user.groups.add(verified)
        else:
            user.groups.remove(verified)

    Application = get_application_model()
    app = Application.objects.filter(client_id=CLIENT_ID).first() or Application(client_id=CLIENT_ID)
    app.name = "spa-dev2 (devidp2)"
    app.client_type = Application.CLIENT_PUBLIC
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.client_secret = ""
    app.skip_authorization = True
    app.algorithm = Application.RS256_ALGORITHM
    app.redirect_uris = " ".join(u for o in origins for u in (f"{o}/callback", f"{o}/silent-callback.html"))
    app.post_logout_redirect_uris = " ".join(u for o in origins for u in (f"{o}/", o))
    app.allowed_origins = " ".join(origins)
    app.save()


def serve(port):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Handler(WSGIRequestHandler):
        def log_message(self, format, *args):
            # Method and path only: query strings may carry id_token_hint or codes.
            sys.stderr.write(
                "devidp2: %s %s %s\n" % (self.command, self.path.split("?")[0], args[1] if len(args) > 1 else "")
            )

    httpd = ThreadedWSGIServer(("127.0.0.1", port), Handler, ipv6=False)
    httpd.daemon_threads = True
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))

    rotate = threading.Event()

    def stop(signum, frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    def rotate_key(signum, frame):
        rotate.set()
        stop(signum, frame)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, rotate_key)
    print(f"devidp2: issuer http://127.0.0.1:{port}/o listening", flush=True)
    try:
        httpd.serve_forever()
    finally:
        httpd.server_close()
    if rotate.is_set():
        print("devidp2: restarting with a new signing key", flush=True)
        os.environ["DEVIDP2_ROTATE_KEY"] = "1"
        os.execv(sys.executable, [sys.executable, str(Path(__file__).resolve())])
    print("devidp2: stopped", flush=True)


def main():
    import django
    from django.conf import settings
    from django.core.management import call_command

    data = Path(os.environ.get("DEVIDP2_DATA") or HERE / "data").resolve()
    prepare_data(data)
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    seed(settings.APP_ORIGINS)
    serve(settings.PORT)


if __name__ == "__main__":
    main()
