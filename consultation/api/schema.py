"""OpenAPI schema post-processing: the error answers every endpoint can give, documented once.

API.md promises the same error statuses everywhere (401 without credentials,
403 for a member without the right, 404 for what the user may not know
exists, 400 for bad input, 409 for a change to a frozen consultation). Views
document the errors particular to them with ``extend_schema``; this hook adds
the common ones an annotation left out, so that the schema says what the
server answers (the schemathesis run in tests/api checks every response
against it).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

WRITE_METHODS = {"post", "put", "patch", "delete"}

COMMON = {
    # Every endpoint but the token one needs credentials; the token endpoint takes a password instead.
    "401": "No credentials, or credentials that are not valid.",
    "403": "Your role does not allow this.",
    # Also a page number past the end of a list.
    "404": "No such object, or not a member of its consultation (or no such page of a list).",
}
BAD_INPUT = {"400": "Invalid input: field errors."}
# DRF's parsers answer 415 to a body in a media type the endpoint does not read.
UNREADABLE_BODY = {"415": "The request body is in a media type this endpoint does not read."}
IN_CONSULTATION_WRITE = {"409": "The consultation is closed or archived, or the object's state does not allow this."}


def add_common_error_responses(result, generator, request, public):
    """A drf-spectacular postprocessing hook: add the common error responses each API operation lacks."""
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(COMMON)
            if operation.get("parameters") or operation.get("requestBody") or method in WRITE_METHODS:
                extra.update(BAD_INPUT)
            if operation.get("requestBody"):
                extra.update(UNREADABLE_BODY)
            if method in WRITE_METHODS and path.startswith("/api/v1/consultations/{slug}/"):
                extra.update(IN_CONSULTATION_WRITE)
            for status, description in extra.items():
                responses.setdefault(status, {"description": description})
    return result


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with lists paginated only where they are read.

    A write that answers a list (PUT rounds/{n}/my-ratings/ answers the cells
    it saved) sends the plain list, and takes no page parameters.
    """

    def _get_paginator(self):
        return super()._get_paginator() if self.method == "GET" else None
