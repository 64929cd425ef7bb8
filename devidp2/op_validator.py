"""The only provider logic of devidp2: a small subclass of DOT's OAuth2Validator."""

from jwcrypto.jwk import JWKSet
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem


class Validator(OAuth2Validator):
    # oauthlib leaves these two abstract, so prompt=none answered HTTP 500. DOT's
    # AuthorizationView already answers error=login_required when nobody is signed in
    # (before oauthlib asks), so "a session exists" is all silent login needs; and the
    # one client skips the consent screen (skip_authorization), so there is no consent
    # to miss.
    def validate_silent_login(self, request):
        return True

    def validate_silent_authorization(self, request):
        return True

    # DOT puts only `sub` in ID tokens and /userinfo unless the validator adds claims.
    # This request-agnostic form (no `request` argument) also lists them in discovery's
    # claims_supported; DOT's oidc_claim_scope releases each one only for its scope
    # (profile: name, nickname, updated_at; email: email, email_verified).
    def get_additional_claims(self):
        return {
            "name": lambda r: r.user.get_full_name(),
            "nickname": lambda r: r.user.get_username(),
            "updated_at": lambda r: int(r.user.date_joined.timestamp()),
            "email": lambda r: r.user.email,
            "email_verified": lambda r: r.user.groups.filter(name="email_verified").exists(),
        }

    # DOT checks an ID token it is handed back (end_session's id_token_hint) against the
    # active key only, so after DEVIDP2_ROTATE_KEY=1 a sign-out with an ID token from
    # before the rotation answered 400 although its key is still in the JWKS. Accept every
    # published key, picked by the token's kid (each key's kid is its thumbprint, as in
    # the JWKS). DOT also runs this for every ID token it issues.
    def _get_key_for_token(self, token):
        key = super()._get_key_for_token(token)
        if key is None or key.get("kty") != "RSA":
            return key
        keys = JWKSet()
        for pem in [oauth2_settings.OIDC_RSA_PRIVATE_KEY, *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE]:
            keys.add(jwk_from_pem(pem))
        return keys
