"""Fixtures for the account tests: the 2FA requirement switched on, TOTP codes computed as an app would."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client


@pytest.fixture
def mfa_required(settings):
    """The production rule (the test settings switch it off for the rest of the suite)."""
    settings.MFA_REQUIRED_FOR_SECRETARIAT = True
    cache.clear()  # allauth remembers used TOTP codes and rate limits in the cache
    yield
    cache.clear()


def totp_code(secret: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows now (``offset`` periods later) for this secret."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def stored_secret(user) -> str:
    """The TOTP secret allauth stored (encrypted by its adapter) for the user."""
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


@pytest.fixture
def with_totp():
    """Give a user an authenticator app and recovery codes, as setting them up through the pages does."""

    def give(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        return secret

    return give


@pytest.fixture
def browser_client():
    def make(**headers) -> Client:
        return Client(**headers)

    return make
