"""Every page of the evidence library, role by role: anonymous -> sign in, non-member (a superuser) -> 404,
observers read but never write (403), experts quote but add sources only where allowed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.services.library import excerpt_create, latest_version

PASSAGE = "Users cannot audit what is matched."

# page name, method, expected status for: anonymous, outsider, observer, expert, secretariat
MATRIX = [
    ("sources", "get", 302, 404, 200, 200, 200),
    ("source_new", "get", 302, 404, 403, 403, 200),
    ("source", "get", 302, 404, 200, 200, 200),
    ("source_edit", "get", 302, 404, 403, 403, 200),
    ("source_version_new", "get", 302, 404, 403, 403, 200),
    ("source_download", "get", 302, 404, 200, 200, 200),
    ("excerpts", "get", 302, 404, 200, 200, 200),
    ("excerpt", "get", 302, 404, 200, 200, 200),
    ("excerpt_new", "post", 302, 404, 403, 400, 400),
    ("excerpt_delete", "post", 302, 404, 403, 302, 302),
]
ROLES = [None, "outsider", "observer", "expert", "secretariat"]


@pytest.fixture
def excerpt(own_source, expert):
    text = latest_version(own_source).text
    start = text.index(PASSAGE)
    return excerpt_create(
        consultation=own_source.consultation,
        user=expert,
        source=own_source,
        quote=PASSAGE,
        start=start,
        end=start + len(PASSAGE),
        stance="context",
    )


def args_for(name, own_source, excerpt):
    if name in ("source", "source_edit", "source_version_new", "source_download"):
        return (own_source.pk, 1) if name == "source_download" else (own_source.pk,)
    if name in ("excerpt", "excerpt_delete"):
        return (excerpt.pk,)
    return ()


@pytest.mark.parametrize(("name", "method", "expected"), [(r[0], r[1], r[2:]) for r in MATRIX])
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_each_page_answers_each_role_as_the_matrix_says(
    name, method, expected, role_index, request, page_client, consultation, own_source, excerpt
):
    role = ROLES[role_index]
    client = page_client(request.getfixturevalue(role) if role else None)
    path = reverse(f"evidence:{name}", args=[consultation.slug, *args_for(name, own_source, excerpt)])
    response = getattr(client, method)(path)
    assert response.status_code == expected[role_index], f"{role} {method} {name}"
