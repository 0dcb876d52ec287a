"""Who may do what with expert input, written once for pages, the API, downloads and exports.

Predicates come from ``consultation.rules`` (roles are per consultation).
"""

from __future__ import annotations

import rules

from consultation.rules import is_secretariat

# Triage: the inbox, statuses and responses, internal notes, tags, resolving open items with input.
rules.add_perm("evidence.triage", is_secretariat)


def can_triage(user, consultation) -> bool:
    return rules.has_perm("evidence.triage", user, consultation)
