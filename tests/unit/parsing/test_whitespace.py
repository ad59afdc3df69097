"""Paragraphs are the document's blocks: HTML whitespace rules, hard-wrapped text and Markdown
joined into paragraphs, in every format and every extraction path."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from copy import deepcopy

import pytest

from newsbrief.parsing import html_to_text, parse_upload
from newsbrief.parsing.html import (
    main_text_lines,
    parse_page,
    readability_lines,
    readability_lxml_lines,
)
from newsbrief.parsing.paragraphs import sentence_cuts, wrapped_paragraphs

from .samples import ARTICLE_EN

SECOND = (
    "The mayor said the bridge on the northern road would reopen in the spring, once the new "
    "deck had been tested by engineers from the regional authority and found safe for buses."
)
THIRD = (
    "Residents who had waited for months welcomed the news, although some of them said the "
    "detour through the industrial estate had added half an hour to every journey to work."
)


def wrapped(text: str, width: int = 72) -> str:
    return "\n".join(textwrap.wrap(text, width))


def page(body: str) -> str:
    return (
        "<html><head><title>Bridge to reopen | Gazette</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Bridge to reopen</h1>{body}</article>"
        "<footer>Gazette Media</footer></body></html>"
    )


def html_paragraphs(html: str) -> list[str]:
    [article] = parse_upload(html.encode(), filename="story.html")
    return article.paragraphs


def wrapped_html_body() -> str:
    """Three paragraphs whose source lines are wrapped at 72 columns, with inline markup
    across the line ends (where extractors keep the source's newlines)."""
    first = wrapped(ARTICLE_EN).replace("budget", "<a href='/budget'>budget</a>")
    second = wrapped(SECOND).replace("the new\ndeck", "<em>the new\ndeck</em>")
    return f"<p>{first}</p>\n<p>{second}</p>\n<p>\n  {wrapped(THIRD, 60)}\n</p>"


def test_wrapped_html_paragraphs_stay_whole() -> None:
    assert html_paragraphs(page(wrapped_html_body())) == [ARTICLE_EN, SECOND, THIRD]


@pytest.mark.parametrize("extract", [readability_lines, readability_lxml_lines])
def test_wrapped_html_paragraphs_stay_whole_in_the_fallback_extractors(
    extract: Callable[..., list[str]],
) -> None:
    tree = parse_page(page(wrapped_html_body())).tree
    lines = extract(deepcopy(tree))
    assert ARTICLE_EN in lines
    assert SECOND in lines
    assert THIRD in lines


def test_html_to_text_joins_wrapped_lines() -> None:
    lines = html_to_text(page(wrapped_html_body())).split("\n")
    # The headline is the article's title, not a paragraph of its text.
    assert lines == [ARTICLE_EN, SECOND, THIRD]


def test_a_br_is_a_line_break_inside_the_paragraph_and_two_end_it() -> None:
    body = (
        f"<p>{ARTICLE_EN}</p>"
        "<p>Harbour Road 12<br>\n  Kestrel Bay<br><br>\n"
        f"{SECOND}<br/> <br/>{THIRD}</p>"
        "<div>Late news arrived <b>on Friday<br><br>evening</b> from the "
        f"{wrapped(THIRD, 40)}</div>"
    )
    paragraphs = html_paragraphs(page(body))

    assert paragraphs[:4] == [ARTICLE_EN, "Harbour Road 12\nKestrel Bay", SECOND, THIRD]
    assert paragraphs[4:] == ["Late news arrived on Friday", f"evening from the {THIRD}"]


def test_pre_keeps_its_lines() -> None:
    body = (
        f"<p>{ARTICLE_EN}</p><pre>Results:\n  North   12\n  South    9\n\nTurnout 61%</pre>"
        f"<p>{SECOND}</p>"
    )
    paragraphs = html_paragraphs(page(body))

    assert paragraphs == [ARTICLE_EN, "Results:\nNorth 12\nSouth 9", "Turnout 61%", SECOND]


def test_whitespace_rules_hold_in_every_extraction_path() -> None:
    """The main path (trafilatura) and both fallbacks read the same blocks."""
    body = f"<p>{wrapped(ARTICLE_EN)}</p><p>Harbour Road 12<br>Kestrel Bay</p><p>{SECOND}</p>"
    page_ = parse_page(page(body))
    expected = [ARTICLE_EN, "Harbour Road 12\nKestrel Bay", SECOND]
    for lines in (
        main_text_lines(page_),
        readability_lines(deepcopy(page_.tree)),
        readability_lxml_lines(deepcopy(page_.tree)),
    ):
        paragraphs = [line.replace("\u2e3f", "\n") for line in lines]
        assert [p for p in paragraphs if p in expected] == expected


def test_hard_wrapped_plain_text_joins_into_paragraphs() -> None:
    text = (
        f"Bridge to reopen\n\n{wrapped(ARTICLE_EN)}\n\n"
        f"{wrapped(SECOND, 64)}\n{wrapped(THIRD, 64)}\n"
    )
    [article] = parse_upload(text.encode(), filename="story.txt")

    assert article.title == "Bridge to reopen"
    # The last line of SECOND is short and ends a sentence: THIRD starts a paragraph.
    assert article.paragraphs == [ARTICLE_EN, SECOND, THIRD]


def test_a_short_line_that_ends_a_sentence_ends_its_paragraph() -> None:
    lines = [*wrapped(ARTICLE_EN).split("\n"), *wrapped(SECOND).split("\n")]
    assert wrapped_paragraphs(lines) == [ARTICLE_EN, SECOND]


def test_a_full_line_that_ends_a_sentence_does_not() -> None:
    # The first line ends a sentence, but "Councillors" would not have fitted on it.
    lines = [
        "after a long debate about school funding and road repairs.",
        "Councillors said the plan would keep taxes flat while adding",
        "money for teachers.",
    ]
    assert wrapped_paragraphs(lines) == [" ".join(lines)]


def test_text_with_one_paragraph_a_line_keeps_its_lines() -> None:
    assert wrapped_paragraphs([ARTICLE_EN, SECOND, THIRD]) == [ARTICLE_EN, SECOND, THIRD]


def test_a_long_line_cut_mid_sentence_joins_the_next() -> None:
    cut = SECOND.index(" in the spring")
    head, tail = SECOND[:cut], SECOND[cut + 1 :]
    assert wrapped_paragraphs([ARTICLE_EN, head, tail]) == [ARTICLE_EN, SECOND]


def test_markdown_paragraph_lines_join_and_hard_breaks_stay() -> None:
    text = (
        "# Bridge to reopen\n\n"
        f"{wrapped(ARTICLE_EN)}\n\n"
        "Harbour Road 12  \nKestrel Bay\\\nNorth Shore\n\n"
        f"* {wrapped(SECOND, 60)}\n"
        f"* {THIRD}\n\n"
        "```\nNorth 12\nSouth 9\n```\n"
    )
    [article] = parse_upload(text.encode(), filename="story.md")

    assert article.title == "Bridge to reopen"
    assert article.paragraphs == [
        ARTICLE_EN,
        "Harbour Road 12\nKestrel Bay\nNorth Shore",
        SECOND,
        THIRD,
        "North 12\nSouth 9",
    ]


def test_json_list_bodies_in_text_and_html_follow_the_same_rules() -> None:
    items = [
        {"title": "Bridge to reopen", "body": f"{wrapped(ARTICLE_EN)}\n\n{wrapped(SECOND)}"},
        {
            "title": "Bridge to reopen",
            "body": f"<p>{wrapped(ARTICLE_EN)}</p><p>Harbour Road 12<br>Kestrel Bay<br><br>"
            f"{wrapped(SECOND)}</p><pre>North 12\nSouth 9</pre>",
        },
    ]
    plain, html = parse_upload(json.dumps(items).encode(), filename="stories.json")

    assert plain.paragraphs == [ARTICLE_EN, SECOND]
    address, results = "Harbour Road 12\nKestrel Bay", "North 12\nSouth 9"
    assert html.paragraphs == [ARTICLE_EN, address, SECOND, results]


def test_sentence_cuts_counts_adjacent_fragments() -> None:
    cut = ["The mayor said on", "monday that the bridge", "would open.", "Next."]
    assert sentence_cuts(cut) == 2
    assert sentence_cuts([ARTICLE_EN, SECOND, THIRD]) == 0
