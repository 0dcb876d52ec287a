"""Import of a draft paper into a consultation.

- ``parser.parse_draft(text, filename="") -> ParsedDraft`` reads the plain-text
  (Markdown-like) form of a draft and raises ``DraftParseError`` naming the line
  and what was expected.
- ``services`` compares a parsed draft with what the consultation holds,
  previews the changes, and applies them as revisions.
"""
