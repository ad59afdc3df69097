"""What an upload really is: decided by its bytes first, its name and Content-Type second."""

from __future__ import annotations

import re
import zlib
from enum import StrEnum
from pathlib import PurePosixPath

from newsbrief.errors import RejectedUploadError
from newsbrief.parsing.limits import MAX_UPLOAD_BYTES


class Kind(StrEnum):
    HTML = "html"
    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"
    DOCX = "docx"
    PDF = "pdf"


CONTENT_TYPES: dict[Kind, str] = {
    Kind.HTML: "text/html",
    Kind.TEXT: "text/plain",
    Kind.MARKDOWN: "text/markdown",
    Kind.JSON: "application/json",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.PDF: "application/pdf",
}

_EXTENSIONS: dict[str, Kind] = {
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".xhtml": Kind.HTML,
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN,
    ".markdown": Kind.MARKDOWN,
    ".json": Kind.JSON,
    ".docx": Kind.DOCX,
    ".pdf": Kind.PDF,
}
_MEDIA_TYPES: dict[str, Kind] = {
    "text/html": Kind.HTML,
    "application/xhtml+xml": Kind.HTML,
    "text/markdown": Kind.MARKDOWN,
    "text/x-markdown": Kind.MARKDOWN,
    "application/json": Kind.JSON,
}

# Formats that are recognisable by their first bytes and are never articles; other binaries
# are caught by their control bytes.
_FOREIGN_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office document (.doc/.xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript document"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    r"<(?:p|div|article|section|span|h[1-6]|br|a\s+href|table|ul|li|script|style)\b[^>]*>",
    re.IGNORECASE,
)
_XML_START = re.compile(r"^\s*<(?:\?xml|!DOCTYPE|[A-Za-z_][\w:.-]*[\s>/])", re.IGNORECASE)
_MARKDOWN_SIGNS = re.compile(r"^(?:#{1,6}\s+\S|```|\s*[-*+]\s+\S.*\n\s*[-*+]\s+\S)", re.MULTILINE)


def extension_of(filename: str) -> str:
    name = PurePosixPath(filename).name.lower()
    return PurePosixPath(name).suffix


def kind_for_filename(filename: str) -> Kind | None:
    """The kind a file's name claims, for clients choosing what to upload."""
    return _EXTENSIONS.get(extension_of(filename))


def check_size(data: bytes) -> None:
    if not data.strip():
        raise RejectedUploadError("empty", "The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RejectedUploadError(
            "too_large",
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB.",
        )


def gunzip(data: bytes) -> bytes:
    """Decompress a gzip upload, refusing to expand past the size limit (gzip bombs)."""
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, MAX_UPLOAD_BYTES + 1)
    except zlib.error as exc:
        raise RejectedUploadError(
            "malformed", f"The gzip-compressed file is corrupt ({exc})."
        ) from exc
    if len(out) > MAX_UPLOAD_BYTES or inflater.unconsumed_tail:
        raise RejectedUploadError(
            "too_large",
            f"The compressed file expands to more than {MAX_UPLOAD_BYTES // 1_048_576} MB.",
        )
    return out


def is_gzip(data: bytes) -> bool:
    return data.startswith(_GZIP_MAGIC)


def binary_kind(data: bytes, filename: str) -> Kind | None:
    """The kind of a binary document, None for text; rejects binaries that are not articles."""
    head = data[:1024]
    if _PDF_MAGIC in head:
        return Kind.PDF
    if data.startswith(_ZIP_MAGIC):
        return Kind.DOCX  # whether the archive really holds a Word document is checked on opening
    for magic, what in _FOREIGN_MAGIC:
        if data.startswith(magic):
            raise RejectedUploadError(
                "unsupported_type",
                f"The file is {what}, not an article (HTML, text, Markdown, JSON, DOCX or PDF).",
            )
    if _looks_binary(data):
        raise RejectedUploadError(
            "binary",
            "The file holds binary data that is not a supported document "
            f"({extension_of(filename) or 'no extension'}).",
        )
    return None


def _looks_binary(data: bytes) -> bool:
    from newsbrief.parsing.decoding import bom_encoding, utf16_without_bom

    if bom_encoding(data) or utf16_without_bom(data):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\x1b")
    return controls > len(sample) * 0.02


def text_kind(text: str, filename: str, content_type: str | None) -> Kind:
    """The kind of a decoded text upload; the content outranks the name it came with."""
    head = text[:4096]
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "[") and _parses_as_json(text):
        return Kind.JSON
    if _HTML_START.match(head) or len(_HTML_TAG.findall(head)) >= 3:
        return Kind.HTML
    if _XML_START.match(stripped) and stripped.startswith("<"):
        raise RejectedUploadError(
            "unsupported_type", "The file is an XML document that is not an HTML page."
        )
    claimed = _EXTENSIONS.get(extension_of(filename)) or _media_kind(content_type)
    if claimed is Kind.JSON:
        raise RejectedUploadError("malformed", "The file is named as JSON but is not valid JSON.")
    if claimed is Kind.MARKDOWN or _MARKDOWN_SIGNS.search(head):
        return Kind.MARKDOWN
    return Kind.TEXT


def _media_kind(content_type: str | None) -> Kind | None:
    if not content_type:
        return None
    return _MEDIA_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def _parses_as_json(text: str) -> bool:
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    except RecursionError:
        raise RejectedUploadError("malformed", "The JSON document is nested too deeply.") from None
    return True
