from __future__ import annotations

import pytest

from newsbrief.summarizing.text import content_stems, resolve_language, words


def test_content_stems_leave_out_stop_words_numbers_and_single_letters() -> None:
    tokens = words("The 3 fishermen protested quotas in Brussels harbours, x and y")
    assert content_stems(tokens, "en") == ["fishermen", "protest", "quota", "brussel", "harbour"]


def test_content_stems_are_the_same_on_repeated_and_mixed_calls() -> None:
    tokens = words("Running runners ran; the runner runs")
    first = content_stems(tokens, "en")
    # a second text sharing some tokens, then the first again: answers come from the lookup
    content_stems(words("runners and their running shoes"), "en")
    assert content_stems(tokens, "en") == first == ["run", "runner", "ran", "runner", "run"]
    assert content_stems(tuple(tokens), "en") == first


def test_content_stems_are_kept_apart_per_language() -> None:
    tokens = ["running", "что", "x"]
    assert content_stems(tokens, "en") == ["run", "что"]
    assert content_stems(tokens, None) == ["running", "что"]
    assert content_stems(tokens, "ru") == ["running"]


@pytest.mark.parametrize(
    ("sample", "language"),
    [
        ("The minister said that the talks would go on for a week.", "en"),
        ("Министр сказал, что переговоры продолжатся еще неделю, а не две.", "ru"),
        # Latin letters outnumber the Cyrillic ones
        ("The talks with the minister of Россия went on for a week.", "en"),
        # Cyrillic letters outnumber the Latin ones
        ("Министр сказал, что переговоры с NATO продолжатся еще неделю.", "ru"),
        ("Der Minister sagte, die Gespräche würden eine Woche dauern.", None),
        ("12345 67 — 89", None),
        ("", None),
    ],
)
def test_language_is_guessed_from_script_and_stop_words(sample: str, language: str | None) -> None:
    assert resolve_language(None, sample) == language


def test_given_language_wins_over_the_guess() -> None:
    assert resolve_language("ru-RU", "The minister said that the talks would go on.") == "ru"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Don't stop: O’Neil's 3 goals", ["don't", "stop", "o’neil", "s", "3", "goals"]),
        ("snake_case and _private names", ["snake", "case", "and", "private", "names"]),
        ("Москва и мир", ["москва", "и", "мир"]),
    ],
)
def test_words_are_lower_cased_and_split_at_underscores(text: str, expected: list[str]) -> None:
    assert words(text) == expected
