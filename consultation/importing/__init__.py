"""Import of a draft paper into a consultation.

- ``parser.parse_draft(text, filename="") -> ParsedDraft`` reads the plain-text
  (Markdown-like) form of a draft and raises ``DraftParseError`` naming the line
  and what was expected. ``types`` holds the parsed values; ``lines``,
  ``syntax``, ``table``, ``references`` and ``records`` are its parts.
- ``plan.plan_import`` compares a parsed draft with what the consultation holds.
- ``services`` previews an import, confirms it (queueing the Celery task) and
  applies it as revisions: ``draft_import_preview``, ``draft_import_confirm``,
  ``draft_import_apply``, ``import_draft_text``.
"""
