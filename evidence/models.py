"""Expert submissions, attachments and source documents (built in later issues)."""
