from __future__ import annotations

import pytest

from newsbrief.summarizing.furniture import is_furniture, strip_dateline


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "MOSCOW (Reuters) — Russian and Uzbek diplomats met on Tuesday to talk.",
            "Russian and Uzbek diplomats met on Tuesday to talk.",
        ),
        (
            "WASHINGTON, May 3 (AP) - The Senate passed the bill on a vote of 60 to 40.",
            "The Senate passed the bill on a vote of 60 to 40.",
        ),
        (
            "washington ( cnn ) president barack obama says he is committed to israel .",
            "president barack obama says he is committed to israel .",
        ),
        (
            "( cnn ) -- the american pharmacists association is discouraging executions .",
            "the american pharmacists association is discouraging executions .",
        ),
        (
            "LONDON — The Bank of England raised rates by a quarter point today.",
            "The Bank of England raised rates by a quarter point today.",
        ),
        (
            "МОСКВА, 5 мая /ТАСС/. Министр иностранных дел России провёл переговоры.",
            "Министр иностранных дел России провёл переговоры.",
        ),
        (
            "The U.S. — and its allies — said so in a long statement today.",
            "The U.S. — and its allies — said so in a long statement today.",
        ),
        ("Moscow (Reuters) — Talks ended.", "Moscow (Reuters) — Talks ended."),
    ],
)
def test_datelines_are_stripped(sentence: str, expected: str) -> None:
    assert strip_dateline(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "By John Smith",
        "by . daily mail reporter .",
        "Click here to read more about the story today.",
        "A man walks past the bank in London on Tuesday. REUTERS/Toby Melville",
        "Photo: The minister speaks at the conference in Moscow.",
        "Читайте также: как прошли переговоры в Москве на прошлой неделе.",
        "Get a summary",
        "No time to read?",
    ],
)
def test_furniture_is_recognised(sentence: str) -> None:
    assert is_furniture(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister said the talks would continue next week in Tashkent.",
        "Bystanders said the crash was loud and terrifying to watch.",
        "Министр заявил, что переговоры продолжатся на следующей неделе.",
    ],
)
def test_article_sentences_are_not_furniture(sentence: str) -> None:
    assert not is_furniture(sentence)
