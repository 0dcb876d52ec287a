"""Settings for the test suite: a throwaway embedded PostgreSQL per test run.

The early pytest plugin ``tests/embedded_db.py`` has already started a fresh
cluster and exported DATABASE_URL, so ``base`` attaches to that server instead
of the developer's own under ``var/pgdata``.
"""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
# Private files (attachments, exports) go to PRIVATE_FILES_ROOT, a folder per test run made and removed by
# tests/embedded_db.py.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "tokens": "100000/minute"},
}

# Each pytest-xdist worker runs its own Celery worker thread; give each its own queue on the
# shared broker so that a task is always consumed by the process whose test database it uses.
CELERY_TASK_DEFAULT_QUEUE = "tests-" + os.environ.get("PYTEST_XDIST_WORKER", "main")

# Serve static files straight from the finders (the browser tests load the real CSS and JS).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Every test client and the live server's browser sign in from 127.0.0.1, in one cache per process: allauth's
# limits per address would add up across unrelated tests. tests/consultation/pages/test_sign_in.py checks the
# refusal after failed attempts with rates of its own.
ACCOUNT_RATE_LIMITS = {
    **ACCOUNT_RATE_LIMITS,  # noqa: F405
    "login": "100000/m/ip",
    "login_failed": "100000/m/ip,100/5m/key",
    "signup": "100000/m/ip",
    "reset_password": "100000/m/ip,100/m/key",
    "reset_password_from_key": "100000/m/ip",
}

# Most tests sign in with force_login and no second factor; tests/accounts/ switch the requirement on.
MFA_REQUIRED_FOR_SECRETARIAT = False
# Activity is recorded at most every 10 minutes (1 in production): a slow test between signing in and its
# request must not see the session's save among the queries it counts.
SESSION_ACTIVITY_SECONDS = 600
