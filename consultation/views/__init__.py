"""The HTML pages of a consultation, one module per page. Views validate, call one read or service, render."""
