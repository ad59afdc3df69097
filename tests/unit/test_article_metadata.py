"""One metadata model: every field the parser finds reaches the parsed article unchanged."""

from __future__ import annotations

from newsbrief.articles import parsed_article
from newsbrief.models import ArticleMetadata, ExtractedArticle, SourceRef


def every_metadata_field() -> dict[str, object]:
    values: dict[str, object] = {}
    for name, field in ArticleMetadata.model_fields.items():
        values[name] = [f"{name} value"] if field.annotation == list[str] else f"{name} value"
    return values


def test_the_parsed_article_keeps_every_metadata_field_of_the_extracted_one():
    metadata = every_metadata_field()
    extracted = ExtractedArticle.model_validate(
        {**metadata, "paragraphs": ["One paragraph of text."], "content_type": "text/html"}
    )
    source = SourceRef(bucket="b", key="incoming/a.html", content_type="", size=10)
    article = parsed_article(extracted, "a", source, "2026-01-01T00:00:00Z")
    assert article.model_dump(include=set(metadata)) == metadata
    assert article.source.content_type == "text/html"
    assert article.word_count == 4
