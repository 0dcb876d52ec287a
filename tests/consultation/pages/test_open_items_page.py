"""The open items of the draft, with their place, status and resolution, filtered by status."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(consultation):
    return reverse("consultation:open_items", args=[consultation.slug])


def _prompts(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', html)


def test_lists_every_item_with_section_place_status_and_resolution(client_for, url, consultation, paper, observer):
    html = client_for(observer).get(url).content.decode()

    assert _prompts(html) == ["Which solution first?", "Which other considerations?"]
    draft_url = reverse("consultation:draft", args=[consultation.slug])
    assert f'href="{draft_url}#section-3">3 Possible solutions</a>' in html
    assert "After the recommendations" in html
    assert '<span class="status-badge status--open">Open</span>' in html
    assert '<span class="status-badge status--resolved">Resolved</span>' in html
    assert "Covered by the new annex." in html


@pytest.mark.parametrize(
    ("status", "expected"),
    [("open", ["Which solution first?"]), ("resolved", ["Which other considerations?"]), ("in_progress", [])],
)
def test_filtering_by_status_shows_only_those_items(client_for, url, paper, expert, status, expected):
    html = client_for(expert).get(url, {"status": status}).content.decode()

    assert _prompts(html) == expected
    assert f'<option value="{status}" selected>' in html


def test_an_unknown_status_is_reported_and_everything_is_shown(client_for, url, paper, expert):
    html = client_for(expert).get(url, {"status": "closed"}).content.decode()

    assert "“closed” is not a status of open items" in html
    assert len(_prompts(html)) == 2


def test_a_draft_without_open_items_says_so(client_for, url, expert):
    html = client_for(expert).get(url).content.decode()

    assert "The draft has no open items." in html


def _change_url(consultation, item):
    return reverse("consultation:open_item_change", args=[consultation.slug, item.pk])


@pytest.fixture
def open_item(consultation, paper):
    from consultation.models import OpenItem

    return OpenItem.objects.get(consultation=consultation, status="open")


def test_the_secretariat_sees_a_change_form_for_each_item_and_others_do_not(
    client_for, url, consultation, open_item, secretariat, expert
):
    change_url = _change_url(consultation, open_item)

    assert f'action="{change_url}"' in client_for(secretariat).get(url).content.decode()
    assert "open-item-change" not in client_for(expert).get(url).content.decode()


def test_the_secretariat_resolves_an_item_with_a_resolution(client_for, url, consultation, open_item, secretariat):
    client = client_for(secretariat)

    response = client.post(
        _change_url(consultation, open_item),
        {"status": "resolved", "resolution": "Answered by the experts.", "version": open_item.version},
    )

    assert response.status_code == 302
    assert response.url == f"{url}#open-item-{open_item.pk}"
    open_item.refresh_from_db()
    assert (open_item.status, open_item.resolution, open_item.version) == ("resolved", "Answered by the experts.", 2)
    assert "Open item updated." in client.get(url).content.decode()


def test_resolving_without_a_resolution_is_refused(client_for, url, consultation, open_item, secretariat):
    client = client_for(secretariat)

    client.post(_change_url(consultation, open_item), {"status": "resolved", "resolution": " ", "version": 1})

    open_item.refresh_from_db()
    assert open_item.status == "open"
    assert "Say how the item was resolved" in client.get(url).content.decode()


def test_a_change_from_a_stale_page_is_refused(client_for, url, consultation, open_item, secretariat):
    client = client_for(secretariat)
    client.post(_change_url(consultation, open_item), {"status": "in_progress", "resolution": "", "version": 1})

    client.post(_change_url(consultation, open_item), {"status": "open", "resolution": "", "version": 1})

    open_item.refresh_from_db()
    assert open_item.status == "in_progress"
    assert "changed by someone else" in client.get(url).content.decode()


def test_a_closed_consultation_cannot_be_changed(client_for, url, consultation, open_item, secretariat):
    consultation.status = "closed"
    consultation.save()
    client = client_for(secretariat)

    client.post(_change_url(consultation, open_item), {"status": "in_progress", "resolution": "", "version": 1})

    open_item.refresh_from_db()
    assert open_item.status == "open"
    html = client.get(url).content.decode()
    assert "The consultation is closed: it cannot be changed." in html
    assert "open-item-change" not in html


@pytest.mark.parametrize(("role", "status"), [("expert", 403), ("observer", 403), ("outsider", 404), (None, 302)])
def test_only_the_secretariat_may_change_an_item(request, client_for, consultation, open_item, role, status):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(
        _change_url(consultation, open_item), {"status": "in_progress", "resolution": "", "version": 1}
    )

    assert response.status_code == status
    open_item.refresh_from_db()
    assert open_item.status == "open"
