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


# Shaped like an RT report (../shared/data/summarization/rt_ru), written for this test.
RUSSIAN_REPORT_TITLE = "Встречный курс: о чём будут говорить в Москве Путин и Эрдоган"
RUSSIAN_REPORT = [
    "Президент Турции Реджеп Тайип Эрдоган в ходе визита в Москву проведёт переговоры с "
    "Владимиром Путиным.",
    "По словам помощника президента, Путин и Эрдоган обсудят поставки зенитных ракетных "
    "систем С-400 и строительство АЭС «Аккую».",
    "Эрдогана в Кремле ждут к обеду. В ходе встречи стороны также могут затронуть положение "
    "в Сирии, где Турция и Россия выступают гарантами перемирия.",
    "В прошлом году товарооборот между странами вырос на 30% и превысил $20 млрд. Турции "
    "важны российские туристы: их число за год выросло в пять раз.",
    "Эрдоган рассчитывает, что Москва и Анкара сохранят темп сотрудничества.",
]


def test_russian_keywords_are_names_and_topics_in_readable_forms() -> None:
    keywords = extract_keywords(RUSSIAN_REPORT, title=RUSSIAN_REPORT_TITLE, language="ru", limit=5)

    # the name in its dictionary form, though "Эрдогана" is written too
    assert "Эрдоган" in keywords
    assert "Путин" in keywords
    assert any(k.startswith("Турци") for k in keywords)
    lowered = {w.lower() for k in keywords for w in k.split()}
    # function words and words news text uses everywhere are never keywords
    assert not lowered & stop_words("ru")
    assert not lowered & {"ходе", "могут", "год", "млрд", "также"}


def test_russian_words_alone_are_shown_in_their_dictionary_looking_form() -> None:
    body = [
        "Переговоры о соглашении шли неделю. Текст соглашения согласовали юристы.",
        "Подписанное соглашение вступит в силу в мае. Стороны назвали соглашение историческим.",
        "В Сирии продолжается перемирие. Гарантами перемирия в Сирии выступают три страны.",
        "Перемирие в Сирии держится. Ситуация в Сирии остаётся спокойной.",
        "Сирия получила гуманитарную помощь.",
    ]
    keywords = extract_keywords(body, language="ru", limit=5)

    assert "соглашение" in keywords
    assert "перемирие" in keywords
    assert "Сирия" in keywords  # "Сирии" is written more often; same length, nominative ending


def test_a_name_keeps_its_capitals_inside_a_phrase() -> None:
    body = [
        "Ассоциация молодых юристов России подала жалобу. Юристы России настаивают.",
        "По мнению Ассоциации молодых юристов России, закон нужен.",
    ]
    keywords = extract_keywords(body, language="ru", limit=5)
    assert any("России" in k and k.split()[0].islower() for k in keywords if " " in k)
