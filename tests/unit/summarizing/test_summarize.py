from __future__ import annotations

import pytest

from newsbrief.sentences import split_sentences
from newsbrief.summarizing import SUMMARIZER_VERSION, summarize, summarize_text
from newsbrief.summarizing.extractive import default_sentences
from newsbrief.summarizing.ranking import load_model

from .samples import GERMAN_ARTICLE, RUSSIAN_ARTICLE, seed_title_and_body


def _positions(summary: list[str], body: list[str], language: str | None = None) -> list[int]:
    """Index of each summary sentence among the body's sentences; fails if one is not there."""
    sentences = [s for paragraph in body for s in split_sentences(paragraph, language)]
    return [sentences.index(s) for s in summary]


def test_seed_summary_is_three_verbatim_body_sentences_in_order() -> None:
    title, body = seed_title_and_body()

    result = summarize(body, title=title, language="en")

    assert len(result.sentences) == 3
    positions = _positions(result.sentences, body)
    assert positions == sorted(positions)
    assert result.version == SUMMARIZER_VERSION
    assert result.method.startswith("extractive-")
    assert result.language == "en"


def test_seed_summary_leaves_out_the_page_furniture() -> None:
    title, body = seed_title_and_body()
    page = [title, "No time to read?", "Get a summary", *body, "Previous Article", "Next Article"]

    result = summarize(page, title=title, language="en", sentences=10)

    _positions(result.sentences, body)
    assert title not in result.sentences


@pytest.mark.parametrize("count", range(1, 11))
def test_sentence_count_is_honoured(count: int) -> None:
    title, body = seed_title_and_body()
    available = len([s for p in body for s in split_sentences(p, "en")])

    result = summarize(body, title=title, sentences=count)

    assert len(result.sentences) == min(count, available)
    _positions(result.sentences, body)


@pytest.mark.parametrize(("length", "count"), [("short", 1), ("medium", 3), ("long", 5)])
def test_named_lengths(length: str, count: int) -> None:
    _, body = seed_title_and_body()
    assert len(summarize(body, length=length).sentences) == count  # type: ignore[arg-type]


@pytest.mark.parametrize("count", [0, -1, 11, 100])
def test_sentence_count_outside_one_to_ten_is_refused(count: int) -> None:
    _, body = seed_title_and_body()
    with pytest.raises(ValueError, match="between 1 and 10"):
        summarize(body, sentences=count)


def test_unknown_length_is_refused() -> None:
    _, body = seed_title_and_body()
    with pytest.raises(ValueError, match="length"):
        summarize(body, length="tiny")  # type: ignore[arg-type]


def test_summaries_are_deterministic() -> None:
    title, body = seed_title_and_body()
    first = summarize(body, title=title)
    assert all(summarize(body, title=title) == first for _ in range(3))


def test_bylines_captions_and_calls_to_action_never_become_summary_sentences() -> None:
    body = [
        "By John Smith, Political Correspondent",
        "MOSCOW (Reuters) — Russia and Uzbekistan agreed on Tuesday to expand trade and "
        "security cooperation, the two foreign ministers said after talks in Moscow.",
        "Photo: Russian Foreign Minister Sergei Lavrov and Uzbek Foreign Minister Bakhtiyor "
        "Saidov shake hands before the talks in Moscow.",
        "Click here to sign up for our daily newsletter about Russia and Uzbekistan trade.",
        "Trade between Russia and Uzbekistan grew by a fifth last year to more than nine "
        "billion dollars, according to official figures.",
        "The ministers also discussed security in Afghanistan and labour migration, which "
        "matters to more than a million Uzbek workers in Russia.",
        "A man walks past the Russian Foreign Ministry building in Moscow, Russia, on Tuesday. "
        "REUTERS/Maxim Shemetov",
    ]

    result = summarize(body, language="en", sentences=10)

    text = " ".join(result.sentences)
    assert "John Smith" not in text
    assert "Photo:" not in text
    assert "Click here" not in text
    assert "REUTERS/" not in text
    assert "(Reuters)" not in text
    assert result.sentences[0].startswith("Russia and Uzbekistan agreed on Tuesday")
    assert len(result.sentences) == 3


