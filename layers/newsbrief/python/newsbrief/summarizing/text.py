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
_WORD_NO_UNDERSCORE = re.compile(r"\w+(?:['’]\w+)?", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


@cache
def stop_words(language: str | None) -> frozenset[str]:
    if language not in SUPPORTED_LANGUAGES:
        return frozenset()
    return _word_list(f"{language}.txt")


@cache
def not_keywords(language: str | None) -> frozenset[str]:
    """Words the language's news uses everywhere: no keyword, though not stop words."""
    if language != "ru":
        return frozenset()
    return _word_list(f"{language}-not-keywords.txt")


def _word_list(file_name: str) -> frozenset[str]:
    data = resources.files("newsbrief.summarizing").joinpath(f"stopwords/{file_name}")
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
    lowered = text.lower()
    # without underscores the plain \w pattern finds the same words, and faster
    return (WORD if "_" in lowered else _WORD_NO_UNDERSCORE).findall(lowered)


# Stems of the tokens seen so far, per language; "" marks a token that is not a content word.
# Articles repeat most of their vocabulary, so a lookup replaces the tests and the stemmer call.
_CONTENT_STEMS: dict[str | None, dict[str, str]] = {}
_CONTENT_STEMS_LIMIT = 200_000


def _content_stem(token: str, language: str | None) -> str:
    if len(token) < 2 or token in stop_words(language) or token.isdigit():
        return ""
    return stemmer(language)(token)


def content_stems(tokens: list[str] | tuple[str, ...], language: str | None) -> list[str]:
    """Stems of the tokens that are not stop words, numbers or single letters."""
    known = _CONTENT_STEMS.setdefault(language, {})
    if len(known) > _CONTENT_STEMS_LIMIT:
        known.clear()
    stems = list(map(known.get, tokens))
    if None in stems:
        for token in tokens:
            if token not in known:
                known[token] = _content_stem(token, language)
        stems = list(map(known.get, tokens))
    return list(filter(None, stems))


def resolve_language(language: str | None, sample: str) -> str | None:
    """The language to use: the given one normalised, or a cheap guess between English and
    Russian from the script and stop-word share of ``sample``; ``None`` means neutral."""
    code = normalize_language(language)
    if code is not None:
        return code
    head = sample[:3000]
    # counting every Latin letter of an English article is the slow part, and it only matters
    # when there is Cyrillic to compare it with
    cyrillic = len(_CYRILLIC.findall(head))
    if cyrillic:
        guess = "ru" if cyrillic > len(_LATIN.findall(head)) else "en"
    elif _LATIN.search(head):
        guess = "en"
    else:
        return None
    tokens = words(head)
    stop = stop_words(guess)
    if tokens and sum(map(stop.__contains__, tokens)) / len(tokens) >= 0.15:
        return guess
    return None
