"""Who may read and change what, for every endpoint inside a consultation.

Anonymous callers get 401, non-members 404 (a superuser too: the consultation
looks like one that does not exist), experts and observers read (200) but
cannot change (403), the secretariat does both. A closed or archived
consultation stays readable and refuses changes with 409.
"""

import pytest

from consultation.models import OpenItem

from .conftest import API

pytestmark = pytest.mark.django_db

READS = [
    "",
    "sections/",
    "solutions/",
    "solutions/1a/",
    "criteria/",
    "criteria/privacy/",
    "ratings/",
    "ratings/1a/privacy/",
    "ratings/1a/privacy/history/",
    "classifications/1a/",
    "consistency/",
    "open-items/",
    "open-items/{item}/",
    "references/",
]

# (method, path, body, status for the secretariat)
WRITES = [
    ("patch", "", {"title": "A clearer title"}, 200),
    ("post", "solutions/", {"code": "2a", "group": 1, "title": "Server-side hashing"}, 201),
    ("post", "criteria/", {"key": "security", "name": "Security", "question": "Is it secure?"}, 201),
    ("patch", "ratings/1a/privacy/", {"stars": 3, "level": "Medium", "reason": "Expert input."}, 200),
    ("patch", "classifications/1a/", {"value": "top3", "reason": "Round 1."}, 200),
    ("post", "open-items/", {"prompt": "What about metadata?"}, 201),
    ("patch", "open-items/{item}/", {"status": "in_progress"}, 200),
    ("post", "references/", {"group": "General", "title": "Another study", "year": 2022}, 201),
]

READ_STATUS = {"anonymous": 401, "outsider": 404, "observer": 200, "expert": 200, "secretariat": 200}
WRITE_STATUS = {"anonymous": 401, "outsider": 404, "observer": 403, "expert": 403}


def url(consultation, path: str) -> str:
    item = OpenItem.objects.filter(consultation=consultation).first()
    return f"{API}/consultations/{consultation.slug}/" + path.format(item=item.pk if item else 0)


@pytest.mark.parametrize("role", list(READ_STATUS))
@pytest.mark.parametrize("path", READS)
def test_members_read_and_everyone_else_is_refused(draft, as_role, role, path):
    response = as_role(role).get(url(draft, path))
    assert response.status_code == READ_STATUS[role], response.content


@pytest.mark.parametrize("role", [*WRITE_STATUS, "secretariat"])
@pytest.mark.parametrize(("method", "path", "body", "allowed"), WRITES)
def test_only_the_secretariat_changes_anything(draft, as_role, role, method, path, body, allowed):
    response = getattr(as_role(role), method)(url(draft, path), body, format="json")
    assert response.status_code == WRITE_STATUS.get(role, allowed), response.content


@pytest.mark.parametrize("status", ["closed", "archived"])
@pytest.mark.parametrize(("method", "path", "body", "allowed"), WRITES)
def test_a_closed_consultation_refuses_changes_with_409(draft, as_role, status, method, path, body, allowed):
    draft.status = status
    draft.save()
    response = getattr(as_role("secretariat"), method)(url(draft, path), body, format="json")
    assert response.status_code == 409, response.content
    assert status in response.json()["detail"]


@pytest.mark.parametrize("path", READS)
def test_a_closed_consultation_stays_readable(draft, as_role, path):
    draft.status = "closed"
    draft.save()
    assert as_role("observer").get(url(draft, path)).status_code == 200


@pytest.mark.parametrize("path", ["", "ratings/", "ratings/1a/privacy/", "open-items/"])
def test_a_consultation_that_does_not_exist_looks_like_one_the_user_cannot_see(draft, as_role, path):
    missing = as_role("secretariat").get(f"{API}/consultations/no-such-consultation/{path}")
    hidden = as_role("outsider").get(url(draft, path))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


UNKNOWN = ["solutions/9z/", "criteria/nothing/", "ratings/9z/privacy/", "ratings/1a/nothing/history/", "open-items/0/"]


@pytest.mark.parametrize("path", UNKNOWN)
def test_unknown_objects_inside_a_visible_consultation_are_404(draft, as_role, path):
    assert as_role("expert").get(url(draft, path)).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("outsider", 200), ("expert", 200), ("secretariat", 200)]
)
def test_everyone_signed_in_may_list_consultations(draft, as_role, role, status):
    assert as_role(role).get(f"{API}/consultations/").status_code == status


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("expert", 403), ("outsider", 201)])
def test_only_staff_create_consultations(as_role, role, status):
    body = {"slug": "new-one", "title": "A new consultation"}
    assert as_role(role).post(f"{API}/consultations/", body, format="json").status_code == status
