"""Settings shared by every environment. Values come from the environment."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.embedded_db import ensure_database_url, sqlalchemy_broker_url
from config.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = envstr("DJANGO_SECRET_KEY", "insecure-development-key-change-me-in-production-0123456789")
DEBUG = envbool("DJANGO_DEBUG", "False")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "rules.apps.AutodiscoverRulesConfig",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "csp",
    "consultation",
    "evidence",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Ends sessions after inactivity and after their absolute lifetime, then sends secretariat members and
    # staff without a second factor to set one up (consultation/middleware_accounts.py).
    "consultation.middleware_accounts.SessionLifetimeMiddleware",
    "consultation.middleware_accounts.RequireMfaMiddleware",
    "csp.middleware.CSPMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Records members' reads of consultation pages and API endpoints in the access trail (one INSERT).
    "consultation.middleware.AccessTrailMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

DATABASE_URL = ensure_database_url(BASE_DIR / "var" / "pgdata")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # allauth's backend signs in by username or email (it is a ModelBackend, so the admin and the API use it too).
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "consultation:list"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth): sign-in by username or email, verified email addresses, password reset and login
# rate limits. Nobody signs up on their own: an account is created only by accepting an invitation
# (consultation/accounts.py), whose link proves the email address, so invited people start verified.
ACCOUNT_ADAPTER = "consultation.accounts.AccountAdapter"
ACCOUNT_FORMS = {"login": "consultation.forms.accounts.SignInForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False  # confidential papers: the session ends with the browser
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Consultation Tracker] "
# Links in mail sent from background tasks (no request to take the host from), e.g. invitations.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# allauth's own limits, tightened for failed sign-ins: 5 per 5 minutes for one account, 10 a minute per address.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Changing the password, an email address or the second factor asks for the password (or a code) again when
# the last sign-in is older than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's default, 5 minutes).
ACCOUNT_REAUTHENTICATION_REQUIRED = True

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes, security keys welcome.
# Secretariat members and staff must have one (consultation/middleware_accounts.py); others may.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Consultation Tracker"
MFA_REQUIRED_FOR_SECRETARIAT = envbool("MFA_REQUIRED_FOR_SECRETARIAT", "True")
# Development serves http://127.0.0.1: browsers allow WebAuthn there, allauth only when told.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", "False")

# Sessions end after SESSION_IDLE_MINUTES without activity and SESSION_MAX_HOURS after sign-in, whatever the
# activity (consultation/middleware_accounts.py, which also records the activity at most once a minute).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "30") * 60
SESSION_ABSOLUTE_AGE = envint("SESSION_MAX_HOURS", "12") * 3600
# An invitation link works this many days.
INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", "14")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Private files (attachments, exports) live outside the web root and have no URL: they are served only
# through views that check permissions. Object storage can replace these backends in production.
PRIVATE_FILES_ROOT = Path(envstr("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private")))
# Finished exports are kept this long, then their files are deleted (hourly, by Celery beat).
EXPORT_EXPIRY_HOURS = envint("EXPORT_EXPIRY_HOURS", "72")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT / "attachments", "base_url": None},
    },
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT / "exports", "base_url": None},
    },
}
# Uploaded drafts are parsed in memory; refuse anything larger than this.
DRAFT_UPLOAD_MAX_BYTES = envint("DRAFT_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))
# Attachments of expert submissions: per file, per submission, and what an Office/ODF file (a zip) may unpack to.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
SUBMISSION_ATTACHMENTS_MAX_BYTES = envint("SUBMISSION_ATTACHMENTS_MAX_BYTES", str(50 * 1024 * 1024))
ATTACHMENT_MAX_UNZIPPED_BYTES = envint("ATTACHMENT_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024))
ATTACHMENT_MAX_ZIP_RATIO = envint("ATTACHMENT_MAX_ZIP_RATIO", "100")
ATTACHMENT_MAX_ZIP_ENTRIES = envint("ATTACHMENT_MAX_ZIP_ENTRIES", "5000")
DATA_UPLOAD_MAX_MEMORY_SIZE = DRAFT_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DRAFT_UPLOAD_MAX_BYTES + 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content Security Policy (django-csp) in every environment: no inline script or style anywhere; scripts in
# static/js/, styles in static/css/. htmx is told not to inject its own <style> (templates/base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "consultation.api.schema.ApiAutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "1200/minute", "tokens": "10/minute"},
    "EXCEPTION_HANDLER": "consultation.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Consultation & Evidence Tracker API",
    "DESCRIPTION": "Run expert consultations on draft papers: structure, ratings over time, open items, references.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers common to every endpoint (401, 403, 404, 400, 409), added where a view's annotation
    # left them out (consultation/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "consultation.api.schema.add_common_error_responses",
    ],
    # Several models have a "status" with their own choices: name each set after its model.
    "ENUM_NAME_OVERRIDES": {
        "RoundStatusEnum": "consultation.models.rounds.RoundStatus",
        "InvitationStatusEnum": "consultation.models.people.InvitationStatus",
        "ExportFormatEnum": "evidence.models.exports.ExportFormat",
        "ExportStatusEnum": "evidence.models.exports.ExportStatus",
    },
}

# Celery: the embedded PostgreSQL doubles as the broker unless one is configured.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", sqlalchemy_broker_url(DATABASE_URL))
# Progress and results of our tasks live in our own models (e.g. DraftImport), so no result backend.
CELERY_TASK_IGNORE_RESULT = True
# No "polling_interval" transport option: kombu's SQLAlchemy transport passes every option on to
# create_engine(), which refuses it. The transport polls once a second.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks (Celery beat; `make run` starts it inside the worker). Each email is sent once (its key is
# logged in evidence.SentNotification), so the hourly reminder run only bounds how late a reminder can be.
CELERY_BEAT_SCHEDULE = {
    "evidence-deadline-reminders": {"task": "evidence.tasks.send_deadline_reminders", "schedule": 3600.0},
    # Exports past EXPORT_EXPIRY_HOURS lose their file (evidence.services.exports.exports_expire).
    "evidence-expire-exports": {"task": "evidence.tasks.expire_exports", "schedule": 3600.0},
    "evidence-secretariat-digest": {
        "task": "evidence.tasks.send_secretariat_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "consultation-tracker@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "WARNING")}},
}
