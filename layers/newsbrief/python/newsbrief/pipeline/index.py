"""Index stage: a batch of summaries → the search index and the articles' final status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from newsbrief.events import ObjectEvent
from newsbrief.models import ParsedArticle, Summary
from newsbrief.settings import SUMMARIES_PREFIX
from newsbrief.storage.articles import ArticleRepository, StaleUpdateError
from newsbrief.storage.objects import ObjectMissingError, ObjectStore, article_id_from_key

if TYPE_CHECKING:
    from newsbrief.indexing import IndexDocument, SearchIndex

logger = Logger(child=True)


def index_document(article: ParsedArticle, summary: Summary) -> IndexDocument:
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


class IndexStage:
    """Collects a queue batch, then writes it to the index in one go (the index packs batches)."""

    def __init__(
        self, objects: ObjectStore, articles: ArticleRepository, index: SearchIndex
    ) -> None:
        self._objects = objects
        self._articles = articles
        self._index = index
        self._upserts: dict[str, tuple[IndexDocument, str]] = {}
        self._deletes: set[str] = set()

    def collect(self, event: ObjectEvent) -> None:
        if not event.key.startswith(SUMMARIES_PREFIX):
            logger.warning(
                "ignoring an object outside the summaries prefix", extra={"key": event.key}
            )
            return
        article_id = article_id_from_key(event.key)
        if event.removed:
            # A summary written again after the removal means the article is back.
            if not self._objects.summary_exists(article_id):
                self._upserts.pop(article_id, None)
                self._deletes.add(article_id)
            return
        try:
            summary = self._objects.get_summary(article_id)
            article = self._objects.get_parsed(article_id)
        except ObjectMissingError:
            logger.info("summary or article vanished before indexing", extra={"id": article_id})
            return
        if summary.source_sha256 != article.content_sha256 or not self._articles.is_current(
            article_id, article.content_sha256
        ):
            logger.info("skipping a superseded summary", extra={"id": article_id})
            return
        self._deletes.discard(article_id)
        self._upserts[article_id] = (index_document(article, summary), article.content_sha256)

    def flush(self) -> list[str]:
        """Writes what the batch collected; raises (and the batch is retried) if the index fails."""
        upserts, deletes = self._upserts, self._deletes
        self._upserts, self._deletes = {}, set()
        if deletes:
            self._index.delete(sorted(deletes))
        if not upserts:
            return []
        outcomes = self._index.upsert([document for document, _ in upserts.values()])
        indexed = []
        retired = []
        for outcome in outcomes:
            content_sha256 = upserts[outcome.id][1]
            try:
                self._articles.record_indexed(outcome.id, content_sha256, outcome.duplicate_of)
                indexed.append(outcome.id)
            except StaleUpdateError:
                if self._articles.get(outcome.id) is None:
                    retired.append(outcome.id)
        if retired:
            # Deleted while it was being indexed: leave no posting behind.
            self._index.delete(retired)
        return indexed