def test_dateline_is_cut_and_the_rest_kept_verbatim() -> None:
    body = [
        "LONDON — The Bank of England raised interest rates by a quarter point on Thursday "
        "to curb inflation.",
        "Economists had expected the move after prices rose faster than forecast in May.",
    ]
    result = summarize(body, language="en", sentences=1)
    assert result.sentences == [
        "The Bank of England raised interest rates by a quarter point on Thursday to curb "
        "inflation."
    ]


def test_russian_article_is_summarized_from_its_own_sentences() -> None:
    result = summarize(RUSSIAN_ARTICLE, language="ru", sentences=2)

    assert len(result.sentences) == 2
    positions = _positions(result.sentences, RUSSIAN_ARTICLE, "ru")
    assert positions == sorted(positions)
    assert not result.method.endswith("-neutral")


def test_default_length_is_the_languages() -> None:
    # English keeps the CNN/DM highlights' three; Russian's was chosen on RT leads
    assert default_sentences("en") == default_sentences(None) == default_sentences("de") == 3
    assert default_sentences("ru") == load_model("ru").default_sentences == 4
    _, body = seed_title_and_body()

    assert len(summarize(body, language="en").sentences) == 3
    russian = summarize(RUSSIAN_ARTICLE, language="ru")
    assert len(russian.sentences) == 4
    assert len(summarize(RUSSIAN_ARTICLE, language="ru", length="medium").sentences) == 3
    assert len(summarize(RUSSIAN_ARTICLE, language="ru", sentences=2).sentences) == 2
    _positions(russian.sentences, RUSSIAN_ARTICLE, "ru")


def test_russian_articles_are_ranked_by_the_russian_model() -> None:
    assert load_model("ru") is not load_model("en")
    assert load_model("en") is load_model(None) is load_model("de")
    assert summarize(RUSSIAN_ARTICLE, language="ru").method == f"extractive-{load_model('ru').name}"
    _, body = seed_title_and_body()
    assert summarize(body, language="en").method == f"extractive-{load_model('en').name}"
    assert load_model("ru").name != load_model("en").name


def test_language_is_guessed_when_not_given() -> None:
    assert summarize(RUSSIAN_ARTICLE).language == "ru"
    _, body = seed_title_and_body()
    assert summarize(body).language == "en"


def test_other_languages_use_the_language_neutral_method() -> None:
    result = summarize(GERMAN_ARTICLE, language="de", sentences=2)

    assert result.method.endswith("-neutral")
    assert len(result.sentences) == 2
    _positions(result.sentences, GERMAN_ARTICLE, "de")


def test_title_repeated_as_first_paragraph_is_not_a_summary_sentence() -> None:
    title, body = seed_title_and_body()
    result = summarize([title, *body], title=title, sentences=10)
    assert title not in result.sentences


def test_article_without_text_has_an_empty_summary() -> None:
    assert summarize([]).sentences == []
    assert summarize(["", "  "]).sentences == []


def test_article_of_fragments_still_gets_its_lead() -> None:
    result = summarize(["Breaking news.", "More soon."], sentences=1)
    assert result.sentences == ["Breaking news."]
    assert result.method == "extractive-lead"


def test_summarize_text_returns_one_sentence_a_line() -> None:
    _, body = seed_title_and_body()

    summary = summarize_text("\n\n".join(body), max_sentences=2)

    lines = summary.split("\n")
    assert len(lines) == 2
    _positions(lines, body)


def test_summarize_text_accepts_long_evaluation_budgets() -> None:
    _, body = seed_title_and_body()
    text = "\n".join(body)
    every_sentence = [s for p in body for s in split_sentences(p, "en")]
    assert len(every_sentence) > 10

    assert summarize_text(text, max_sentences=len(every_sentence)).split("\n") == every_sentence
    with pytest.raises(ValueError, match="positive"):
        summarize_text(text, max_sentences=0)
