"""Members API: the secretariat lists, adds (existing accounts), changes and removes members; nobody else may."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Membership, Role
from tests.factories import ConsultationFactory, ProfileFactory, UserFactory

from .conftest import API

pytestmark = pytest.mark.django_db


def members_url(consultation, membership=None) -> str:
    return f"{API}/consultations/{consultation.slug}/members/{f'{membership.pk}/' if membership else ''}"


@pytest.fixture
def expert_membership(expert, observer, secretariat):
    return Membership.objects.get(user=expert)


def call(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data, format="json") if data is not None else getattr(client, method)(url)


ACTIONS = {
    "list": ("get", False, None),
    "add": ("post", False, {"email": "known@example.org", "role": "observer"}),
    "read": ("get", True, None),
    "change": ("patch", True, {"role": "observer"}),
    "remove": ("delete", True, None),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("outsider", 404), ("expert", 403), ("observer", 403)]
)
def test_only_the_secretariat_manages_members(consultation, expert_membership, as_role, action, role, status):
    UserFactory(username="known", email="known@example.org")
    method, detail, data = ACTIONS[action]
    before = sorted(Membership.objects.values_list("user__username", "role"))

    response = call(as_role(role), method, members_url(consultation, expert_membership if detail else None), data)

    assert response.status_code == status
    assert sorted(Membership.objects.values_list("user__username", "role")) == before


def test_the_secretariat_lists_members_with_role_profile_and_deadline(consultation, expert_membership, as_role, expert):
    ProfileFactory(user=expert, name="Eva Example", organisation="TU Delft", expert_type="academia", country="NL")
    until = timezone.now() + timedelta(days=40)
    Membership.objects.filter(pk=expert_membership.pk).update(deadline_extended_until=until)

    results = as_role("secretariat").get(members_url(consultation)).json()["results"]

    assert [(m["username"], m["role"]) for m in results] == [
        ("sec", "secretariat"),
        ("exp", "expert"),
        ("obs", "observer"),
    ]
    eva = results[1]
    assert eva["name"] == "Eva Example"
    assert eva["email"] == "exp@example.org"
    assert eva["profile"]["organisation"] == "TU Delft"
    assert eva["profile"]["country"] == "NL"
    assert eva["deadline_extended_until"] is not None
    assert results[2]["profile"] is None and results[2]["name"] == "Otto Observer"


def test_the_list_keeps_its_query_count_whatever_the_number_of_members(consultation, secretariat, as_role):
    client = as_role("secretariat")

    def add(n):
        for _ in range(n):
            user = UserFactory()
            ProfileFactory(user=user)
            Membership.objects.create(consultation=consultation, user=user, role=Role.EXPERT)

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(members_url(consultation)).status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(members_url(consultation)).json()["results"]) == 33
    assert len(large) == len(small)


def test_adding_an_existing_account_by_email(consultation, secretariat, as_role):
    known = UserFactory(username="known", email="known@example.org")

    response = as_role("secretariat").post(
        members_url(consultation), {"email": "KNOWN@example.org", "role": "expert"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["username"] == "known"
    assert response["ETag"]
    assert Membership.objects.get(consultation=consultation, user=known).role == Role.EXPERT


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "nobody@example.org", "role": "expert"}, "email", "No account uses nobody@example.org"),
        ({"email": "exp@example.org", "role": "expert"}, "email", "already a member"),
        ({"email": "known@example.org", "role": "chair"}, "role", "not a valid choice"),
        ({"email": "not-an-email", "role": "expert"}, "email", "valid email"),
        ({"role": "expert"}, "email", "required"),
    ],
)
def test_a_bad_addition_is_a_400_with_a_field_message(consultation, expert_membership, as_role, data, field, message):
    UserFactory(username="known", email="known@example.org")

    response = as_role("secretariat").post(members_url(consultation), data, format="json")

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_changing_a_role_and_a_deadline_with_if_match(consultation, expert_membership, as_role):
    consultation.closes_at = timezone.now() + timedelta(days=2)
    consultation.save()
    client = as_role("secretariat")
    url = members_url(consultation, expert_membership)
    etag = client.get(url)["ETag"]
    until = (timezone.now() + timedelta(days=9)).replace(microsecond=0)

    response = client.patch(
        url, {"role": "observer", "deadline_extended_until": until.isoformat()}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200, response.content
    expert_membership.refresh_from_db()
    assert (expert_membership.role, expert_membership.deadline_extended_until) == (Role.OBSERVER, until)
    assert response["ETag"] != etag
    stale = client.patch(url, {"role": "expert"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    expert_membership.refresh_from_db()
    assert expert_membership.role == Role.OBSERVER
    cleared = client.patch(url, {"deadline_extended_until": None}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert cleared.status_code == 200
    assert cleared.json()["deadline_extended_until"] is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "chair"}, "role"),
        ({"deadline_extended_until": "soon"}, "deadline_extended_until"),
        ({"deadline_extended_until": "2020-01-01T00:00:00Z"}, "deadline_extended_until"),
    ],
)
def test_a_bad_change_is_a_400_and_changes_nothing(consultation, expert_membership, as_role, data, field):
    consultation.closes_at = timezone.now() + timedelta(days=2)
    consultation.save()

    response = as_role("secretariat").patch(members_url(consultation, expert_membership), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    expert_membership.refresh_from_db()
    assert (expert_membership.role, expert_membership.deadline_extended_until) == (Role.EXPERT, None)


def test_removing_a_member_is_a_204_and_the_account_stays(consultation, expert_membership, as_role, expert):
    response = as_role("secretariat").delete(members_url(consultation, expert_membership))

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=expert_membership.pk).exists()
    expert.refresh_from_db()
    assert expert.is_active
    assert as_role("expert").get(f"{API}/consultations/{consultation.slug}/").status_code == 404


def test_the_last_secretariat_member_can_be_neither_removed_nor_demoted(consultation, secretariat, as_role):
    membership = Membership.objects.get(user=secretariat)
    client = as_role("secretariat")

    removed = client.delete(members_url(consultation, membership))
    demoted = client.patch(members_url(consultation, membership), {"role": "expert"}, format="json")

    assert removed.status_code == demoted.status_code == 409
    assert "only secretariat member" in removed.json()["detail"]
    membership.refresh_from_db()
    assert membership.role == Role.SECRETARIAT


def test_a_member_of_another_consultation_is_a_404(consultation, secretariat, as_role):
    elsewhere = Membership.objects.create(
        consultation=ConsultationFactory(),
        user=UserFactory(),
        role=Role.EXPERT,
    )

    response = as_role("secretariat").get(members_url(consultation, elsewhere))

    assert response.status_code == 404


def test_membership_is_managed_in_a_closed_consultation_too(consultation, expert_membership, as_role):
    # Who may read a closed or archived consultation is not its content: the secretariat still manages it.
    consultation.status = "closed"
    consultation.save()
    client = as_role("secretariat")
    until = (timezone.now() + timedelta(days=5)).isoformat()

    extended = client.patch(
        members_url(consultation, expert_membership), {"deadline_extended_until": until}, format="json"
    )
    invited = client.post(
        f"{API}/consultations/{consultation.slug}/invitations/",
        {"email": "late@example.org", "role": "observer"},
        format="json",
    )

    assert extended.status_code == 200
    assert invited.status_code == 201


def test_adding_someone_directly_revokes_their_open_invitation(consultation, secretariat, as_role):
    from consultation.models import InvitationStatus
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(consultation=consultation, email="known@example.org")
    UserFactory(username="known", email="known@example.org")

    response = as_role("secretariat").post(
        members_url(consultation), {"email": "known@example.org", "role": "expert"}, format="json"
    )

    assert response.status_code == 201
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
