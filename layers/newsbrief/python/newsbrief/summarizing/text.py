"""Words, stems and stop words for the summarizer, per language.

English and Russian get stop words and a Snowball stemmer; any other language is handled
language-neutrally (lower-cased words, no stop words, no stemming).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources

from newsbrief.sentences import normalize_language

SUPPORTED_LANGUAGES = ("en", "ru")
_SNOWBALL_NAMES = {"en": "english", "ru": "russian"}

WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@cache
def stop_words(language: str | None) -> frozenset[str]:
    if language not in SUPPORTED_LANGUAGES:
        return frozenset()
    data = resources.files("newsbrief.summarizing").joinpath(f"stopwords/{language}.txt")
    words: set[str] = set()
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


@cache
def stemmer(language: str | None) -> Callable[[str], str]:
    """A cached word → stem function; identity for languages without a stemmer."""
    name = _SNOWBALL_NAMES.get(language or "")
    if name is None:
        return _identity
    import snowballstemmer  # uses PyStemmer's compiled stemmers when installed

    return lru_cache(maxsize=100_000)(snowballstemmer.stemmer(name).stemWord)


def _identity(word: str) -> str:
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens; apostrophes inside a word are kept (``don't``)."""
    return WORD.findall(text.lower())


def content_stems(tokens: list[str], language: str | None) -> list[str]:
    """Stems of the tokens that are not stop words, numbers or single letters."""
    stop = stop_words(language)
    stem = stemmer(language)
    return [stem(t) for t in tokens if len(t) > 1 and t not in stop and not t.isdigit()]


def resolve_language(language: str | None, sample: str) -> str | None:
    """The language to use: the given one normalised, or a cheap guess between English and
    Russian from the script and stop-word share of ``sample``; ``None`` means neutral."""
    code = normalize_language(language)
    if code is not None:
        return code
    head = sample[:3000]
    cyrillic = len(_CYRILLIC.findall(head))
    latin = len(_LATIN.findall(head))
    if not cyrillic and not latin:
        return None
    guess = "ru" if cyrillic > latin else "en"
    tokens = words(head)
    stop = stop_words(guess)
    if tokens and sum(t in stop for t in tokens) / len(tokens) >= 0.15:
        return guess
    return None
