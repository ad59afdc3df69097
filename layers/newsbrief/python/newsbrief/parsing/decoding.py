"""Bytes to text the way a browser decides it (the WHATWG encoding-sniffing order): a byte-order
mark, then the charset of the upload's Content-Type, then a declaration in the document (an XML
declaration, ``<meta charset>`` or ``<meta http-equiv="Content-Type">``), then detection by
content. A declaration the bytes contradict is overruled: bytes that form valid UTF-8 are UTF-8,
UTF-8 bytes with a stray invalid byte or two stay UTF-8, and a single-byte declaration whose text
reads as gibberish where another encoding reads as language gives way to that encoding."""

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
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
# Labels the WHATWG Encoding Standard maps to another encoding than Python's codec of that
# name does, or that Python does not know; the rest resolve through Python's codec aliases.
_WHATWG_LABELS = {
    **dict.fromkeys(
        ("ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1"), "cp1252"
    ),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5"), "cp1254"),
    **dict.fromkeys(("x-cp1251", "win-1251", "windows1251"), "cp1251"),
    **dict.fromkeys(("x-cp1250",), "cp1250"),
    **dict.fromkeys(("x-mac-cyrillic", "x-mac-ukrainian"), "mac_cyrillic"),
    **dict.fromkeys(("gb2312", "x-gbk", "gb_2312-80", "chinese"), "gbk"),
    **dict.fromkeys(("x-sjis", "ms_kanji", "windows-31j"), "cp932"),
    **dict.fromkeys(("ks_c_5601-1987", "korean", "windows-949"), "cp949"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "windows-874"), "cp874"),
    **dict.fromkeys(("iso-8859-8-i", "logical"), "iso8859-8"),
    **dict.fromkeys(("koi", "koi8", "cskoi8r"), "koi8-r"),
}
# Codecs Python resolves a label to, and the superset browsers decode with instead.
_WHATWG_SUPERSETS = {"ascii": "cp1252", "latin-1": "cp1252", "iso8859-9": "cp1254"}
_SNIFF_BYTES = 4096
# UTF-8 bytes with at most this share of invalid sequences among their non-ASCII sequences
# (and at least a few valid ones) are UTF-8 with a few damaged characters: a page cut
# mid-character or a stray byte pasted from elsewhere, not another encoding.
_MAX_DAMAGED_UTF8_SHARE = 0.02
_MIN_VALID_UTF8_SEQUENCES = 8
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]")
# A single-byte declaration is overruled only when its text reads this much worse than the
# detected encoding's: charset-normalizer's "mess" ratio (0 for clean text) this much higher, or
# its "coherence" (how well the letters' frequencies fit a language) this much lower.
_MIN_MESS_MARGIN = 0.03
_MIN_COHERENCE_MARGIN = 0.3


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


def transport_charset(content_type: str | None) -> str | None:
    """The encoding named by the charset parameter of a Content-Type, if Python has it."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type.encode("ascii", "ignore"))
    return codec_for_label(match.group(1).decode("ascii")) if match else None


def document_charset(data: bytes) -> str | None:
    """The encoding an XML declaration or an HTML ``<meta>`` in the document's head names."""
    head = data[:_SNIFF_BYTES]
    candidates: list[bytes] = []
    xml = _XML_ENCODING.match(head.lstrip())
    if xml:
        candidates.append(xml.group(1))
    for meta in _META.finditer(head):
        match = _CHARSET_PARAM.search(meta.group(0))
        if match:
            candidates.append(match.group(1))
    for raw in candidates:
        name = codec_for_label(raw.decode("ascii", "ignore"))
        if name:
            # The bytes were read as ASCII to find this: a page naming UTF-16 is not UTF-16.
            return "utf-8" if name.startswith(("utf-16", "utf-32")) else name
    return None


def declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset named by the Content-Type, else by an XML declaration or an HTML meta tag:
    the transport's word outranks the document's, as in browsers."""
    return transport_charset(content_type) or document_charset(data)


def codec_for_label(label: str) -> str | None:
    """Python's codec for an encoding label, read as browsers read it; None when unknown."""
    label = label.strip().lower()
    if label in _WHATWG_LABELS:
        return _WHATWG_LABELS[label]
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _WHATWG_SUPERSETS.get(name, name)


def decode_text(data: bytes, *, content_type: str | None = None) -> str:
    """Decode an upload the way a browser would, overruling declarations the bytes contradict.

    Raises ``RejectedUploadError("undecodable")`` when no encoding explains the bytes.
    """
    encoding = bom_encoding(data)
    declared = declared_charset(data, content_type)
    if encoding is None and declared and declared.startswith(("utf-16", "utf-32")):
        encoding = declared  # only the transport can declare these (see document_charset)
    encoding = encoding or utf16_without_bom(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass  # a stray BOM-like prefix or a wrong transport label: the bytes decide
    # Non-ASCII bytes that form valid UTF-8 are UTF-8 whatever the page declares: other
    # encodings almost never produce such sequences by chance, while mislabelled pages are common.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared in (None, "utf-8") and _mostly_utf8(data):
        return data.decode("utf-8", errors="replace")
    if declared and declared != "utf-8":
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass  # the declaration lies; the bytes decide
        else:
            return _unless_gibberish(data, declared, text)
    return _detect(data)


def _mostly_utf8(data: bytes) -> bool:
    valid = len(_UTF8_SEQUENCE.findall(data))
    if valid < _MIN_VALID_UTF8_SEQUENCES:
        return False
    invalid = len(_NON_ASCII_RUN.findall(_UTF8_SEQUENCE.sub(b"", data)))
    return invalid <= _MAX_DAMAGED_UTF8_SHARE * (valid + invalid)


def _unless_gibberish(data: bytes, declared: str, text: str) -> str:
    """The text in the declared single-byte encoding, unless detection finds an encoding in
    which the bytes read clearly better (a page saying windows-1251 that is in KOI8-R)."""
    from charset_normalizer import from_bytes

    # Not pre-empted by the page's own declaration, which is what is in question.
    best = from_bytes(data, preemptive_behaviour=False).best()
    if best is None or codecs.lookup(best.encoding).name == codecs.lookup(declared).name:
        return text
    as_declared = from_bytes(data, cp_isolation=[declared], preemptive_behaviour=False).best()
    if (
        as_declared is None
        or as_declared.chaos > best.chaos + _MIN_MESS_MARGIN
        or as_declared.coherence < best.coherence - _MIN_COHERENCE_MARGIN
    ):
        return str(best)
    return text


def _detect(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RejectedUploadError(
            "undecodable", "The file's text could not be decoded in any known character encoding."
        )
    return str(best)
