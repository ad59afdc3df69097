from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsbrief.sentences import normalize_language, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones at 5 p.m. on Monday. They talked.",
            ["Mr. Smith met Dr. Jones at 5 p.m. on Monday.", "They talked."],
        ),
        (
            "The U.S. economy grew 3.5% last year. Analysts, e.g. at J.P. Morgan, agree.",
            ["The U.S. economy grew 3.5% last year.", "Analysts, e.g. at J.P. Morgan, agree."],
        ),
        ('He said: "Go!" Then he left.', ['He said: "Go!"', "Then he left."]),
    ],
)
def test_english_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Сегодня, т.е. 5 мая, он пришёл. Завтра не придёт.",
            ["Сегодня, т.е. 5 мая, он пришёл.", "Завтра не придёт."],
        ),
        (
            "Он родился в 1990 г. в Москве. Потом переехал.",
            ["Он родился в 1990 г. в Москве.", "Потом переехал."],
        ),
        (
            "Глава МИД С. В. Лавров заявил об этом. В.В. Путин тоже.",
            ["Глава МИД С. В. Лавров заявил об этом.", "В.В. Путин тоже."],
        ),
        (
            "Он купил яблоки, груши и т.д. и пошёл домой. Всё.",
            ["Он купил яблоки, груши и т.д. и пошёл домой.", "Всё."],
        ),
    ],
)
def test_russian_abbreviations_do_not_end_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "ru") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # initials before a surname, and a street before its name
            "Об этом сообщил А. С. Пушкин. Он живёт на ул. Ленина, д. 5.",
            ["Об этом сообщил А. С. Пушкин.", "Он живёт на ул. Ленина, д. 5."],
        ),
        (  # "т. е." with a space, and money abbreviations inside a sentence
            "Это, т. е. налог, вырос на 5 млн руб. за год. Об этом сообщил министр.",
            ["Это, т. е. налог, вырос на 5 млн руб. за год.", "Об этом сообщил министр."],
        ),
        (
            "Компания заработала 3,5 млрд. долл. в прошлом году. Выручка выросла.",
            ["Компания заработала 3,5 млрд. долл. в прошлом году.", "Выручка выросла."],
        ),
        (  # a town and a university named after someone
            "Он родился в г. Москве и учился в МГУ им. Ломоносова. Потом уехал.",
            ["Он родился в г. Москве и учился в МГУ им. Ломоносова.", "Потом уехал."],
        ),
        (  # "и т. д." at the end of a sentence does end it
            "Создать штаб, собрать людей и т. д. Но мы не можем. Всё.",
            ["Создать штаб, собрать людей и т. д.", "Но мы не можем.", "Всё."],
        ),
    ],
)
def test_russian_initials_and_abbreviations(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "ru") == expected


def test_russian_quotation_is_split_inside_and_keeps_its_attribution() -> None:
    # from an RT article in ../shared/data/summarization/rt_ru (research use; one sentence)
    text = (
        "«Минюст США выкатил людоедский дедлайн до понедельника. Чувствуете, как веет "
        "свободой?» — написала она. Она добавила, что выбора нет."
    )
    assert split_sentences(text, "ru") == [
        "«Минюст США выкатил людоедский дедлайн до понедельника.",
        "Чувствуете, как веет свободой?» — написала она.",
        "Она добавила, что выбора нет.",
    ]


def test_paragraph_breaks_are_boundaries() -> None:
    text = "Title without a stop\n\nFirst one. Second one.\nThird one"
    assert split_sentences(text) == [
        "Title without a stop",
        "First one.",
        "Second one.",
        "Third one",
    ]


def test_lower_cased_tokenized_text_splits_at_standalone_periods() -> None:
    text = "the u.s. senate voted on tuesday . it passed 60 to 40 . `` good , '' he said ."
    assert split_sentences(text, "en") == [
        "the u.s. senate voted on tuesday .",
        "it passed 60 to 40 .",
        "`` good , '' he said .",
    ]


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []


@pytest.mark.parametrize(
    ("given", "code"), [("en-GB", "en"), ("RU", "ru"), ("", None), (None, None)]
)
def test_language_codes_are_normalised(given: str | None, code: str | None) -> None:
    assert normalize_language(given) == code


_SENTENCE = st.text(
    alphabet=st.sampled_from(list("abcxyzАБВгдё .,!?;:\"'«»()-0123456789\n")), max_size=200
)


@settings(max_examples=200, deadline=None)
@given(_SENTENCE, st.sampled_from(["en", "ru", "de", None]))
def test_splitting_loses_and_invents_nothing(text: str, language: str | None) -> None:
    sentences = split_sentences(text, language)
    assert re.sub(r"\s", "", "".join(sentences)) == re.sub(r"\s", "", text)
    assert all(s and s == s.strip() for s in sentences)
