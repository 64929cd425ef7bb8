"""Django settings of devidp2, the django-oauth-toolkit dev/e2e OpenID provider.

Everything comes from the environment (see README.md); serve.py prepares the data
folder (secret key, signing keys) before Django reads this file.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("DEVIDP2_DATA") or HERE / "data").resolve()
KEYS = DATA / "keys"
PORT = int(os.environ.get("DEVIDP2_PORT") or 4002)
APP_ORIGINS = [
    o.strip().rstrip("/")
    for o in (os.environ.get("DEVIDP2_APP_ORIGINS") or "http://127.0.0.1:8098,http://127.0.0.1:8080").split(",")
    if o.strip()
]
ISSUER = f"http://127.0.0.1:{PORT}/o"


def _read(path):
    try:
        return path.read_text()
    except FileNotFoundError:
        raise SystemExit(f"devidp2: {path} is missing; start the provider with serve.py") from None


SECRET_KEY = _read(DATA / "secret_key").strip()
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "op_urls"
WSGI_APPLICATION = None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "oauth2_provider",
]

# No XFrameOptionsMiddleware: the client's silent sign-in loads /o/authorize in a hidden iframe.
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA / "db.sqlite3",
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"

# Sessions live in sqlite (the default db backend), so a restart keeps users signed in.
# Cookies ignore ports: the other provider and the apps are on 127.0.0.1 too.
SESSION_COOKIE_NAME = "devidp2_sessionid"
CSRF_COOKIE_NAME = "devidp2_csrftoken"
LOGIN_URL = "/admin/login/"
# Django's SecurityMiddleware sends Cross-Origin-Opener-Policy: same-origin by default, which
# cuts a sign-in popup off from the app that opened it; DEVIDP2_COOP=same-origin brings it back.
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get("DEVIDP2_COOP") or None

CORS_ALLOWED_ORIGINS = APP_ORIGINS
CORS_URLS_REGEX = r"^/o/.*$"

OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "op_validator.Validator",
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ISSUER,
    "OIDC_RSA_PRIVATE_KEY": _read(KEYS / "active.pem"),
    # Newest first; the JWKS publishes these too, ID tokens are signed only with the active key.
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": [
        p.read_text() for p in sorted(KEYS.glob("inactive-*.pem"), reverse=True)
    ],
    "OIDC_JWKS_MAX_AGE_SECONDS": int(os.environ.get("DEVIDP2_JWKS_MAX_AGE") or 3600),
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("DEVIDP2_ACCESS_TOKEN_TTL") or 3600),
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Name and nickname",
        "email": "Email address",
        "offline_access": "Refresh tokens",
    },
    "DEFAULT_SCOPES": ["openid"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Errors (a 500's traceback) and warnings; no request bodies.
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "oauth2_provider": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
