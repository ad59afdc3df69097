"""Sentence splitting for article text.

Russian is segmented by ``razdel`` (rules written for Russian news: abbreviations, initials,
quotations; on RT paragraphs full of them it makes about 50 boundary errors where sentencex
makes about 1,100, mostly by never cutting inside a «quotation»; see
bench/sentence_splitting.py). Every other language goes to ``sentencex`` (rule-based, about 300
languages, compiled: a long article splits in well under a millisecond). Paragraph breaks are
always sentence boundaries. A small repair pass then joins pieces that a segmenter cut after an
abbreviation it does not know (``т.е.``, ``e.g.``), before a lower-case continuation, or before
the attribution of a quotation (``«...?» — сказал он.``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial

DEFAULT_LANGUAGE = "en"

_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")

# Abbreviations after which a sentence practically never ends, whatever follows.
_NEVER_FINAL = re.compile(
    r"(?:^|[\s(«\"])(?:e\.g|i\.e|cf|viz|etc\.\s*al|т\.\s?е|т\.\s?к|т\.\s?н|напр|см|ср|им)\.$",
    re.IGNORECASE,
)
# A short dotted token at the end of a piece (``т.д.``, ``J.P.``, ``approx.``): a boundary after
# it is doubtful, so the cut is undone when the next piece starts in lower case.
_ABBREVIATION_END = re.compile(r"(?:^|\s)(?:\w{1,2}\.){1,3}$|(?:^|\s)\w{1,5}\.$")
_STARTS_LOWER = re.compile(r"^(?:[—–-]\s*)?[\"'«“‘(\[]*[^\W\d_]", re.UNICODE)
_ONLY_PUNCTUATION = re.compile(r"^[\W_]+$", re.UNICODE)


def normalize_language(language: str | None) -> str | None:
    """``"en-GB"`` → ``"en"``; empty or missing stays ``None``."""
    if not language:
        return None
    code = language.strip().lower().replace("_", "-").split("-", 1)[0]
    return code or None


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split ``text`` into sentences, stripped and in order; never loses a word.

    ``language`` is an ISO 639-1 code (``en``, ``ru``, ...); unknown or missing codes use the
    segmenter's language-neutral rules. Text with no upper-case letters at all (lower-cased,
    tokenized corpora) is split the same way, without the lower-case repair.
    """
    code = normalize_language(language) or DEFAULT_LANGUAGE
    segment = _russian_pieces if code == "ru" else _sentencex_pieces(code)
    cased = text.lower() != text
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        if not paragraph:
            continue
        pieces = [p.strip() for p in segment(paragraph)]
        sentences.extend(_repair([p for p in pieces if p], cased=cased))
    return sentences


def _russian_pieces(paragraph: str) -> list[str]:
    import razdel

    return [sentence.text for sentence in razdel.sentenize(paragraph)]


def _sentencex_pieces(code: str) -> Callable[[str], Iterable[str]]:
    import sentencex

    return partial(sentencex.segment, code)


def _repair(pieces: list[str], *, cased: bool) -> list[str]:
    out: list[str] = []
    for piece in pieces:
        if out and _belongs_to_previous(out[-1], piece, cased=cased):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _belongs_to_previous(previous: str, piece: str, *, cased: bool) -> bool:
    tail = previous[-16:]  # the patterns only look at the end; searching all of it is slow
    if _ONLY_PUNCTUATION.match(piece) or _NEVER_FINAL.search(tail):
        return True
    if not cased or not _STARTS_LOWER.match(piece):
        return False
    first_letter = next(ch for ch in piece if ch.isalpha())
    return first_letter.islower() and bool(_ABBREVIATION_END.search(tail))
