"""Every text field of every write endpoint, read from the OpenAPI schema, gets nasty text: never a 5xx.

NUL bytes (PostgreSQL refuses them in text), a 1 MB string, right-to-left
marks and emoji, SQL and HTML: each is either refused with a 400 that names
a field, or stored as sent (an SQL fragment is text, not a query). Script
stored through the API comes back escaped on every page that shows it.
tests/consultation/api/test_malformed_input_api.py and
tests/evidence/test_malformed_input_api.py cover malformed JSON, wrong types
and numbers out of range per endpoint; this test covers the text fields of
all endpoints, the ones added later included, as the schema lists them.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from consultation.models import Consultation, Membership
from evidence.models import Submission

from .test_schemathesis import _path_choices, _real_path_values

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]

NASTY = {
    "nul": "before\x00after",
    "megabyte": "x" * (1024 * 1024),
    "rtl-emoji": "\u202eevil\u202c \U0001f600 \u05e9\u05dc\u05d5\u05dd \u0000"[:-1],
    "sql": "'); DROP TABLE consultation_consultation; --",
    "html": '<script>alert("stored")</script><img src=x onerror=alert(1)>',
}
# Fields that name other objects (a solution's code, a tag) rather than hold prose: their own tests cover them.
SKIPPED_FIELDS = {"password"}


def _write_operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method in ("post", "put", "patch"):
            operation = operations.get(method)
            if not operation or "requestBody" not in operation:
                continue
            content = operation["requestBody"].get("content", {})
            body = content.get("application/json")
            if body is None:
                continue
            yield path, method, body["schema"]


def _component(schema: dict, node: dict) -> dict:
    ref = node.get("$ref")
    if not ref:
        return node
    target = schema
    for part in ref.lstrip("#/").split("/"):
        target = target[part]
    return _component(schema, target)


def _text_fields(schema: dict, body: dict) -> list[str]:
    body = _component(schema, body)
    if body.get("type") == "array":
        return []
    fields = []
    for name, prop in (body.get("properties") or {}).items():
        prop = _component(schema, prop)
        if prop.get("readOnly") or name in SKIPPED_FIELDS:
            continue
        if prop.get("type") == "string" and not prop.get("format") and "enum" not in prop:
            fields.append(name)
    return fields


@pytest.fixture
def demo(db):
    for command in ("load_demo", "load_demo_input"):
        call_command(command, verbosity=0)
    return Consultation.objects.get(slug="demo")


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize("role", ["secretariat", "expert"])
def test_nasty_text_in_every_text_field_is_refused_with_a_field_message_or_stored_never_a_server_error(role, demo):
    schema = APIClient().get("/api/schema/?format=json").json()
    user = Membership.objects.filter(consultation=demo, role=role).order_by("pk").first().user
    client = _client(user)
    real = _real_path_values(demo)
    tried = 0
    problems = []
    for path, method, body in _write_operations(schema):
        choices = _path_choices(path, real)
        if not choices:
            continue
        url = path.format(**choices[0])
        for field in _text_fields(schema, body):
            for kind, value in NASTY.items():
                with transaction.atomic():
                    response = getattr(client, method)(url, {field: value}, format="json")
                    tried += 1
                    if response.status_code >= 500:
                        problems.append(f"{method.upper()} {url} {field}={kind}: {response.status_code}")
                    elif response.status_code == 400:
                        errors = response.json()
                        if not isinstance(errors, (dict, list)) or not errors:
                            problems.append(f"{method.upper()} {url} {field}={kind}: 400 without a message")
                    transaction.set_rollback(True)
    print(f"\ntext field fuzzing as {role}: {tried} requests")
    assert not problems, "\n".join(problems)
    assert tried > 50


def test_script_stored_through_the_api_is_escaped_on_the_pages_that_show_it(demo, client):
    expert = Membership.objects.filter(consultation=demo, role="expert").order_by("pk").first().user
    secretariat = Membership.objects.filter(consultation=demo, role="secretariat").order_by("pk").first().user
    script = NASTY["html"]
    api = f"/api/v1/consultations/{demo.slug}"
    created = _client(expert).post(
        f"{api}/submissions/", {"title": f"T {script}", "body": f"B {script}", "submit": True}, format="json"
    )
    assert created.status_code == 201, created.content
    submission = Submission.objects.get(pk=created.json()["id"])
    assert submission.title == f"T {script}"  # stored as sent, escaped when shown
    item = _client(secretariat).post(f"{api}/open-items/", {"prompt": f"P {script}"}, format="json")
    assert item.status_code == 201, item.content

    client.force_login(secretariat)
    pages = [
        f"/c/{demo.slug}/",
        f"/c/{demo.slug}/open-items/",
        f"/c/{demo.slug}/inbox/",
        f"/c/{demo.slug}/submissions/{submission.pk}/",
        f"/c/{demo.slug}/submissions/{submission.pk}/triage/",
    ]
    shown = 0
    for page in pages:
        response = client.get(page, follow=True)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        assert "<script>alert(" not in html, page
        assert not re.search(r"<img[^>]*onerror=alert", html), page
        shown += html.count("&lt;script&gt;alert(")
    assert shown >= 2
