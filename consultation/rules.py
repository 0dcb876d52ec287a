"""Who may do what in a consultation, written once and used by pages, the API, downloads and exports.

Roles are per consultation (``Membership``). Each predicate takes the user and
the consultation. A user's role is read once per request and cached on the
user object, so checking several rules costs one query.
"""

from __future__ import annotations

import rules

from consultation.models import Consultation, Membership, Role, RoundStatus, Status

_CACHE_ATTR = "_consultation_roles"
_SEEN_ATTR = "_consultations_seen"


def role_of(user, consultation: Consultation) -> str | None:
    """The user's role in ``consultation``, or None for a non-member (cached per user object)."""
    if user is None or not user.is_authenticated or consultation is None:
        return None
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if consultation.pk not in cache:
        cache[consultation.pk] = (
            Membership.objects.filter(user=user, consultation=consultation).values_list("role", flat=True).first()
        )
    return cache[consultation.pk]


def forget_roles(user) -> None:
    """Drop the cached roles (after a membership changed within the same request)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


@rules.predicate
def is_member(user, consultation) -> bool:
    return role_of(user, consultation) is not None


@rules.predicate
def is_secretariat(user, consultation) -> bool:
    return role_of(user, consultation) == Role.SECRETARIAT


@rules.predicate
def is_expert(user, consultation) -> bool:
    return role_of(user, consultation) == Role.EXPERT


@rules.predicate
def is_observer(user, consultation) -> bool:
    return role_of(user, consultation) == Role.OBSERVER


@rules.predicate
def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


rules.add_perm("consultation.view_consultation", is_member)
rules.add_perm("consultation.change_consultation", is_secretariat)
rules.add_perm("consultation.manage_members", is_secretariat)
rules.add_perm("consultation.change_draft", is_secretariat)
# Staff may import into a consultation they are a member of, whatever their role there (API.md: "staff, secretariat").
rules.add_perm("consultation.import_draft", is_secretariat | is_staff)
rules.add_perm("consultation.change_ratings", is_secretariat)
rules.add_perm("consultation.change_open_items", is_secretariat)
rules.add_perm("consultation.create_consultation", is_staff)
# The access trail (who read what): the secretariat reads it; nobody changes it (consultation/access.py).
rules.add_perm("consultation.view_access_trail", is_secretariat)

# Rating rounds (consultation/rounds.py): the secretariat opens and closes them, experts answer,
# and who reads a round's figures depends on the round (``can_view_round_results``).
rules.add_perm("consultation.manage_rounds", is_secretariat)
rules.add_perm("consultation.answer_round", is_expert)


# ``rules.has_perm`` rather than ``user.has_perm``: Django grants every permission to superusers,
# but a consultation's papers are for its members only, superusers included.


def can_view(user, consultation: Consultation) -> bool:
    return rules.has_perm("consultation.view_consultation", user, consultation)


def can_change(user, consultation: Consultation) -> bool:
    """Secretariat-only writes to the draft, its ratings and its open items."""
    return rules.has_perm("consultation.change_draft", user, consultation)


def can_import_draft(user, consultation: Consultation) -> bool:
    return rules.has_perm("consultation.import_draft", user, consultation)


def can_view_round_results(user, round) -> bool:
    """The secretariat and observers read a round's figures at any time; experts once it is closed, so that
    the group's figures cannot sway answers still being given. (In round 2 and later, experts thereby see
    the previous round's figures: a round opens only after the one before it closed.)"""
    role = role_of(user, round.consultation)
    if role in (Role.SECRETARIAT, Role.OBSERVER):
        return True
    return role == Role.EXPERT and round.status == RoundStatus.CLOSED


rules.add_perm("consultation.view_round_results", rules.predicate(can_view_round_results))


FROZEN_STATUSES = (Status.CLOSED, Status.ARCHIVED)


def accepts_changes(consultation: Consultation) -> bool:
    """A closed or archived consultation is read-only until the secretariat reopens it."""
    return consultation.status not in FROZEN_STATUSES


def get_visible_consultation(user, slug: str) -> Consultation:
    """The consultation ``slug`` if ``user`` is a member; otherwise Http404, as if it did not exist."""
    from django.http import Http404

    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None or not can_view(user, consultation):
        raise Http404("No such consultation.")
    # Kept on the user object beside the roles, so that the access trail's middleware records the read
    # without looking the consultation up again (consultation/middleware.py).
    seen = getattr(user, _SEEN_ATTR, None)
    if seen is None:
        seen = {}
        setattr(user, _SEEN_ATTR, seen)
    seen[slug] = consultation
    return consultation


def consultation_seen(user, slug: str) -> Consultation | None:
    """The consultation ``get_visible_consultation`` last gave ``user`` for ``slug`` (no query), or None."""
    return (getattr(user, _SEEN_ATTR, None) or {}).get(slug)
