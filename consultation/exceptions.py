"""Domain errors that views (HTML and API) turn into clear messages and status codes."""


class ConsultationError(Exception):
    """Base class; ``message`` is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleObjectError(ConsultationError):
    """The object changed since the user read it (HTTP 412)."""


class StateConflictError(ConsultationError):
    """The action is not allowed in the object's current state (HTTP 409)."""
