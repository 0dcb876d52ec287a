"""Production settings: everything security-relevant is on, secrets come from the environment."""

from .base import *  # noqa: F403
from .base import envbool, envint, envlist, envstr

DEBUG = False
SECRET_KEY = envstr("DJANGO_SECRET_KEY")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "True")
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and overwrites any value a client sent): see the
# README's "Behind a reverse proxy". Without such a proxy, set DJANGO_TRUST_X_FORWARDED_PROTO=0.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("DJANGO_TRUST_X_FORWARDED_PROTO", "True") else None
)
# Origins (scheme and host) from which forms may be posted when they differ from the Host header, e.g.
# "https://tracker.example.org" when the proxy rewrites Host.
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False  # security keys only over HTTPS
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"  # links in allauth's mail (password reset, verification)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = envstr("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
