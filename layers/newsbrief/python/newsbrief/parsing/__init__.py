"""The parser: one uploaded file in, its articles (clean text and metadata) out.

Formats are recognised by content first (HTML, plain text, Markdown, JSON, DOCX, PDF, any of
them gzip-compressed); anything that cannot become an article raises ``RejectedUploadError``
with a stable code and a readable reason. Heavy libraries are imported on first use.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from newsbrief.errors import RejectedUploadError
from newsbrief.models import ExtractedArticle
from newsbrief.parsing.furniture import furniture_candidates, known_set, source_of
from newsbrief.parsing.limits import MAX_UPLOAD_BYTES

__all__ = [
    "MAX_UPLOAD_BYTES",
    "furniture_candidates",
    "html_to_text",
    "parse_upload",
    "source_of",
]


def parse_upload(
    data: bytes,
    *,
    filename: str,
    content_type: str | None = None,
    known_furniture: Collection[str] = (),
    received: date | None = None,
) -> list[ExtractedArticle]:
    """The articles in one uploaded file (a JSON list gives several, other formats one).

    ``known_furniture`` holds normalized lines learned to be boilerplate for the upload's
    source; they are removed from the text. ``content_type`` is the upload's, with its
    charset if it names one. ``received``, the day the upload arrived, dates the datelines
    written relative to it ("вчера, 14:32"). Raises ``RejectedUploadError`` for anything that
    is not an article, and for nothing else that the data can cause.
    """
    from newsbrief.parsing import sniff

    known = known_set(known_furniture)
    sniff.check_size(data)
    if sniff.is_gzip(data):
        data = sniff.gunzip(data)
        filename = filename.removesuffix(".gz")
        content_type = None
        sniff.check_size(data)
    try:
        return _parse(data, filename, content_type, known, received)
    except RejectedUploadError:
        raise
    except RecursionError:
        raise RejectedUploadError(
            "malformed", "The document is nested too deeply to read."
        ) from None
    except MemoryError:
        raise RejectedUploadError(
            "too_large", "The document needs too much memory to read."
        ) from None
    except Exception as exc:
        # Parsing does no I/O, so a library failing on these bytes fails the same way on every
        # retry: the upload is rejected (and kept for inspection) instead of retried forever.
        raise RejectedUploadError(
            "malformed", f"The document could not be parsed ({type(exc).__name__}: {exc})."
        ) from exc


def _parse(
    data: bytes,
    filename: str,
    content_type: str | None,
    known: frozenset[str],
    received: date | None,
) -> list[ExtractedArticle]:
    from newsbrief.parsing.sniff import Kind, binary_kind, text_kind

    kind = binary_kind(data, filename)
    if kind is Kind.PDF:
        from newsbrief.parsing.office import parse_pdf

        return [parse_pdf(data, known_furniture=known)]
    if kind is Kind.DOCX:
        from newsbrief.parsing.office import parse_docx

        return [parse_docx(data, known_furniture=known)]

    from newsbrief.parsing.decoding import decode_text

    text = decode_text(data, content_type=content_type).lstrip("\ufeff")
    if not text.strip():
        raise RejectedUploadError("empty", "The file holds only whitespace.")
    kind = text_kind(text, filename, content_type)
    if kind is Kind.JSON:
        from newsbrief.parsing.jsondoc import parse_json

        return parse_json(text, known_furniture=known)
    if kind is Kind.HTML:
        from newsbrief.parsing.html import parse_html

        return [parse_html(text, known_furniture=known, received=received)]
    from newsbrief.parsing.text import parse_markdown, parse_text

    if kind is Kind.MARKDOWN:
        return [parse_markdown(text, known_furniture=known, received=received)]
    return [parse_text(text, known_furniture=known, received=received)]


def html_to_text(html: str) -> str:
    """The main text of an HTML page, one paragraph per line ("" when it has none)."""
    from newsbrief.parsing.html import html_to_text as extract

    return extract(html)
