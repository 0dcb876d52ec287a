"""API authentication with the second factor in mind."""

from __future__ import annotations

from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

from consultation.middleware_accounts import mfa_enabled_for, mfa_missing

SECOND_FACTOR_NEEDED = (
    "This account signs in with a second factor, so a password alone cannot create an API token. "
    "Sign in to the site and create the token on your profile page."
)


class PasswordOnlyBasicAuthentication(BasicAuthentication):
    """HTTP Basic (a username and password) for users whose password alone is enough to sign in.

    Used only by the token endpoint. A user with a second factor, or one who must set one up (secretariat
    members and staff), is refused: the password alone must not get them a token, which would bypass 2FA.
    """

    def authenticate_credentials(self, userid, password, request=None):
        user, auth = super().authenticate_credentials(userid, password, request)
        if mfa_enabled_for(user) or mfa_missing(user):
            raise AuthenticationFailed(SECOND_FACTOR_NEEDED)
        return user, auth


class PasswordOnlyBasicScheme(BasicScheme):
    """Documented in the OpenAPI schema as HTTP Basic, which it is."""

    target_class = PasswordOnlyBasicAuthentication
