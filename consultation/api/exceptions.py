"""API error responses: domain, database and validation errors become 4xx, never 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from consultation.exceptions import ConsultationError, StaleObjectError, StateConflictError

# SQLSTATE of a unique violation: the row exists already (a race between two creates): a conflict, not bad input.
UNIQUE_VIOLATION = "23505"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The object changed since you read it. Read it again, then apply your change."
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object's current state does not allow this."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is larger than allowed."
    default_code = "payload_too_large"


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, StaleObjectError):
        exc = PreconditionFailed(exc.message)
    elif isinstance(exc, StateConflictError):
        exc = Conflict(exc.message)
    elif isinstance(exc, ConsultationError):
        exc = exceptions.ValidationError({"non_field_errors": [exc.message]})
    elif isinstance(exc, IntegrityError):
        # Serializers check what they can; the database constraints are the last word (and win races).
        if _sqlstate(exc) == UNIQUE_VIOLATION:
            exc = Conflict("An object with these values exists already (it may have been created just now).")
        else:
            exc = exceptions.ValidationError({"non_field_errors": ["These values break a rule of the data."]})
    elif isinstance(exc, DataError):
        exc = exceptions.ValidationError({"non_field_errors": ["A value is out of range or too long."]})
    return drf_exception_handler(exc, context)
