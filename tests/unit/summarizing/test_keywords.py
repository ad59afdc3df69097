from __future__ import annotations

from newsbrief.summarizing import extract_keywords
from newsbrief.summarizing.text import stop_words

from .samples import GERMAN_ARTICLE, RUSSIAN_ARTICLE, seed_title_and_body


def test_english_keywords_name_the_article_topics() -> None:
    title, body = seed_title_and_body()

    keywords = extract_keywords(body, title=title, language="en")

    assert 1 <= len(keywords) <= 10
    assert "Uzbekistan" in keywords
    assert "Russia" in keywords
    assert not set(keywords) & stop_words("en")
    assert len({k.casefold() for k in keywords}) == len(keywords)


def test_limit_is_respected() -> None:
    title, body = seed_title_and_body()
    assert len(extract_keywords(body, title=title, limit=3)) == 3
    assert extract_keywords(body, title=title, limit=0) == []


def test_keywords_are_deterministic() -> None:
    title, body = seed_title_and_body()
    first = extract_keywords(body, title=title)
    assert extract_keywords(body, title=title) == first


def test_russian_inflections_count_as_one_keyword() -> None:
    keywords = extract_keywords(RUSSIAN_ARTICLE, language="ru", limit=5)

    # "Узбекистана", "Узбекистан", "Узбекистаном": one stem, one keyword, most frequent form
    uzbek = [k for k in keywords if k.startswith("Узбекистан")]
    assert len(uzbek) == 1
    assert any(k.startswith("Росси") for k in keywords)
    assert not {k.lower() for k in keywords} & stop_words("ru")


def test_recurring_phrases_are_kept_whole() -> None:
    body = [
        "The European Central Bank kept interest rates on hold on Thursday.",
        "The European Central Bank said inflation was easing, and interest rates would stay "
        "where they are for now.",
        "Markets had expected the European Central Bank to wait.",
    ]
    keywords = extract_keywords(body, language="en", limit=3)
    assert "European Central Bank" in keywords
    assert "interest rates" in keywords


def test_other_languages_get_keywords_without_stop_word_lists() -> None:
    keywords = extract_keywords(GERMAN_ARTICLE, language="de", limit=5)
    assert any(k.lower().startswith("schulen") or k == "Berlin" for k in keywords)


def test_empty_article_has_no_keywords() -> None:
    assert extract_keywords([]) == []
