"""Schemathesis over the whole OpenAPI schema, as every role: never a 5xx, every response as the schema says.

The run is in-process: schemathesis sends its generated requests to Django's
WSGI handler inside the test's transaction (the demo consultation with its
draft, input and rounds loaded), authenticated with an API token of the role.
Path parameters are mostly the demo's real slug, codes, keys, labels and ids,
so that requests reach the views instead of stopping at a 404; each request
runs in a savepoint that is rolled back, so every one sees the same data.
Positive cases (valid by the schema) and negative ones (invalid by the schema)
are both sent. Hypothesis is derandomized: a run is reproducible.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from consultation.models import (
    Consultation,
    Criterion,
    DraftImport,
    DraftVersion,
    Invitation,
    Membership,
    OpenItem,
    Reference,
    Round,
    Solution,
)
from evidence.models import Attachment, Excerpt, Export, SourceDocument, Submission
from tests.evidence.factories import attach
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]

ROLES = ["secretariat", "expert", "observer", "non_member"]
EXAMPLES_PER_OPERATION = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The schema and docs pages are not part of the API contract (they answer YAML/HTML and take no input).
SKIPPED_PATHS = {"/api/schema/"}


@pytest.fixture
def demo(db):
    for command in ("load_demo", "load_demo_input", "load_demo_rounds"):
        call_command(command, verbosity=0)
    consultation = Consultation.objects.get(slug="demo")
    # The demo input has no files: give the expert's first submission one, for the attachment endpoints.
    expert = Membership.objects.filter(consultation=consultation, role="expert").order_by("pk").first().user
    attach(Submission.objects.filter(consultation=consultation, author=expert).order_by("pk").first(), expert)
    return consultation


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, without closing the test's connection at each request (as the test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _user_for(role: str, consultation: Consultation):
    if role == "non_member":
        # A superuser, to prove that it gives no way into a consultation one is not a member of.
        return UserFactory(username="fuzz-outsider", is_staff=True, is_superuser=True)
    return Membership.objects.filter(consultation=consultation, role=role).order_by("pk").first().user


def _real_path_values(consultation: Consultation) -> dict[str, list]:
    """Real values per path parameter name (and per resource for ``pk``), so requests reach the views."""
    submission_ids = list(Submission.objects.filter(consultation=consultation).values_list("pk", flat=True))
    return {
        "slug": [consultation.slug],
        "code": list(Solution.objects.filter(consultation=consultation).values_list("code", flat=True)[:3]),
        "key": list(Criterion.objects.filter(consultation=consultation).values_list("key", flat=True)[:3]),
        "label": list(DraftVersion.objects.filter(consultation=consultation).values_list("label", flat=True)),
        "n": list(Round.objects.filter(consultation=consultation).values_list("number", flat=True)),
        "attachment_pk": list(
            Attachment.objects.filter(submission__consultation=consultation).values_list("pk", flat=True)
        ),
        "id/members": list(Membership.objects.filter(consultation=consultation).values_list("pk", flat=True)[:3]),
        "id/invitations": list(Invitation.objects.filter(consultation=consultation).values_list("pk", flat=True)),
        "id/open-items": list(OpenItem.objects.filter(consultation=consultation).values_list("pk", flat=True)),
        "id/submissions": submission_ids,
        "id/references": list(Reference.objects.filter(consultation=consultation).values_list("pk", flat=True)[:3]),
        "id/sources": list(SourceDocument.objects.filter(consultation=consultation).values_list("pk", flat=True)),
        "id/excerpts": list(Excerpt.objects.filter(consultation=consultation).values_list("pk", flat=True)[:3]),
        "id/exports": list(Export.objects.filter(consultation=consultation).values_list("pk", flat=True)),
        "id/import": list(DraftImport.objects.filter(consultation=consultation).values_list("pk", flat=True)),
    }


def _path_choices(path: str, real: dict[str, list]) -> list[dict]:
    """Combinations of real path parameter values for ``path`` (at most a few dozen)."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return [{}]
    values = []
    for name in names:
        key = name
        if name in ("pk", "id"):  # drf-spectacular names a view's "pk" "id"
            resource = re.search(r"/([\w-]+)/\{" + name + r"\}", path).group(1)
            key = f"id/{resource}"
        options = real.get(key) or []
        if not options:
            return []
        values.append(options)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.islice(itertools.product(*values), 24)]


def _strategy(operation, real: dict[str, list]):
    """Mostly real path parameters (valid bodies more often than invalid ones); some generated ones."""
    choices = _path_choices(operation.path, real)
    strategies = []
    if choices:
        for mode, weight in ((GenerationMode.POSITIVE, 3), (GenerationMode.NEGATIVE, 2)):
            with_real = st.sampled_from(choices).flatmap(
                lambda params, mode=mode: operation.as_strategy(generation_mode=mode, path_parameters=params)
            )
            strategies += [with_real] * weight
    # Generated path parameters too (mostly 404s; odd values must not be 500s either).
    strategies += [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    return st.one_of(strategies)


def _run_operation(operation, strategy, app, headers: dict, failures: dict, statuses: Counter) -> Counter:
    """Send up to EXAMPLES_PER_OPERATION generated requests; record each distinct failure once."""
    answered: Counter = Counter()
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        with transaction.atomic():
            response = case.call(app=app, headers=headers)
            answered[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one entry per failed check
                titles = ", ".join(sorted({failure.title for failure in group.exceptions}))
                failures.setdefault(f"{label} -> {response.status_code}: {titles}", str(group))
            transaction.set_rollback(True)

    check()
    statuses.update(answered)
    return answered


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_the_schema_says_and_never_with_a_server_error(role, demo, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    user = _user_for(role, demo)
    headers = {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
    real = _real_path_values(demo)

    failures: dict[str, str] = {}
    statuses: Counter = Counter()
    per_operation: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED_PATHS:
            continue
        label = f"{operation.method.upper()} {operation.path}"
        per_operation[label] = _run_operation(
            operation, _strategy(operation, real), wsgi_app, headers, failures, statuses
        )

    total = sum(statuses.values())
    only_404 = sorted(label for label, answered in per_operation.items() if set(answered) == {404})
    print(
        f"\nschemathesis as {role}: {total} requests over {len(per_operation)} operations; "
        f"status codes {dict(sorted(statuses.items()))}; answered only 404: {len(only_404)} operations"
        + "".join(f"\n  {label}" for label in only_404)
    )
    assert not failures, (
        f"{len(failures)} distinct failures as {role}:\n"
        + "\n".join(failures)
        + "\n\nThe first ones in full:\n"
        + "\n\n".join(list(failures.values())[:5])
    )
    assert len(per_operation) >= 40
    assert all(sum(answered.values()) >= 5 for answered in per_operation.values())
