"""Whatever a client sends, the answer is a 4xx that says what is wrong, never a 500."""

import json

import pytest

from consultation.models import OpenItem

from .conftest import API

pytestmark = pytest.mark.django_db

# (method, path) of every write inside a consultation
WRITES = [
    ("patch", ""),
    ("post", "solutions/"),
    ("post", "criteria/"),
    ("patch", "ratings/1a/privacy/"),
    ("patch", "classifications/1a/"),
    ("post", "open-items/"),
    ("patch", "open-items/{item}/"),
    ("post", "references/"),
]


def url(consultation, path: str) -> str:
    item = OpenItem.objects.get(consultation=consultation)
    return f"{API}/consultations/{consultation.slug}/" + path.format(item=item.pk)


@pytest.mark.parametrize("raw", ['{"stars": ', "not json at all", '{"a": 1}}', "\x00"])
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_malformed_json_is_a_400(draft, as_role, method, path, raw):
    response = getattr(as_role("secretariat"), method)(url(draft, path), raw, content_type="application/json")

    assert response.status_code == 400, response.content


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42", "null"])
@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_body_that_is_not_an_object_is_a_400(draft, as_role, method, path, body):
    response = getattr(as_role("secretariat"), method)(url(draft, path), body, content_type="application/json")

    assert response.status_code == 400, response.content


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_body_in_an_unsupported_format_is_a_415(draft, as_role, method, path):
    response = getattr(as_role("secretariat"), method)(url(draft, path), "stars=5", content_type="text/csv")

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "", {"title": ["a", "list"]}, "title"),
        ("patch", "", {"opens_at": "next tuesday"}, "opens_at"),
        ("patch", "", {"marking": None}, "marking"),
        ("patch", "", {"title": "x" * 301}, "title"),
        ("patch", "", {"title": "nul\x00byte"}, "title"),
        ("post", "solutions/", {"code": {"a": 1}, "group": 1, "title": "X"}, "code"),
        ("post", "solutions/", {"code": "1c", "group": 10**30, "title": "X"}, "group"),
        ("post", "solutions/", {"code": "1c", "group": 1, "title": "X", "section": ["1"]}, "section"),
        ("post", "criteria/", {"key": "k", "name": "N", "order": 10**6}, "order"),
        ("patch", "ratings/1a/privacy/", {"stars": 10**30, "reason": "x"}, "stars"),
        ("patch", "ratings/1a/privacy/", {"stars": 3, "reason": {"why": "x"}}, "reason"),
        ("patch", "ratings/1a/privacy/", {"stars": 3, "reason": "x", "level": "x" * 61}, "level"),
        ("patch", "ratings/1a/privacy/", {"stars": 3, "reason": "x", "evidence": "12"}, "evidence"),
        ("patch", "ratings/1a/privacy/", {"stars": 3, "reason": "x", "evidence": ["a"]}, "evidence"),
        ("patch", "classifications/1a/", {"value": ["top3"], "reason": "x"}, "value"),
        ("post", "open-items/", {"prompt": None}, "prompt"),
        ("post", "open-items/", {"prompt": "X", "section": 1.5}, "section"),
        ("patch", "open-items/{item}/", {"status": 3}, "status"),
        ("post", "references/", {"group": "G", "title": "T", "year": "two thousand"}, "year"),
        ("post", "references/", {"group": "G", "title": "T", "solutions": "1a"}, "solutions"),
        ("post", "references/", {"group": "G", "title": "T", "number": 0}, "number"),
    ],
)
def test_wrong_types_and_sizes_are_a_400_naming_the_field(draft, as_role, method, path, body, field):
    response = getattr(as_role("secretariat"), method)(url(draft, path), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    ("path", "field"), [("", "title"), ("ratings/1a/privacy/", "reason"), ("open-items/{item}/", "prompt")]
)
def test_text_with_a_lone_surrogate_is_a_400(draft, as_role, path, field):
    raw = json.dumps({"stars": 3, "reason": "x", field: "lone \ud800 surrogate"})  # ASCII-escaped, as sent
    response = as_role("secretariat").patch(url(draft, path), raw, content_type="application/json")

    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "solutions/%00/",
        "criteria/%00/",
        "ratings/%00/%00/",
        "classifications/%00/",
        "ratings/1a/%00/history/",
        "open-items/99999999999999999999999/",
        "solutions/" + "x" * 5000 + "/",
    ],
)
def test_odd_addresses_are_a_4xx(draft, as_role, path):
    response = as_role("expert").get(f"{API}/consultations/{draft.slug}/{path}")

    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": 10**6}, {"page_size": "-1"}, {"status": "\x00"}])
def test_odd_query_parameters_are_not_a_500(draft, as_role, params):
    response = as_role("expert").get(f"{API}/consultations/{draft.slug}/open-items/", params)

    assert response.status_code < 500


@pytest.mark.parametrize("if_match", ["", "garbage", 'W/"a1-1"', '"a1-1", "a2-2"', "*"])
def test_odd_if_match_headers_are_a_412_or_accepted_never_a_500(draft, as_role, if_match):
    response = as_role("secretariat").patch(
        url(draft, "ratings/1a/privacy/"), {"stars": 4, "reason": "x"}, format="json", headers={"If-Match": if_match}
    )

    assert response.status_code in (200, 412)
    assert response.status_code == (200 if if_match == "*" else 412)
