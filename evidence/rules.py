"""Who may do what with expert input, written once for pages, the API, downloads and exports.

Predicates come from ``consultation.rules`` (roles are per consultation).
"""

from __future__ import annotations

import rules

from consultation.models import Role
from consultation.rules import is_expert, is_observer, is_secretariat, role_of

# Triage: the inbox, statuses and responses, internal notes, tags, resolving open items with input.
rules.add_perm("evidence.triage", is_secretariat)


def can_triage(user, consultation) -> bool:
    return rules.has_perm("evidence.triage", user, consultation)


# --- Expert input: who authors it, who reads it (others pseudonymised), its versions and attachments. ---
# Which submissions a user may read at all is ``Submission.objects.visible_to``; these rules agree with it.


@rules.predicate
def observers_see_input(user, consultation) -> bool:
    return bool(consultation is not None and consultation.observers_see_input)


@rules.predicate
def is_author(user, submission) -> bool:
    return bool(user and user.is_authenticated and submission is not None and submission.author_id == user.pk)


@rules.predicate
def is_secretariat_of_submission(user, submission) -> bool:
    return submission is not None and role_of(user, submission.consultation) == Role.SECRETARIAT


@rules.predicate
def is_submitted(user, submission) -> bool:
    return submission is not None and submission.submitted_at is not None


@rules.predicate
def reads_others_input(user, submission) -> bool:
    """Another member allowed to read this submission pseudonymised: submitted, not withdrawn, and shared."""
    if submission is None or submission.submitted_at is None or submission.withdrawn_at is not None:
        return False
    consultation = submission.consultation
    role = role_of(user, consultation)
    if role == Role.EXPERT:
        return consultation.share_input_with_experts
    if role == Role.OBSERVER:
        return consultation.observers_see_input
    return False


# Per consultation. Observers never author input.
rules.add_perm("evidence.add_submission", is_expert | is_secretariat)
rules.add_perm("evidence.list_submissions", is_secretariat | is_expert | (is_observer & observers_see_input))

# Per submission.
rules.add_perm(
    "evidence.view_submission", is_author | (is_secretariat_of_submission & is_submitted) | reads_others_input
)
rules.add_perm("evidence.change_submission", is_author)
rules.add_perm("evidence.withdraw_submission", is_author)
# Versions, attachments and the triage response: the author and the secretariat only. Others read the
# current text pseudonymised; a file or an earlier version could easily give the author away.
rules.add_perm("evidence.view_submission_history", is_author | (is_secretariat_of_submission & is_submitted))
rules.add_perm("evidence.view_attachments", is_author | (is_secretariat_of_submission & is_submitted))
rules.add_perm("evidence.add_attachment", is_author)
rules.add_perm("evidence.triage_submission", is_secretariat_of_submission & is_submitted)


def can_author(user, consultation) -> bool:
    return rules.has_perm("evidence.add_submission", user, consultation)


def can_list_input(user, consultation) -> bool:
    return rules.has_perm("evidence.list_submissions", user, consultation)


def can_view_submission(user, submission) -> bool:
    return rules.has_perm("evidence.view_submission", user, submission)


def sees_author(user, submission) -> bool:
    """Whether ``user`` may know who wrote ``submission`` (its author, the secretariat); others see "Expert N"."""
    return bool(is_author(user, submission) or is_secretariat_of_submission(user, submission))


# --- The evidence library (evidence/services/library.py): source documents and excerpts. ---
# Sources are part of the library every member reads (observers included). The secretariat adds and changes
# them; experts add them where the consultation allows it (``experts_may_add_sources``). Excerpts are made by
# every member but observers; an excerpt of a submission is read only by those who may read that submission
# (``Excerpt.objects.visible_to``), and changed or removed by its creator or the secretariat.


@rules.predicate
def experts_may_add_sources(user, consultation) -> bool:
    return bool(consultation is not None and consultation.experts_may_add_sources)


@rules.predicate
def is_excerpt_creator(user, excerpt) -> bool:
    return bool(user and user.is_authenticated and excerpt is not None and excerpt.created_by_id == user.pk)


@rules.predicate
def is_secretariat_of_excerpt(user, excerpt) -> bool:
    return excerpt is not None and role_of(user, excerpt.consultation) == Role.SECRETARIAT


rules.add_perm("evidence.view_sources", is_secretariat | is_expert | is_observer)
rules.add_perm("evidence.add_source", is_secretariat | (is_expert & experts_may_add_sources))
rules.add_perm("evidence.change_source", is_secretariat)
rules.add_perm("evidence.add_excerpt", is_secretariat | is_expert)
rules.add_perm("evidence.change_excerpt", is_excerpt_creator | is_secretariat_of_excerpt)


def can_add_source(user, consultation) -> bool:
    return rules.has_perm("evidence.add_source", user, consultation)


def can_change_source(user, consultation) -> bool:
    return rules.has_perm("evidence.change_source", user, consultation)


def can_add_excerpt(user, consultation) -> bool:
    return rules.has_perm("evidence.add_excerpt", user, consultation)


def can_change_excerpt(user, excerpt) -> bool:
    return rules.has_perm("evidence.change_excerpt", user, excerpt)


# --- Exports (issue 5): the secretariat; observers only where the secretariat allows it; experts never. ---


@rules.predicate
def observers_may_export(user, consultation) -> bool:
    return bool(consultation is not None and consultation.observers_may_export)


rules.add_perm("evidence.export", is_secretariat | (is_observer & observers_may_export))


def can_export(user, consultation) -> bool:
    return rules.has_perm("evidence.export", user, consultation)
