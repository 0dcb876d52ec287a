"""One expert's input, with everything that must stay with its author and the secretariat (name, username, email,
organisation, file name, internal note, response, tags, drafts, earlier versions, round comments), crawled through
every page and endpoint of the consultation as every role: other experts and observers never see any of it (shared
input or not), anonymous visitors are sent to sign in, non-members (a superuser too) get 404 everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import Assessment, Membership, Profile, Role
from consultation.services import rating_change
from consultation.services.rounds import round_answer_save, round_open
from consultation.services.versions import version_publish
from evidence.models import Submission
from evidence.services.submissions import submission_edit
from evidence.services.triage import internal_note_add, open_item_answers_set, submission_triage, tag_create
from tests.factories import AssessmentFactory, UserFactory

from .factories import attach, draft_of, submitted_by

pytestmark = pytest.mark.django_db

SECRETS = [
    "Zeldina",
    "Quarx",
    "zq_author",
    "zq@leak.test",
    "Quarxcorp",
    "quarxfile",
    "NOTESECRET",
    "RESPSECRET",
    "TAGSECRET",
    "DRAFTSECRET",
    "OLDVERSIONSECRET",
    "ROUNDCOMMENTSECRET",
]


@pytest.fixture
def world(consultation, secretariat, draft_paper):
    author = UserFactory(username="zq_author", first_name="Zeldina", last_name="Quarx", email="zq@leak.test")
    Profile.objects.update_or_create(user=author, defaults={"name": "Zeldina Quarx", "organisation": "Quarxcorp"})
    Membership.objects.create(consultation=consultation, user=author, role=Role.EXPERT)
    (one_a, one_b), criteria = draft_paper["solutions"], draft_paper["criteria"]
    for solution in (one_a, one_b):
        for criterion in criteria:
            AssessmentFactory(
                consultation=consultation, solution=solution, criterion=criterion, stars=3, level="Medium"
            )
    item = draft_paper["open_item"]
    submission = submitted_by(
        author, consultation, title="TITLESECRET", body="OLDVERSIONSECRET", solutions=[one_a], open_items=[item]
    )
    attach(submission, author, name="quarxfile.pdf")
    submission_edit(submission=Submission.objects.get(pk=submission.pk), user=author, body="The current text.")
    draft = draft_of(author, consultation, title="DRAFTSECRET", body="DRAFTSECRET")
    internal_note_add(submission=submission, user=secretariat, body="NOTESECRET")
    tag = tag_create(consultation=consultation, user=secretariat, name="TAGSECRET")
    submission_triage(
        submission=Submission.objects.get(pk=submission.pk),
        user=secretariat,
        status="accepted",
        response="RESPSECRET",
        tags=[tag],
    )
    open_item_answers_set(item=item, user=secretariat, submissions=[submission])
    version_publish(consultation=consultation, user=secretariat, label="v1", note="")
    rating_change(
        consultation=consultation,
        solution=one_a,
        criterion=criteria[0],
        user=secretariat,
        reason="Input",
        stars=4,
        evidence=[submission.pk],
    )
    version_publish(consultation=consultation, user=secretariat, label="v2", note="")
    now = timezone.now()
    round = round_open(consultation=consultation, user=secretariat, opens_at=now, closes_at=now + timedelta(days=2))
    cell = Assessment.objects.get(solution=one_a, criterion=criteria[0])
    round_answer_save(round=round, expert=author, assessment=cell, stars=2, comment="ROUNDCOMMENTSECRET")
    return {"submission": submission, "draft": draft, "item": item, "attachment": submission.attachments.get()}


def pages(consultation, world) -> list[str]:
    c, s, item = f"/c/{consultation.slug}/", world["submission"].pk, world["item"].pk
    return [
        c, c + "matrix/", c + "matrix/?version=v1", c + "solutions/1a/", c + "solutions/1a/?version=v2",
        c + "criteria/effectiveness/", c + "solutions/1a/ratings/effectiveness/history/", c + "versions/",
        c + "compare/?from=v1&to=v2", c + "consistency/", c + "rounds/", c + "rounds/1/", c + "rounds/1/answer/",
        c + "rounds/1/results/", c + "open-items/", c + "references/", c + "draft/", c + "inbox/",
        c + "inbox/?q=Quarx", c + f"submissions/{s}/triage/", c + f"open-items/{item}/resolve/", c + "portal/",
        c + "submissions/mine/", c + "submissions/shared/", c + "submissions/shared/?q=Quarx",
        c + f"submissions/{s}/", c + f"submissions/{world['draft'].pk}/", c + f"submissions/{s}/versions/1/",
        c + f"submissions/{s}/attachments/{world['attachment'].pk}/download/", c + "members/",
    ]  # fmt: skip


def endpoints(consultation, world) -> list[str]:
    a, s = f"/api/v1/consultations/{consultation.slug}/", world["submission"].pk
    return [
        a, a + "submissions/", a + "submissions/?search=Quarx", a + "submissions/?search=OLDVERSIONSECRET",
        a + "submissions/?state=draft", a + "submissions/?solution=1a", a + f"submissions/{s}/",
        a + f"submissions/{world['draft'].pk}/", a + f"submissions/{s}/versions/", a + f"submissions/{s}/attachments/",
        a + f"submissions/{s}/attachments/{world['attachment'].pk}/download/", a + f"submissions/{s}/notes/",
        a + "tags/", a + "ratings/", a + "ratings/1a/effectiveness/", a + "ratings/1a/effectiveness/history/",
        a + "open-items/", a + f"open-items/{world['item'].pk}/", a + "versions/", a + "versions/v2/diff/?against=v1",
        a + "rounds/", a + "rounds/1/", a + "rounds/1/my-ratings/", a + "rounds/1/results/", a + "members/",
        a + "invitations/", a + "consistency/",
    ]  # fmt: skip


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace").lower()


@pytest.mark.parametrize("shared", [True, False], ids=["shared", "not shared"])
@pytest.mark.parametrize("role", ["expert", "observer"])
def test_other_members_never_see_what_belongs_to_the_author(
    request, consultation, world, page_client, api_client, shared, role
):
    consultation.share_input_with_experts = consultation.observers_see_input = shared
    consultation.save()
    user = request.getfixturevalue(role)
    for client, urls in ((page_client(user), pages), (api_client(user), endpoints)):
        for url in urls(consultation, world):
            response = client.get(url)

            assert response.status_code in (200, 400, 403, 404), (url, response.status_code)
            # Unshared input is not even named (by its title) on the cell history, comparisons or open items.
            secrets = SECRETS if shared else [*SECRETS, "TITLESECRET"]
            leaked = [secret for secret in secrets if secret.lower() in body_of(response)]
            assert not leaked, (url, leaked)


def test_anonymous_visitors_are_sent_to_sign_in_and_non_members_find_nothing(
    consultation, world, outsider, page_client, api_client
):
    for url in pages(consultation, world):
        assert page_client(None).get(url).status_code == 302, url
        assert page_client(outsider).get(url).status_code == 404, url
    for url in endpoints(consultation, world):
        assert api_client(None).get(url).status_code == 401, url
        assert api_client(outsider).get(url).status_code == 404, url
