"""Text analysis shared by indexing and querying: tokens, folding, stop words, stemming.

Tokens are Unicode letter/digit runs; a run mixing Cyrillic and Latin letters ("iPhoneом")
is split where the script changes. Folding casefolds and strips accents from non-Cyrillic
letters (Cyrillic keeps "й", and "ё" becomes "е", as Russian text writes them interchangeably).
The stemmer is chosen per token by script (Cyrillic: Russian Snowball, otherwise English
Snowball), so a query needs no language hint and mixed-language text still matches. Russian
Snowball stems were measured against pymorphy3 lemmas on Russian known-item search
(bench/search.py, NEREL and RT): no better beyond noise, for a 16 MB dictionary and a
slower analysis, so stems it is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import snowballstemmer

WORD_RE = re.compile(r"[^\W_]+")
# The pieces of a word in one script: Cyrillic letters, or anything else (Latin, digits).
_SCRIPT_RUN_RE = re.compile(r"[\u0400-\u04ff]+|[^\W_\u0400-\u04ff]+")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")

_STOP_WORDS_FILE = resources.files(__package__).joinpath("stopwords.txt")
STOP_WORDS = frozenset(
    word
    for line in _STOP_WORDS_FILE.read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)

# Terms longer than this are URLs, hashes or glued text: they never match a typed query.
MAX_TERM_CHARS = 40

_STEMMERS = {
    "english": snowballstemmer.stemmer("english"),
    "russian": snowballstemmer.stemmer("russian"),
}


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Casefold and strip accents, keeping the Cyrillic letters Russian spells with marks."""
    token = token.casefold()
    if token.isascii():
        return token
    out: list[str] = []
    for char in token:
        if _is_cyrillic(char):
            out.append("е" if char == "ё" else char)
            continue
        out.extend(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(out)


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """Snowball stem of a folded token; the language follows the token's script."""
    language = "russian" if any(_is_cyrillic(c) for c in folded) else "english"
    return str(_STEMMERS[language].stemWord(folded))


def is_indexable(folded: str) -> bool:
    """Stop words, single letters and over-long runs never become terms."""
    if folded in STOP_WORDS or len(folded) > MAX_TERM_CHARS:
        return False
    return len(folded) > 1 or folded.isdigit()


@dataclass(frozen=True)
class Token:
    """One word of a text: its folded form, its term (None for stop words) and where it is."""

    folded: str
    term: str | None
    start: int
    end: int


def _words(text: str) -> Iterator[re.Match[str]]:
    """Letter/digit runs, split where Cyrillic meets Latin so each piece gets its own stemmer."""
    for match in WORD_RE.finditer(text):
        word = match.group()
        if _CYRILLIC_RE.search(word) and _LATIN_RE.search(word):
            yield from _SCRIPT_RUN_RE.finditer(text, match.start(), match.end())
        else:
            yield match


def tokenize(text: str) -> Iterator[Token]:
    for match in _words(text):
        folded = fold(match.group())
        term = stem(folded) if is_indexable(folded) else None
        yield Token(folded, term, match.start(), match.end())


def terms(text: str) -> list[str]:
    """The index terms of a text, in order, stop words dropped."""
    return [t.term for t in tokenize(text) if t.term is not None]


def folded_words(text: str) -> list[str]:
    """Every word of a text, folded, stop words kept (for near-duplicate shingles)."""
    return [fold(m.group()) for m in _words(text)]


def phrase_keys(text: str) -> list[str]:
    """Every word of a text as phrase matching compares it: its term, or a stop word as folded."""
    return [t.term or t.folded for t in tokenize(text)]


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase: the words to match in order, and the index terms among them."""

    keys: list[str]
    terms: list[str]


@dataclass
class ParsedQuery:
    """A search string split into scored terms, required phrases and excluded terms.

    Syntax: words are OR-ed and ranked; ``"quoted words"`` must appear as a phrase;
    ``-word`` (or ``-"a phrase"``) excludes documents containing it.
    """

    terms: list[str] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    excluded_terms: list[str] = field(default_factory=list)
    excluded_phrases: list[Phrase] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.phrases

    def highlight_terms(self) -> set[str]:
        return set(self.terms) | {t for phrase in self.phrases for t in phrase.terms}

    def lookup_terms(self) -> set[str]:
        """Every term whose postings the query needs."""
        excluded = {t for phrase in self.excluded_phrases for t in phrase.terms}
        return self.highlight_terms() | set(self.excluded_terms) | excluded


_QUERY_PART_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(query: str) -> ParsedQuery:
    # Curly double quotes are what phones type for '"'. Guillemets are not operators: they are
    # Russian text's ordinary quotation marks, so a pasted Russian headline keeps its quoted
    # words as ranked words instead of phrases every hit must contain word for word.
    query = query.replace("\u201c", '"').replace("\u201d", '"')
    parsed = ParsedQuery()
    for match in _QUERY_PART_RE.finditer(query):
        negated, phrase, word = match.groups()
        if phrase is not None:
            tokens = list(tokenize(phrase))
            phrase_terms = [t.term for t in tokens if t.term is not None]
            if not phrase_terms:
                continue
            target = parsed.excluded_phrases if negated else parsed.phrases
            # A one-word phrase stays a phrase: quoting a word makes it required.
            target.append(Phrase([t.term or t.folded for t in tokens], phrase_terms))
            continue
        excluded = word.startswith("-") and len(word) > 1
        found = terms(word[1:] if excluded else word)
        (parsed.excluded_terms if excluded else parsed.terms).extend(found)
    parsed.terms = list(dict.fromkeys(parsed.terms))
    parsed.excluded_terms = list(dict.fromkeys(parsed.excluded_terms))
    return parsed


def contains_phrase(words: list[str], phrase: list[str]) -> bool:
    """Whether ``phrase`` occurs contiguously in ``words`` (both as :func:`phrase_keys`)."""
    n = len(phrase)
    if n == 0:
        return False
    first = phrase[0]
    return any(words[i] == first and words[i : i + n] == phrase for i in range(len(words) - n + 1))
