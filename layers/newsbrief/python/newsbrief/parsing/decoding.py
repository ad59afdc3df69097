"""Bytes to text: byte-order marks, declared charsets, then detection by content."""

from __future__ import annotations

import codecs
import re

from newsbrief.errors import RejectedUploadError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)""")
# Browsers decode these labels as windows-1252, a superset.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}
_SNIFF_BYTES = 4096


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM shows NUL in every other byte of its ASCII characters."""
    sample = data[:_SNIFF_BYTES]
    if len(sample) < 8:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset named by the Content-Type, an XML declaration or an HTML meta tag."""
    candidates: list[bytes] = []
    if content_type:
        match = _CHARSET_PARAM.search(content_type.encode("ascii", "ignore"))
        if match:
            candidates.append(match.group(1))
    head = data[:_SNIFF_BYTES]
    xml = _XML_ENCODING.match(head.lstrip())
    if xml:
        candidates.append(xml.group(1))
    for meta in re.finditer(rb"<meta\b[^>]*>", head, re.IGNORECASE):
        match = _CHARSET_PARAM.search(meta.group(0))
        if match:
            candidates.append(match.group(1))
    for raw in candidates:
        name = _codec_name(raw.decode("ascii", "ignore"))
        if name:
            return name
    return None


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # A page whose bytes were sniffed as ASCII-compatible cannot really be UTF-16.
    if name.startswith(("utf-16", "utf-32")):
        return None
    return _WHATWG_ALIASES.get(name, name)


def decode_text(data: bytes, *, content_type: str | None = None) -> str:
    """Decode an upload the way a browser would, falling back to detection by content.

    Raises ``RejectedUploadError("undecodable")`` when no encoding explains the bytes.
    """
    encoding = bom_encoding(data) or utf16_without_bom(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass  # a stray BOM-like prefix: detect instead
    # Non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page declares: other
    # encodings almost never produce such sequences by chance, while mislabelled pages are common.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data, content_type)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # the declaration lies; the bytes decide
    return _detect(data)


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedUploadError(
            "undecodable", "The file's text could not be decoded in any known character encoding."
        )
    return str(best)
