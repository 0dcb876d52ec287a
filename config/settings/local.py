"""Development settings, used by ``make run`` and plain ``manage.py``."""

from .base import *  # noqa: F403
from .base import envbool

DEBUG = envbool("DJANGO_DEBUG", "True")

# Serve static files straight from static/ and the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Security keys (WebAuthn) on http://127.0.0.1 while developing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", "True")
