"""The change audit trail: every insert, update and delete of a tracked model, with the request's user.

django-pghistory records the events with database triggers, so changes made
outside the app's code paths (the admin, a shell, a migration) are recorded
too. ``pghistory.middleware.HistoryMiddleware`` attaches the request's user
and URL as context.
"""

import pghistory


def tracked(model):
    """Class decorator: record inserts, updates and deletes of ``model`` (fresh trackers per model)."""
    return pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(model)
