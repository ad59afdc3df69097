"""Optional abstractive summaries through the Amazon Bedrock Converse API.

Off unless the caller passes a ``bedrock-runtime`` client and a model id. The model's answer is
kept only if it is faithful to the article: every number, capitalised name and quotation in it
must occur in the article. Otherwise, and on throttling, timeouts, access denied or any other
failure, the extractive summary is returned, ``method`` ends with ``+bedrock-fallback:REASON``
(one of ``FALLBACK_REASONS``) and the failure is logged at warning level.

Timeouts and retries are the client's (``client_config`` sizes them), so that a slow model
cannot use up the function's time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Protocol

from newsbrief import aws_errors
from newsbrief.models import SummaryLength
from newsbrief.sentences import split_sentences
from newsbrief.summarizing.extractive import (
    SummaryResult,
    body_paragraphs,
    default_sentences,
    extract,
    sentence_budget,
)
from newsbrief.summarizing.text import resolve_language, stemmer

logger = logging.getLogger(__name__)

ABSTRACTIVE_METHOD = "bedrock"
MAX_ARTICLE_CHARS = 20_000
MAX_OUTPUT_TOKENS = 400

SYSTEM_PROMPT = (
    "You summarize news articles. Use only facts stated in the article. Do not add names, "
    "numbers, dates or quotations that are not in it; copy any quotation word for word. "
    "Write plain sentences in the article's language, with no heading, list or preamble."
)

_NUMBER = re.compile(r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_QUOTATION = re.compile(r"[\"“«„]([^\"”»“]{3,}?)[\"”»“]")
_THROTTLING_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ServiceQuotaExceededException"}
)
# Model access not granted, or a role whose policy does not cover the model or inference profile.
_ACCESS_DENIED_CODES = frozenset({"AccessDeniedException", "UnrecognizedClientException"})
_FALLBACK_MARK = f"+{ABSTRACTIVE_METHOD}-fallback:"

FALLBACK_METRIC = "BedrockFallbacks"
"""The metric the summarize function counts each fallback in, with its reason as a dimension."""
FALLBACK_REASONS = ("timeout", "throttled", "access_denied", "error", "empty", "unfaithful")

# A summary of a few sentences takes Bedrock 1-5 s. Each call may take at most 25 s (two attempts
# of 2 s to connect and 10 s to answer, with the retry's backoff under 1 s between) before
# its article falls back to the extractive summary; the template gives the summarize function
# batches of 3 and 90 s when a model is on, so a whole batch of slow calls still ends in time.
CONNECT_TIMEOUT_SECONDS = 2
READ_TIMEOUT_SECONDS = 10
MAX_ATTEMPTS = 2


def client_config() -> Any:
    """botocore configuration of the ``bedrock-runtime`` client: short timeouts, adaptive
    retries (backoff with jitter on throttling and 5xx, and a client-side rate that slows the
    function's later calls once the model throttles), two attempts in all."""
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "adaptive", "total_max_attempts": MAX_ATTEMPTS},
    )


class ConverseClient(Protocol):
    """The part of a boto3 ``bedrock-runtime`` client this module uses."""

    def converse(self, **kwargs: Any) -> Mapping[str, Any]: ...


def build_prompt(body: list[str], title: str | None, count: int) -> str:
    article = "\n\n".join(body)[:MAX_ARTICLE_CHARS]
    heading = f"Title: {title}\n\n" if title else ""
    return (
        f"Summarize the article below in at most {count} sentences.\n\n"
        f"{heading}<article>\n{article}\n</article>"
    )


