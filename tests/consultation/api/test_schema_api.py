"""The OpenAPI schema generates cleanly and its browsable page works without a CDN."""

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_errors_or_warnings(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    paths = yaml.safe_load(schema_file.read_text())["paths"]
    assert {"get", "patch"} <= set(paths["/api/v1/consultations/{slug}/ratings/{code}/{key}/"])


def test_the_schema_is_served(client_for, expert):
    response = client_for(expert).get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/consultations/{slug}/open-items/" in response.content


def test_the_docs_page_is_served_from_vendored_files(client_for, expert):
    response = client_for(expert).get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
