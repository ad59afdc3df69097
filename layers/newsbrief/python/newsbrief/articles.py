"""What the pipeline and the API do to an article, apart from storing it: the articles a file
holds and their ids, the parsed article, its summary and what the index keeps of it."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection
from typing import TYPE_CHECKING

from newsbrief.events import article_id_for
from newsbrief.models import ExtractedArticle, ParsedArticle, SourceRef, Summary, SummaryLength

if TYPE_CHECKING:
    from newsbrief.indexing import IndexDocument
    from newsbrief.summarizing.bedrock import ConverseClient

PARSER_VERSION = "1"
WORDS_PER_MINUTE = 230


def parsed_article(
    extracted: ExtractedArticle, article_id: str, source: SourceRef, parsed_at: str
) -> ParsedArticle:
    """Adds what the pipeline knows about an extracted article: its id, digest and size."""
    text = "\n\n".join(extracted.paragraphs)
    word_count = len(text.split())
    return ParsedArticle.model_validate(
        {
            **extracted.model_dump(exclude={"content_type"}),
            "id": article_id,
            "word_count": word_count,
            "reading_time_minutes": max(1, math.ceil(word_count / WORDS_PER_MINUTE)),
            "content_sha256": hashlib.sha256(f"{extracted.title}\n\n{text}".encode()).hexdigest(),
            "source": source.model_copy(update={"content_type": extracted.content_type}),
            "parsed_at": parsed_at,
            "parser_version": PARSER_VERSION,
        }
    )


def article_ids_for_upload(key: str, count: int) -> list[str]:
    """One article per upload keeps the key's id; a file holding several numbers them."""
    base = article_id_for(key)
    if count == 1:
        return [base]
    return [f"{base}-{n}" for n in range(1, count + 1)]


def extract_articles(
    data: bytes,
    filename: str,
    content_type: str | None,
    known_furniture: Collection[str] = (),
    received: str | None = None,
) -> list[ExtractedArticle]:
    """The articles a file holds, as the parser finds them; rejects a file that holds none.
    ``received`` (ISO 8601, when the upload arrived) dates lines such as "вчера, 14:32"."""
    from datetime import date

    from newsbrief.parsing import parse_upload

    day = date.fromisoformat(received[:10]) if received and len(received) >= 10 else None
    return parse_upload(
        data,
        filename=filename,
        content_type=content_type,
        known_furniture=known_furniture,
        received=day,
    )


def parsed_articles(
    extracted: list[ExtractedArticle], source: SourceRef, parsed_at: str
) -> list[ParsedArticle]:
    """The parsed articles of one upload, each with its id."""
    ids = article_ids_for_upload(source.key, len(extracted))
    return [
        parsed_article(article, article_id, source, parsed_at)
        for article_id, article in zip(ids, extracted, strict=True)
    ]


def summarize_article(
    article: ParsedArticle,
    created_at: str,
    sentences: int | None = None,
    length: SummaryLength | None = None,
    bedrock_client: ConverseClient | None = None,
    bedrock_model_id: str = "",
) -> Summary:
    """The article's summary: extractive, or Bedrock's when configured and faithful. A named
    length wins over a sentence count; neither gives the summarizer's default."""
    from newsbrief.summarizing import extract_keywords, summarize

    count = None if length else sentences
    if bedrock_client is not None and bedrock_model_id:
        # Imported only when configured: the extractive path does not load it.
        from newsbrief.summarizing.bedrock import summarize_with_bedrock

        result = summarize_with_bedrock(
            article.paragraphs,
            client=bedrock_client,
            model_id=bedrock_model_id,
            title=article.title,
            language=article.language,
            sentences=count,
            length=length,
        )
    else:
        result = summarize(
            article.paragraphs,
            title=article.title,
            language=article.language,
            sentences=count,
            length=length,
        )
    return Summary(
        id=article.id,
        sentences=result.sentences,
        keywords=extract_keywords(
            article.paragraphs, title=article.title, language=article.language
        ),
        method=result.method,
        version=result.version,
        language=article.language,
        source_sha256=article.content_sha256,
        created_at=created_at,
    )


def index_document(article: ParsedArticle, summary: Summary) -> IndexDocument:
    """What the search index keeps of a summarized article."""
    from newsbrief.indexing import IndexDocument

    return IndexDocument(
        id=article.id,
        title=article.title,
        body=article.paragraphs,
        summary=summary.sentences,
        keywords=summary.keywords,
        language=article.language,
        published=article.published,
        tags=article.tags,
        url=article.url,
    )
