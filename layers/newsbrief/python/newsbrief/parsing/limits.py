"""Size limits that keep one hostile upload from exhausting a Lambda's memory or time."""

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest upload accepted, and also the most a compressed upload may expand to."""

MAX_TEXT_CHARS = 1_000_000
"""Most characters of text in one document (a long feature has 50,000): bounds parse time."""

MAX_PDF_PAGES = 300
MAX_ZIP_MEMBERS = 2_000
MAX_JSON_ARTICLES = 500
MAX_HTML_ELEMENTS = 30_000
"""Article pages have hundreds to a few thousand elements; far more is a dump, not a page."""
