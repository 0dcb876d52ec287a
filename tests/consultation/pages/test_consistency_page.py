"""The consistency page: the disagreeing cells, the mapping the secretariat adjusts, and one-click open items."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultation.models import Consultation, OpenItem, OpenItemStatus, Status

pytestmark = pytest.mark.django_db

LEVEL_FIELDS = {
    "level_high": "5",
    "level_medium_high": "4",
    "level_medium": "3",
    "level_medium_low": "2",
    "level_low": "1",
    "level_none": "na",
    "level_not_applicable": "na",
}


def url(consultation) -> str:
    return reverse("consultation:consistency", args=[consultation.slug])


def open_item_url(consultation, code="1a", key="effectiveness") -> str:
    return reverse("consultation:cell_open_item", args=[consultation.slug, code, key])


def test_members_see_the_disagreeing_cells_and_the_mapping(client_for, consultation, paper, observer):
    html = client_for(observer).get(url(consultation)).content.decode()

    assert "1 disagreement" in html
    assert 'id="disagreement-1a-effectiveness"' in html and "Medium-high" in html and "4★" in html
    assert "Turn into open item" not in html and "Save the mapping" not in html
    assert '<th scope="row" class="fw-normal">Medium-high</th><td>4★</td>' in html


def test_the_secretariat_adjusts_the_mapping_and_the_check_follows(client_for, consultation, paper, secretariat):
    client = client_for(secretariat)
    data = {**LEVEL_FIELDS, "level_medium_high": "5", "version": consultation.version}

    response = client.post(url(consultation), data)

    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.consistency_mapping == {"medium-high": 5}
    html = client.get(url(consultation)).content.decode()
    assert "No disagreement" in html and "Mapping saved" in html
    matrix = client.get(reverse("consultation:matrix", args=[consultation.slug])).content.decode()
    assert "matrix-cell--disagrees" not in matrix
    api = client.get(f"/api/v1/consultations/{consultation.slug}/consistency/").json()
    assert api["count"] == 0


def test_in_between_levels_span_both_ends_of_the_adjusted_mapping(client_for, consultation, paper, secretariat):
    from consultation.services import rating_change

    solution, criterion = paper["solutions"][1], paper["criteria"][1]
    rating_change(
        consultation=consultation, solution=solution, criterion=criterion, user=secretariat,
        reason="Between two levels", stars=4, level="Medium/Medium-low",
    )  # fmt: skip
    client = client_for(secretariat)
    assert 'id="disagreement-1a-privacy"' in client.get(url(consultation)).content.decode()

    client.post(url(consultation), {**LEVEL_FIELDS, "level_medium": "4", "version": consultation.version})

    assert 'id="disagreement-1a-privacy"' not in client.get(url(consultation)).content.decode()


def test_a_stale_mapping_form_is_refused_and_keeps_the_choices(client_for, consultation, paper, secretariat):
    stale_version = consultation.version
    Consultation.objects.filter(pk=consultation.pk).update(version=stale_version + 1)

    response = client_for(secretariat).post(
        url(consultation), {**LEVEL_FIELDS, "level_high": "4", "version": stale_version}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else" in html
    assert '<option value="4" selected>4 stars</option>' in html.split('name="level_high"')[1].split("</select>")[0]
    assert f'value="{stale_version + 1}"' in html
    consultation.refresh_from_db()
    assert consultation.consistency_mapping == {}


def test_only_the_secretariat_adjusts_the_mapping(client_for, consultation, paper, expert, outsider):
    data = {**LEVEL_FIELDS, "level_high": "1", "version": consultation.version}

    assert client_for(expert).post(url(consultation), data).status_code == 403
    assert client_for(outsider).post(url(consultation), data).status_code == 404
    consultation.refresh_from_db()
    assert consultation.consistency_mapping == {}


def test_a_disagreeing_cell_becomes_an_open_item_in_one_click(client_for, consultation, paper, secretariat):
    client = client_for(secretariat)

    response = client.post(open_item_url(consultation))

    assert response.status_code == 302
    item = OpenItem.objects.get(assessment__solution__code="1a", assessment__criterion__key="effectiveness")
    assert item.section.number == "3.1" and item.status == OpenItemStatus.OPEN
    assert "1a" in item.prompt and "Effectiveness" in item.prompt
    assert "Medium-high" in item.prompt and "5 stars" in item.prompt
    html = client.get(url(consultation)).content.decode()
    assert f"Open item {item.pk}" in html and "Turn into open item" not in html


def test_a_second_click_while_the_item_is_open_creates_no_duplicate(client_for, consultation, paper, secretariat):
    client = client_for(secretariat)
    client.post(open_item_url(consultation))

    response = client.post(open_item_url(consultation), follow=True)

    assert "There is an open item on 1a/effectiveness already" in response.content.decode()
    assert OpenItem.objects.filter(assessment__isnull=False).count() == 1


def test_once_resolved_the_cell_may_be_raised_again(client_for, consultation, paper, secretariat):
    client = client_for(secretariat)
    client.post(open_item_url(consultation))
    OpenItem.objects.filter(assessment__isnull=False).update(status=OpenItemStatus.RESOLVED, resolution="Fixed.")

    client.post(open_item_url(consultation))

    assert OpenItem.objects.filter(assessment__isnull=False).count() == 2


def test_only_the_secretariat_raises_open_items(client_for, consultation, paper, expert, observer, outsider):
    assert client_for(expert).post(open_item_url(consultation)).status_code == 403
    assert client_for(observer).post(open_item_url(consultation)).status_code == 403
    assert client_for(outsider).post(open_item_url(consultation)).status_code == 404
    assert client_for(None).post(open_item_url(consultation)).status_code == 302
    assert client_for(expert).get(open_item_url(consultation)).status_code == 403
    assert not OpenItem.objects.filter(assessment__isnull=False).exists()


def test_a_closed_consultation_raises_no_open_item(client_for, consultation, paper, secretariat):
    consultation.status = Status.CLOSED
    consultation.save()

    response = client_for(secretariat).post(open_item_url(consultation), follow=True)

    assert "closed" in response.content.decode()
    assert not OpenItem.objects.filter(assessment__isnull=False).exists()
