"""The consultation's handling marking is on every one of its pages, at the top and at the bottom."""

import re

import pytest

from tests.consultation.pages.conftest import page_urls

pytestmark = pytest.mark.django_db

PAGES = ["home", "matrix", "solution", "open_items", "references", "draft", "import", "import_detail", "edit"]
BANNER = re.compile(r'<div class="marking-banner marking-banner--(top|bottom)"[^>]*>\s*<span[^>]*>([^<]*)</span>')


@pytest.fixture
def urls(consultation, paper, draft_import):
    consultation.marking = "LIMITE - do not share"
    consultation.save()
    return page_urls(consultation, import_id=draft_import.pk)


@pytest.mark.parametrize("page", PAGES)
def test_marking_banner_is_at_the_top_and_the_bottom_of_every_page(client_for, urls, secretariat, page):
    html = client_for(secretariat).get(urls[page]).content.decode()

    banners = BANNER.findall(html)

    assert banners == [("top", "LIMITE - do not share"), ("bottom", "LIMITE - do not share")]
    assert html.index("marking-banner--top") < html.index("<main")
    assert html.index("marking-banner--bottom") > html.index("</main>")


@pytest.mark.parametrize("page", PAGES)
def test_marking_is_in_the_window_title(client_for, urls, secretariat, page):
    html = client_for(secretariat).get(urls[page]).content.decode()

    assert re.search(r"<title>\[LIMITE - do not share\]", html)


def test_the_list_of_consultations_shows_each_ones_marking(client_for, consultation, expert):
    consultation.marking = "RESTRICTED"
    consultation.save()

    html = client_for(expert).get("/").content.decode()

    assert '<span class="marking-tag">RESTRICTED</span>' in html
