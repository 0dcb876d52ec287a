"""The permission matrix, generated from the URL configuration.

Every URL pattern of the project (pages, API endpoints, downloads, exports) is found by walking
``get_resolver()``, made concrete from the fixture table below (one consultation, one object of each kind), and
requested as each role: anonymous, a signed-in non-member, a non-member superuser, an observer, an expert (the
author of the input in the table), another expert and the secretariat. The answer must be the one written in
``EXPECTED``. A URL pattern with no row there fails ``test_every_url_pattern_has_a_row``: whoever adds a page
or an endpoint says here who may open it.

Requests are GETs (``METHOD`` names the few endpoints checked with a POST of an empty form instead). The data is
made once for the module, inside a transaction rolled back at its end; each request runs in a savepoint of its
own, so nothing one request changes is seen by the next.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

ROLES = ["anonymous", "non_member", "non_member_superuser", "observer", "expert", "other_expert", "secretariat"]

# Framework URLs left out, by name or by prefix, each for a reason.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: staff only, by Django's own permissions (tests/consultation/pages/test_admin.py)",
}
EXCLUDED_NAMES = {
    # allauth: sign-in, sign-out and the steps of sign-up, password reset and email confirmation work on tokens or
    # on the session's state; they are tested in tests/consultation/pages/test_sign_in.py and tests/accounts/.
    "logout": "signs the client out",
    "account_logout": "signs the client out",
    "account_login": "the same view as 'login'",
    "account_inactive": "allauth's notice for inactive accounts",
    "account_signup": "nobody signs up on their own (invitations only)",
    "account_reauthenticate": "a step of allauth's flows",
    "account_email_verification_sent": "a step of allauth's flows",
    "account_set_password": "a step of allauth's flows",
    "account_reset_password": "a step of allauth's flows",
    "account_reset_password_done": "a step of allauth's flows",
    "account_reset_password_from_key": "a step of allauth's flows (needs a mailed key)",
    "account_reset_password_from_key_done": "a step of allauth's flows",
    "account_confirm_email": "a step of allauth's flows (needs a mailed key)",
    "account_confirm_login_code": "a step of allauth's flows",
    "mfa_authenticate": "a step of the sign-in flow",
    "mfa_reauthenticate": "a step of allauth's flows",
    "mfa_reauthenticate_webauthn": "a step of allauth's flows",
    "mfa_activate_totp": "a step of the 2FA setup (tests/accounts/)",
    "mfa_deactivate_totp": "a step of the 2FA setup (tests/accounts/)",
    "mfa_view_recovery_codes": "a step of the 2FA setup (tests/accounts/)",
    "mfa_generate_recovery_codes": "a step of the 2FA setup (tests/accounts/)",
    "mfa_download_recovery_codes": "a step of the 2FA setup (tests/accounts/)",
    "mfa_list_webauthn": "a step of the 2FA setup (tests/accounts/)",
    "mfa_add_webauthn": "a step of the 2FA setup (tests/accounts/)",
    "mfa_remove_webauthn": "a security key's own page (tests/accounts/)",
    "mfa_edit_webauthn": "a security key's own page (tests/accounts/)",
}


def url_patterns(resolver=None, prefix: str = "", namespaces: tuple = (), kwargs: tuple = ()):
    """Every URL pattern as (name with its namespaces, route, names of its URL arguments), includes followed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        arguments = kwargs + tuple(_arguments(pattern))
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from url_patterns(pattern, route, inner, arguments)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else f"<unnamed {route}>"
            yield name, route, arguments


