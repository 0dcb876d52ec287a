"""Production settings: everything security-relevant is on, secrets come from the environment."""

from .base import *  # noqa: F403
from .base import envbool, envint, envstr

DEBUG = False
SECRET_KEY = envstr("DJANGO_SECRET_KEY")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", "True")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"  # links in allauth's mail (password reset, verification)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = envstr("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
