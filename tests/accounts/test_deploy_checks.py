"""The production settings pass ``manage.py check --deploy`` without a single warning, and set what matters."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
        **extra,
    }
    # Browser tests in the same run set this for Django's live server; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def run(code: str, **extra) -> subprocess.CompletedProcess:
    # A subprocess: the production settings must be imported fresh, not over the test settings.
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(**extra), capture_output=True, text=True, timeout=240
    )


CHECK = """
import django
django.setup()
from django.core.management import call_command
call_command("check", "--deploy", "--fail-level", "WARNING")
"""

SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "hsts": s.SECURE_HSTS_SECONDS, "ssl_redirect": s.SECURE_SSL_REDIRECT, "proxy": s.SECURE_PROXY_SSL_HEADER,
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "nosniff": s.SECURE_CONTENT_TYPE_NOSNIFF, "referrer": s.SECURE_REFERRER_POLICY, "debug": s.DEBUG,
    "csrf_origins": s.CSRF_TRUSTED_ORIGINS, "csp": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "mfa": s.MFA_REQUIRED_FOR_SECRETARIAT,
}))
"""


def test_the_production_settings_pass_the_deploy_check_with_no_warning():
    result = run(CHECK)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_the_production_settings_turn_on_https_hsts_secure_cookies_and_the_csp():
    result = run(SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])

    assert values["hsts"] >= 31536000
    assert values["ssl_redirect"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["session_secure"] and values["csrf_secure"] and values["nosniff"]
    assert values["referrer"] == "same-origin"
    assert values["debug"] is False
    assert values["csrf_origins"] == ["https://tracker.example.org"]
    assert values["csp"]["script-src"] == ["'self'"] and values["csp"]["style-src"] == ["'self'"]
    assert values["mfa"] is True


def test_the_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
