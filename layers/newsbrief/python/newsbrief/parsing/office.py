"""Office documents: Word (.docx) and PDF text layers."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection

from newsbrief.errors import RejectedUploadError
from newsbrief.models import ExtractedArticle
from newsbrief.parsing.article import Metadata, blocks_from_lines, build_article
from newsbrief.parsing.dates import normalize_date
from newsbrief.parsing.furniture import is_headline_like, remove_furniture
from newsbrief.parsing.limits import (
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_MEMBERS,
)
from newsbrief.parsing.paragraphs import clean_inline
from newsbrief.parsing.sniff import CONTENT_TYPES, Kind

_WORD_DOCUMENT = "word/document.xml"
_SENTENCE_END = re.compile(r"[.!?…:][\"'”’»)]*$")


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a Word document's ZIP container, refusing archives that expand too far (zip bombs)
    or that are not Word documents."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RejectedUploadError("malformed", f"The ZIP container is corrupt ({exc}).") from exc
    if _WORD_DOCUMENT not in archive.namelist():
        raise RejectedUploadError(
            "unsupported_type",
            "The file is a ZIP archive but not a Word (.docx) document; upload the article itself.",
        )
    # zipfile never inflates a member past its declared size, so the declared sizes bound memory.
    expanded = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or expanded > 5 * MAX_UPLOAD_BYTES:
        raise RejectedUploadError(
            "too_large",
            f"The Word document expands to {expanded / 1_048_576:.0f} MB in "
            f"{len(members)} parts; the limit is {5 * MAX_UPLOAD_BYTES // 1_048_576} MB.",
        )
    return archive


def parse_docx(data: bytes, *, known_furniture: Collection[str]) -> ExtractedArticle:
    check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx surfaces corrupt parts as assorted errors
        raise RejectedUploadError(
            "malformed", f"The Word document could not be read ({exc})."
        ) from exc
    title: str | None = None
    lines: list[str] = []
    size = 0
    for paragraph in document.paragraphs:
        text = clean_inline(paragraph.text)
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if title is None and (style == "Title" or style.startswith("Heading")) and not lines:
            title = text
            continue
        lines.extend([text, ""])  # each Word paragraph is a paragraph
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    properties = document.core_properties
    metadata = Metadata(
        title=title or clean_inline(properties.title or "") or None,
        author=clean_inline(properties.author or "") or None,
        language=(properties.language or "").split("-")[0].lower() or None,
        section=clean_inline(properties.category or "") or None,
        tags=[word.strip() for word in (properties.keywords or "").split(",") if word.strip()],
    )
    return build_article(
        blocks_from_lines(lines),
        metadata,
        content_type=CONTENT_TYPES[Kind.DOCX],
        known_furniture=known_furniture,
    )


def parse_pdf(data: bytes, *, known_furniture: Collection[str]) -> ExtractedArticle:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise RejectedUploadError("unsupported_type", "The PDF is password-protected.")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise RejectedUploadError(
                "too_large", f"The PDF has {len(pages)} pages; the limit is {MAX_PDF_PAGES}."
            )
        texts: list[str] = []
        size = 0
        for page in pages:
            text = page.extract_text() or ""
            texts.append(text)
            size += len(text)
            if size > MAX_TEXT_CHARS:
                break
        info = reader.metadata
    except RejectedUploadError:
        raise
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise RejectedUploadError("malformed", f"The PDF could not be read ({exc}).") from exc
    if not any(text.strip() for text in texts):
        raise RejectedUploadError(
            "scanned_pdf",
            "The PDF has no text layer (a scan or images only); it would need OCR.",
        )
    lines = pdf_paragraph_lines(texts)
    keep = remove_furniture(lines)
    lines = [line if kept else "" for line, kept in zip(lines, keep, strict=True)]
    title = clean_inline(str(info.title)) if info is not None and info.title else None
    metadata = Metadata(
        title=title if title and len(title.split()) > 1 else None,
        author=clean_inline(str(info.author)) if info is not None and info.author else None,
        published=_pdf_date(info.creation_date if info is not None else None),
    )
    return build_article(
        blocks_from_lines(lines),
        metadata,
        content_type=CONTENT_TYPES[Kind.PDF],
        known_furniture=known_furniture,
    )


def pdf_paragraph_lines(page_texts: list[str]) -> list[str]:
    """Lines with blank lines between paragraphs: a PDF text layer has no paragraph marks, so
    a line that ends a sentence and is clearly shorter than the page's lines ends one."""
    out: list[str] = []
    for text in page_texts:
        lines = [clean_inline(line) for line in text.splitlines()]
        lengths = sorted(len(line) for line in lines if line)
        typical = lengths[len(lengths) * 3 // 4] if lengths else 0
        for line in lines:
            if line and is_headline_like(line) and len(line) < 0.7 * typical:
                out.extend(["", line, ""])  # a heading
                continue
            out.append(line)
            if line and _SENTENCE_END.search(line) and len(line) < 0.8 * typical:
                out.append("")
        out.append("")  # paragraphs do not run across pages often enough to stitch them
    return out


def _pdf_date(value: object) -> str | None:
    isoformat = getattr(value, "isoformat", None)
    return normalize_date(isoformat()) if callable(isoformat) else None
