"""The only provider logic of devidp2: a small subclass of DOT's OAuth2Validator."""

from oauth2_provider.oauth2_validators import OAuth2Validator


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