def summarize_with_bedrock(
    paragraphs: list[str],
    *,
    client: ConverseClient | None,
    model_id: str | None,
    title: str | None = None,
    language: str | None = None,
    sentences: int | None = None,
    length: SummaryLength | None = None,
) -> SummaryResult:
    """An abstractive summary when ``client`` and ``model_id`` are given and the answer is
    faithful; the extractive summary otherwise. Raises ``ValueError`` like ``summarize``."""
    count = sentence_budget(sentences, length)
    extractive = extract(paragraphs, title=title, language=language, count=count)
    if client is None or not model_id:
        return extractive
    if count is None:
        count = default_sentences(extractive.language)
    body = body_paragraphs(paragraphs, title)
    try:
        response = client.converse(
            modelId=model_id,
            system=[{"text": SYSTEM_PROMPT}],
            messages=[{"role": "user", "content": [{"text": build_prompt(body, title, count)}]}],
            inferenceConfig={"maxTokens": MAX_OUTPUT_TOKENS, "temperature": 0.0},
        )
        answer = "".join(
            part.get("text", "") for part in response["output"]["message"]["content"]
        ).strip()
    # The extractive summary is always a valid answer, so no failure of the model call may
    # fail the article; the reason is kept in ``method``.
    except Exception as error:
        reason = _failure_reason(error)
        logger.warning(
            "bedrock summary failed, extractive summary kept (%s): %s",
            reason,
            error,
            extra={"fallback_reason": reason, "aws_error_code": aws_errors.error_code(error)},
        )
        return _fallback(extractive, reason)
    resolved = resolve_language(language, "\n".join(body))
    summary = split_sentences(answer, resolved)[:count]
    if not summary:
        logger.warning("bedrock answered no summary, extractive summary kept")
        return _fallback(extractive, "empty")
    unsupported = unsupported_claims(" ".join(summary), "\n".join([title or "", *body]), resolved)
    if unsupported:
        logger.warning("bedrock summary rejected, not in the article: %s", unsupported[:5])
        return _fallback(extractive, "unfaithful")
    return SummaryResult(
        sentences=summary, method=f"{ABSTRACTIVE_METHOD}:{model_id}", language=resolved
    )


def unsupported_claims(summary: str, article: str, language: str | None) -> list[str]:
    """Numbers, capitalised names and quotations of ``summary`` that ``article`` lacks."""
    missing: list[str] = []
    article_numbers = {_digits(n) for n in _NUMBER.findall(article)}
    missing.extend(n for n in _NUMBER.findall(summary) if _digits(n) not in article_numbers)

    stem = stemmer(language)
    article_words = {w.lower() for w in _WORD.findall(article)}
    article_stems = {stem(w) for w in article_words}
    for sentence in split_sentences(summary, language):
        for word in _WORD.findall(sentence)[1:]:  # the first word is capitalised anyway
            if not word[0].isupper() or stem(word.lower()) in article_stems:
                continue
            if language == "ru" and _inflected_form_of(word.lower(), article_words):
                continue
            missing.append(word)

    flat_article = _flatten(article)
    missing.extend(q for q in _QUOTATION.findall(summary) if _flatten(q) not in flat_article)
    return missing


def _inflected_form_of(word: str, article_words: set[str]) -> bool:
    """Russian names decline and the stemmer does not always reduce them alike
    (``Узбекистана``, ``Узбекистаном``): accept a shared stem of all but the last 3 letters."""
    for other in article_words:
        shared = next(
            (i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b),
            min(len(word), len(other)),
        )
        if shared >= max(4, min(len(word), len(other)) - 3):
            return True
    return False


def _digits(number: str) -> str:
    """``19,000`` and ``19 000`` → ``19000``; ``3,5`` stays distinct from ``35``."""
    return re.sub(r"(?<=\d)[,\s](?=\d{3}\b)", "", number.strip()).replace(",", ".")


def _flatten(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def fallback_reason(method: str) -> str | None:
    """Why a summary made with ``method`` is not Bedrock's, or None if it is Bedrock's or
    Bedrock was not asked."""
    _, marked, reason = method.partition(_FALLBACK_MARK)
    return reason if marked else None


def _failure_reason(error: Exception) -> str:
    from botocore.exceptions import ClientError, ConnectTimeoutError, ReadTimeoutError

    if isinstance(error, ReadTimeoutError | ConnectTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(error, ClientError):
        code = aws_errors.error_code(error)
        if code in _THROTTLING_CODES or aws_errors.is_throttling(error):
            return "throttled"
        if code in _ACCESS_DENIED_CODES:
            return "access_denied"
    return "error"


def _fallback(extractive: SummaryResult, reason: str) -> SummaryResult:
    return SummaryResult(
        sentences=extractive.sentences,
        method=f"{extractive.method}{_FALLBACK_MARK}{reason}",
        language=extractive.language,
    )