def _arguments(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    regex = getattr(pattern.pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


def checked_patterns() -> dict[str, tuple[str, tuple]]:
    patterns = {}
    for name, route, arguments in url_patterns():
        if route.startswith(tuple(EXCLUDED_PREFIXES)) or name in EXCLUDED_NAMES:
            continue
        patterns.setdefault(name, (route, arguments))
    return patterns


def row(anonymous, non_member, observer, expert, other_expert, secretariat, *, superuser=None) -> dict[str, int]:
    """Expected statuses by role; the non-member superuser fares as the non-member unless said otherwise."""
    return {
        "anonymous": anonymous,
        "non_member": non_member,
        "non_member_superuser": non_member if superuser is None else superuser,
        "observer": observer,
        "expert": expert,
        "other_expert": other_expert,
        "secretariat": secretariat,
    }


# Pages: anonymous visitors are sent to sign in (302), non-members get 404. API: 401 and 404.
MEMBERS_READ = row(302, 404, 200, 200, 200, 200)
SECRETARIAT_PAGE = row(302, 404, 403, 403, 403, 200)
API_MEMBERS_READ = row(401, 404, 200, 200, 200, 200)
API_SECRETARIAT = row(401, 404, 403, 403, 403, 200)
SIGNED_IN_PAGE = row(302, 200, 200, 200, 200, 200)

EXPECTED: dict[str, dict[str, int]] = {
    "account_change_password": SIGNED_IN_PAGE,
    "account_email": SIGNED_IN_PAGE,
    "api-docs": row(200, 200, 200, 200, 200, 200),
    "api:access-trail": API_SECRETARIAT,
    "api:classification-detail": API_MEMBERS_READ,
    "api:consistency": API_MEMBERS_READ,
    "api:consistency-mapping": API_MEMBERS_READ,
    "api:consistency-open-item": row(401, 404, 403, 403, 403, 201),
    "api:consultation-detail": API_MEMBERS_READ,
    "api:consultation-list": row(401, 200, 200, 200, 200, 200),
    "api:criterion-detail": API_MEMBERS_READ,
    "api:criterion-list": API_MEMBERS_READ,
    "api:draft-import": row(401, 400, 400, 400, 400, 400),
    "api:draft-import-confirm": row(401, 404, 403, 403, 403, 202),
    "api:draft-import-detail": API_SECRETARIAT,
    "api:invitation-detail": API_SECRETARIAT,
    "api:invitation-list": API_SECRETARIAT,
    "api:member-detail": API_SECRETARIAT,
    "api:member-list": API_SECRETARIAT,
    "api:open-item-detail": API_MEMBERS_READ,
    "api:open-item-list": API_MEMBERS_READ,
    "api:rating-detail": API_MEMBERS_READ,
    "api:rating-history": API_MEMBERS_READ,
    "api:rating-list": API_MEMBERS_READ,
    "api:reference-bibtex": API_MEMBERS_READ,
    "api:reference-detail": API_MEMBERS_READ,
    "api:reference-import": row(401, 404, 403, 403, 403, 400),
    "api:reference-list": API_MEMBERS_READ,
    "api:round-detail": API_MEMBERS_READ,
    "api:round-list": API_MEMBERS_READ,
    "api:round-my-ratings": row(401, 404, 403, 200, 200, 403),
    "api:round-results": row(401, 404, 200, 403, 403, 200),
    "api:section-list": API_MEMBERS_READ,
    "api:solution-detail": API_MEMBERS_READ,
    "api:solution-list": API_MEMBERS_READ,
    "api:tokens": row(401, 200, 200, 200, 200, 200),
    "api:version-diff": API_MEMBERS_READ,
    "api:version-list": API_MEMBERS_READ,
    "consultation:access": SECRETARIAT_PAGE,
    "consultation:access_csv": SECRETARIAT_PAGE,
    "consultation:cell_history": MEMBERS_READ,
    "consultation:cell_open_item": row(302, 404, 403, 403, 403, 302),
    "consultation:classification_change": row(302, 404, 403, 403, 403, 302),
    "consultation:compare": MEMBERS_READ,
    "consultation:consistency": MEMBERS_READ,
    "consultation:criterion": MEMBERS_READ,
    "consultation:draft": MEMBERS_READ,
    "consultation:edit": SECRETARIAT_PAGE,
    "consultation:home": MEMBERS_READ,
    "consultation:import": SECRETARIAT_PAGE,
    "consultation:import_detail": SECRETARIAT_PAGE,
    "consultation:import_progress": SECRETARIAT_PAGE,
    "consultation:invitation": row(200, 200, 200, 200, 200, 200),
    "consultation:invitation_revoke": row(302, 404, 403, 403, 403, 302),
    "consultation:list": SIGNED_IN_PAGE,
    "consultation:matrix": MEMBERS_READ,
    "consultation:member_add": row(302, 404, 403, 403, 403, 400),
    "consultation:member_deadline": row(302, 404, 403, 403, 403, 302),
    "consultation:member_invite": row(302, 404, 403, 403, 403, 400),
    "consultation:member_remove": row(302, 404, 403, 403, 403, 302),
    "consultation:member_role": row(302, 404, 403, 403, 403, 302),
    "consultation:members": SECRETARIAT_PAGE,
    "consultation:new": row(302, 403, 403, 403, 403, 403, superuser=200),
    "consultation:open_item_change": row(302, 404, 403, 403, 403, 302),
    "consultation:open_items": MEMBERS_READ,
    "consultation:profile": SIGNED_IN_PAGE,
    "consultation:profile_details": row(302, 400, 400, 400, 400, 400),
    "consultation:rating_change": row(302, 404, 403, 403, 403, 302),
    "consultation:reattach": SECRETARIAT_PAGE,
    "consultation:reattach_resolve": row(302, 404, 403, 403, 403, 302),
    "consultation:reference_edit": SECRETARIAT_PAGE,
    "consultation:reference_new": SECRETARIAT_PAGE,
    "consultation:references": MEMBERS_READ,
    "consultation:references_export": MEMBERS_READ,
    "consultation:references_import": SECRETARIAT_PAGE,
    "consultation:round": MEMBERS_READ,
    "consultation:round_answer": row(302, 404, 403, 200, 200, 403),
    "consultation:round_new": SECRETARIAT_PAGE,
    "consultation:round_results": row(302, 404, 200, 403, 403, 200),
    "consultation:rounds": MEMBERS_READ,
    "consultation:solution": MEMBERS_READ,
    "consultation:token_create": SIGNED_IN_PAGE,
    "consultation:token_revoke": row(302, 302, 302, 302, 302, 302),
    "consultation:versions": MEMBERS_READ,
    "evidence-api:attachment-download": row(401, 404, 404, 200, 404, 200),
    "evidence-api:attachment-list": row(401, 404, 404, 200, 404, 200),
    "evidence-api:excerpt-detail": API_MEMBERS_READ,
    "evidence-api:excerpt-list": API_MEMBERS_READ,
    "evidence-api:export-list": API_SECRETARIAT,
    "evidence-api:open-item-evidence": API_MEMBERS_READ,
    "evidence-api:rating-evidence": API_MEMBERS_READ,
    "evidence-api:solution-evidence": API_MEMBERS_READ,
    "evidence-api:source-detail": API_MEMBERS_READ,
    "evidence-api:source-list": API_MEMBERS_READ,
    "evidence-api:source-versions": API_MEMBERS_READ,
    "evidence-api:submission-detail": row(401, 404, 404, 200, 404, 200),
    "evidence-api:submission-list": row(401, 404, 403, 200, 200, 200),
    "evidence-api:submission-notes": API_SECRETARIAT,
    "evidence-api:submission-submit": row(401, 404, 404, 409, 404, 403),
    "evidence-api:submission-versions": row(401, 404, 404, 200, 404, 200),
    "evidence-api:submission-withdraw": row(401, 404, 404, 200, 404, 403),
    "evidence-api:tag-list": API_SECRETARIAT,
    "evidence-export-api:export-detail": row(401, 404, 404, 404, 404, 200),
    "evidence-export-api:export-download": row(401, 404, 404, 404, 404, 200),
    "evidence:autosave": row(302, 404, 403, 200, 200, 200),
    "evidence:cell_evidence": MEMBERS_READ,
    "evidence:detail": row(302, 404, 404, 200, 404, 200),
    "evidence:download": row(302, 404, 404, 200, 404, 200),
    "evidence:edit": row(302, 404, 404, 200, 404, 403),
    "evidence:excerpt": MEMBERS_READ,
    "evidence:excerpt_delete": row(302, 404, 403, 403, 403, 302),
    "evidence:excerpt_new": row(302, 404, 403, 200, 200, 200),
    "evidence:excerpts": MEMBERS_READ,
    "evidence:export": row(302, 404, 404, 404, 404, 200),
    "evidence:export_download": row(302, 404, 404, 404, 404, 200),
    "evidence:export_progress": row(302, 404, 404, 404, 404, 200),
    "evidence:exports": SECRETARIAT_PAGE,
    "evidence:inbox": SECRETARIAT_PAGE,
    "evidence:mine": row(302, 404, 403, 200, 200, 200),
    "evidence:new": row(302, 404, 403, 200, 200, 200),
    "evidence:open_item_evidence": MEMBERS_READ,
    "evidence:open_item_resolve": SECRETARIAT_PAGE,
    "evidence:portal": row(302, 404, 403, 200, 200, 200),
    "evidence:shared": row(302, 404, 403, 200, 200, 200),
    "evidence:solution_evidence": MEMBERS_READ,
    "evidence:source": MEMBERS_READ,
    "evidence:source_download": MEMBERS_READ,
    "evidence:source_edit": SECRETARIAT_PAGE,
    "evidence:source_new": SECRETARIAT_PAGE,
    "evidence:source_version_new": SECRETARIAT_PAGE,
    "evidence:sources": MEMBERS_READ,
    "evidence:submission_quote": row(302, 404, 403, 200, 404, 200),
    "evidence:triage": SECRETARIAT_PAGE,
    "evidence:triage_note": row(302, 404, 403, 403, 403, 400),
    "evidence:triage_status": row(302, 404, 403, 403, 403, 400),
    "evidence:triage_tags": row(302, 404, 403, 403, 403, 400),
    "evidence:version": row(302, 404, 404, 200, 404, 200),
    "evidence:withdraw": row(302, 404, 404, 200, 404, 403),
    "login": row(200, 302, 302, 302, 302, 302),
    "mfa_index": SIGNED_IN_PAGE,
    "schema": row(200, 200, 200, 200, 200, 200),
    "usersessions_list": SIGNED_IN_PAGE,
}

# Endpoints that only take a POST are checked with a POST of an empty form: the role is checked first (403), then
# the input (400, or the page again with a message: 302). What a POST changes is rolled back after each request.
METHOD: dict[str, str] = dict.fromkeys(
    [
        "api:consistency-open-item",
        "api:draft-import",
        "api:draft-import-confirm",
        "api:reference-import",
        "consultation:cell_open_item",
        "consultation:invitation_revoke",
        "consultation:member_add",
        "consultation:member_deadline",
        "consultation:member_invite",
        "consultation:member_remove",
        "consultation:member_role",
        "consultation:open_item_change",
        "consultation:profile_details",
        "consultation:reattach_resolve",
        "consultation:token_create",
        "consultation:token_revoke",
        "evidence-api:submission-submit",
        "evidence-api:submission-withdraw",
        "evidence:autosave",
        "evidence:excerpt_delete",
        "evidence:triage_note",
        "evidence:triage_status",
        "evidence:triage_tags",
    ],
    "post",
)
# Query strings some URLs need to answer at all.
QUERY: dict[str, str] = {"api:version-diff": "?against=v1"}


def url_kwargs(w) -> dict[str, dict]:
    """The URL arguments of each pattern that has more than ``slug``, ``code``, ``key``, ``n`` and ``label``."""
    submission = {"pk": w.submission.pk}
    by_object = [
        (w.draft_import.pk, ["api:draft-import-detail", "api:draft-import-confirm", "consultation:import_detail",
                            "consultation:import_progress"]),
        (w.invitation.pk, ["api:invitation-detail", "consultation:invitation_revoke"]),
        (w.other_expert_membership.pk, ["api:member-detail", "consultation:member_deadline",
                                       "consultation:member_remove", "consultation:member_role"]),
        (w.open_item.pk, ["api:open-item-detail", "consultation:open_item_change", "evidence-api:open-item-evidence",
                         "evidence:open_item_evidence", "evidence:open_item_resolve"]),
        (w.reference.pk, ["api:reference-detail", "consultation:reference_edit"]),
        (w.reattachment.pk, ["consultation:reattach_resolve"]),
        (w.excerpt.pk, ["evidence-api:excerpt-detail", "evidence:excerpt", "evidence:excerpt_delete"]),
        (w.source.pk, ["evidence-api:source-detail", "evidence-api:source-versions", "evidence:source",
                      "evidence:source_edit", "evidence:source_version_new"]),
        (w.export.pk, ["evidence-export-api:export-detail", "evidence-export-api:export-download", "evidence:export",
                      "evidence:export_download", "evidence:export_progress"]),
    ]  # fmt: skip
    kwargs = {name: {"pk": pk} for pk, names in by_object for name in names}
    for name in ["evidence-api:attachment-list", "evidence-api:submission-detail", "evidence-api:submission-notes",
                 "evidence-api:submission-submit", "evidence-api:submission-versions",
                 "evidence-api:submission-withdraw", "evidence:detail", "evidence:edit", "evidence:withdraw",
                 "evidence:triage", "evidence:triage_note", "evidence:triage_status", "evidence:triage_tags",
                 "evidence:submission_quote"]:  # fmt: skip
        kwargs[name] = submission
    attachment = {**submission, "attachment_pk": w.attachment.pk}
    kwargs["evidence-api:attachment-download"] = kwargs["evidence:download"] = attachment
    kwargs["evidence:version"] = {**submission, "number": 1}
    kwargs["evidence:source_download"] = {"pk": w.source.pk, "number": 1}
    kwargs["consultation:invitation"] = {"token": w.invitation_token}
    kwargs["api:version-diff"] = {"label": "v2"}
    return kwargs


DEFAULT_KWARGS = {"code": "1a", "key": "effectiveness", "n": 1, "label": "v1"}


def concrete_url(world, name: str, arguments: tuple) -> str:
    own = url_kwargs(world).get(name, {})
    values = {"slug": world.consultation.slug, **DEFAULT_KWARGS, **own}
    missing = [argument for argument in arguments if argument not in values]
    assert not missing, f"{name}: no value for {missing} in the fixture table (url_kwargs)"
    return reverse(name, kwargs={argument: values[argument] for argument in arguments}) + QUERY.get(name, "")


PATTERNS = checked_patterns()


def test_every_url_pattern_has_a_row():
    missing = sorted(set(PATTERNS) - set(EXPECTED))
    assert not missing, (
        f"URL patterns with no row in EXPECTED (name the pattern if it has none, and say who may open it): {missing}"
    )
    stale = sorted(set(EXPECTED) - set(PATTERNS))
    assert not stale, f"rows in EXPECTED for URL patterns that no longer exist: {stale}"
    incomplete = sorted(name for name, statuses in EXPECTED.items() if set(statuses) != set(ROLES))
    assert not incomplete, f"rows that do not name every role: {incomplete}"


def test_the_table_keeps_the_house_rules_inside_a_consultation():
    """Whatever a row says, inside a consultation anonymous visitors sign in first (302 to the sign-in page, 401
    from the API) and non-members, superusers included, find nothing (404): a row cannot make a leak look right."""
    broken = []
    for name, (route, arguments) in PATTERNS.items():
        statuses = EXPECTED.get(name)
        if statuses is None or "slug" not in arguments:
            continue
        signed_out = 401 if route.startswith("api/") else 302
        if statuses["anonymous"] != signed_out or {statuses["non_member"], statuses["non_member_superuser"]} != {404}:
            broken.append(name)
    assert not broken, f"rows that let anonymous visitors or non-members in: {broken}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One consultation with one object of each kind, made once; rolled back when the module is done."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            world.clients = {}
            for role in ROLES:
                client = Client()
                if role != "anonymous":
                    client.force_login(getattr(world, role))
                world.clients[role] = client
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_world() -> SimpleNamespace:
    from consultation.models import (
        Classification,
        DraftImport,
        Membership,
        OpenItem,
        Reattachment,
        Reference,
        Role,
    )
    from consultation.services import assessment_revise, classification_revise
    from consultation.services.rounds import round_open
    from consultation.services.versions import version_publish
    from evidence.services.triage import internal_note_add, tag_create
    from tests.evidence.factories import attach, submitted_by
    from tests.factories import (
        AssessmentFactory,
        ConsultationFactory,
        CriterionFactory,
        InvitationFactory,
        SectionFactory,
        SolutionFactory,
        SolutionGroupFactory,
        UserFactory,
    )

    w = SimpleNamespace()
    c = w.consultation = ConsultationFactory(slug="matrix-test")
    w.non_member = UserFactory(username="pm-outsider")
    w.non_member_superuser = UserFactory(username="pm-root", is_staff=True, is_superuser=True)
    for role, name in (
        ("secretariat", "pm-sec"),
        ("observer", "pm-obs"),
        ("expert", "pm-exp"),
        ("other_expert", "pm-exp2"),
    ):
        user = UserFactory(username=name)
        setattr(w, role, user)
        membership = Membership.objects.create(
            consultation=c, user=user, role=Role.EXPERT if role == "other_expert" else role
        )
        setattr(w, f"{role}_membership", membership)

    section = SectionFactory(consultation=c, number="1", title="Options", order=1)
    group = SolutionGroupFactory(consultation=c, number=1, name="Device")
    solutions = [
        SolutionFactory(consultation=c, group=group, code=code, order=n, section=section)
        for n, code in enumerate(["1a", "1b"])
    ]
    criteria = [
        CriterionFactory(consultation=c, key=key, name=key.title(), order=n)
        for n, key in enumerate(["effectiveness", "privacy"])
    ]
    earlier = timezone.now() - timedelta(days=30)
    for solution in solutions:
        for criterion in criteria:
            cell = AssessmentFactory(consultation=c, solution=solution, criterion=criterion)
            assessment_revise(
                assessment=cell, stars=3, level="Medium", rationale="Why.", reason="Imported", when=earlier
            )
        classification = Classification.objects.create(consultation=c, solution=solution)
        classification_revise(classification=classification, value="top3", reason="Imported", when=earlier)
    w.open_item = OpenItem.objects.create(consultation=c, section=section, prompt="Which first?")
    w.reference = Reference.objects.create(consultation=c, group="General", number=1, title="A study", year=2021)
    version_publish(consultation=c, user=w.secretariat, label="v1", note="", published_at=earlier)
    version_publish(consultation=c, user=w.secretariat, label="v2", note="")
    now = timezone.now()
    w.round = round_open(consultation=c, user=w.secretariat, opens_at=now, closes_at=now + timedelta(days=2))
    w.invitation_token = "pm-invitation-token"
    w.invitation = InvitationFactory(consultation=c, email="pm-invitee@example.org", token=w.invitation_token)
    w.draft_import = DraftImport.objects.create(
        consultation=c,
        filename="d.txt",
        content="1. INTRODUCTION\n",
        sha256="0" * 64,
        created_by=w.secretariat,
        preview={},
    )
    w.submission = submitted_by(w.expert, c, title="Input", solutions=[solutions[0]])
    w.attachment = attach(w.submission, w.expert, name="study.pdf")
    w.tag = tag_create(consultation=c, user=w.secretariat, name="follow-up")
    internal_note_add(submission=w.submission, user=w.secretariat, body="Check it.")
    Token.objects.create(user=w.expert)
    w.reattachment = Reattachment.objects.create(
        consultation=c,
        draft_import=w.draft_import,
        holder_kind="submission",
        holder_id=w.submission.pk,
        target_kind="solution",
        old_target_id=solutions[1].pk,
        old_target_label="1b",
    )
    build_world_of_later_issues(w, solutions, criteria)
    return w


def build_world_of_later_issues(w, solutions, criteria) -> None:
    """Exports, sources and excerpts (issues 5 and 7)."""
    from evidence.services.exports import export_request, export_run
    from evidence.services.library import excerpt_create, source_create

    c = w.consultation
    w.export = export_request(consultation=c, user=w.secretariat, format="json")
    export_run(export_id=w.export.pk)  # done, with a file to download (the queued task never runs here)
    text = b"A study of hashing.\n\nHashes find known images only.\n"
    file = io.BytesIO(text)
    file.name, file.size = "study.txt", len(text)
    w.source = source_create(consultation=c, user=w.secretariat, title="A study", file=file)
    quote = "Hashes find known images only."
    start = text.decode().index(quote)
    w.excerpt = excerpt_create(
        consultation=c,
        user=w.secretariat,
        source=w.source,
        quote=quote,
        start=start,
        end=start + len(quote),
        stance="supports",
        solutions=[solutions[0]],
    )


CASES = [(name, role) for name in sorted(PATTERNS) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{name}-{role}" for name, role in CASES])
def test_each_role_gets_the_expected_answer(world, name, role):
    if name not in EXPECTED:
        pytest.fail(f"{name} has no row in EXPECTED")
    _route, arguments = PATTERNS[name]
    url = concrete_url(world, name, arguments)
    client = world.clients[role]
    method = METHOD.get(name, "get")
    # The API takes the same session cookie; with none (anonymous), it answers 401.
    response = getattr(client, method)(url, {}) if method == "post" else client.get(url)

    assert response.status_code == EXPECTED[name][role], (
        f"{method.upper()} {url} as {role}: {response.status_code}, expected {EXPECTED[name][role]}"
    )
