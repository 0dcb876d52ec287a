"""Who may open which page: signed-out users sign in, non-members see nothing, roles decide the rest."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.consultation.pages.conftest import page_urls

pytestmark = pytest.mark.django_db

READ_PAGES = ["home", "matrix", "solution", "open_items", "references", "draft"]
SECRETARIAT_PAGES = ["import", "import_detail", "import_progress", "edit"]
ALL_PAGES = READ_PAGES + SECRETARIAT_PAGES

# (role fixture, page, expected status)
EXPECTED = [
    *[(role, page, 200) for role in ("secretariat", "expert", "observer") for page in READ_PAGES],
    *[("secretariat", page, 200) for page in SECRETARIAT_PAGES],
    *[(role, page, 403) for role in ("expert", "observer") for page in SECRETARIAT_PAGES],
    *[("outsider", page, 404) for page in ALL_PAGES],
]


@pytest.fixture
def urls(consultation, paper, draft_import):
    return page_urls(consultation, import_id=draft_import.pk)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client_for, urls, page):
    response = client_for(None).get(urls[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize(("role", "page", "status"), EXPECTED)
def test_each_role_gets_what_it_may_see(request, client_for, urls, role, page, status):
    user = request.getfixturevalue(role)

    response = client_for(user).get(urls[page])

    assert response.status_code == status


def test_a_non_member_superuser_gets_the_same_404_as_for_a_consultation_that_does_not_exist(client_for, outsider):
    client = client_for(outsider)

    missing = client.get(reverse("consultation:matrix", args=["no-such-consultation"]))

    assert missing.status_code == 404


def test_an_unknown_solution_code_is_a_404_for_members(client_for, consultation, paper, expert):
    response = client_for(expert).get(reverse("consultation:solution", args=[consultation.slug, "9z"]))

    assert response.status_code == 404


def test_an_import_of_another_consultation_is_a_404(client_for, draft_import, secretariat):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory()
    from consultation.models import Membership, Role

    Membership.objects.create(consultation=other, user=secretariat, role=Role.SECRETARIAT)

    response = client_for(secretariat).get(reverse("consultation:import_detail", args=[other.slug, draft_import.pk]))

    assert response.status_code == 404


def test_the_403_page_says_the_page_is_for_the_secretariat(client_for, consultation, expert):
    response = client_for(expert).get(reverse("consultation:import", args=[consultation.slug]))

    assert response.status_code == 403
    assert "Only the secretariat" in response.content.decode()


@pytest.mark.parametrize("page", READ_PAGES)
def test_read_only_pages_refuse_posts(client_for, urls, secretariat, page):
    response = client_for(secretariat).post(urls[page])

    assert response.status_code == 405


# Forms that change something, posted empty: the secretariat gets its form back with errors (400), nobody else
# gets as far as the form. (test_<view>_page.py checks what a valid post does.)
WRITE_ENDPOINTS = {
    "edit": ("consultation:edit", []),
    "rating_change": ("consultation:rating_change", ["1a", "privacy"]),
    "classification_change": ("consultation:classification_change", ["1a"]),
}
WRITE_EXPECTED = [
    *[("secretariat", endpoint, 400) for endpoint in WRITE_ENDPOINTS],
    *[(role, endpoint, 403) for role in ("expert", "observer") for endpoint in WRITE_ENDPOINTS],
    *[("outsider", endpoint, 404) for endpoint in WRITE_ENDPOINTS],
]


def _write_url(consultation, endpoint: str) -> str:
    name, args = WRITE_ENDPOINTS[endpoint]
    return reverse(name, args=[consultation.slug, *args])


@pytest.mark.parametrize("endpoint", list(WRITE_ENDPOINTS))
def test_anonymous_posts_are_sent_to_sign_in(client_for, consultation, paper, endpoint):
    response = client_for(None).post(_write_url(consultation, endpoint))

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize(("role", "endpoint", "status"), WRITE_EXPECTED)
def test_each_role_may_post_only_what_it_may_change(request, client_for, consultation, paper, role, endpoint, status):
    user = request.getfixturevalue(role)

    response = client_for(user).post(_write_url(consultation, endpoint))

    assert response.status_code == status
