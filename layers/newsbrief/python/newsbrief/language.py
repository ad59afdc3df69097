"""Language identification of article text (ISO 639-1 codes)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.3
SAMPLE_CHARS = 3000
# Labels of the model that are not languages.
_NOT_LANGUAGES = frozenset({"zxx", "und"})


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # Loading the model takes most of a second: done once per process, on first use.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the text is too short or the
    model is unsure."""
    sample = text[:SAMPLE_CHARS]
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE or language in _NOT_LANGUAGES or len(language) != 2:
        return None
    return str(language)
