"""What a page puts after the story (the author's biography, a newsletter sign-up, related
stories, follow prompts) is not part of it; the story's own last paragraph is."""

from __future__ import annotations

import pytest

from newsbrief.parsing import html_to_text, parse_upload
from newsbrief.parsing.ending import cut_after_story, follows_story

from .samples import ARTICLE_EN

SECOND = (
    "Residents who had waited for months welcomed the news, although some said the detour "
    "through the industrial estate had added half an hour to every journey to work."
)
THIRD = (
    "The contractor expects the remaining work on the northern ramp to take another three "
    "weeks, weather permitting, before the lanes open to buses and lorries again."
)
SHORT_LAST = "The trial continues."
BIO = (
    "Ann Lee is a transport reporter at the Gazette. She has covered the city's roads and "
    "railways for a decade and lives in Kestrel Bay with her two dogs."
)
RELATED = (
    "<h3>Related stories</h3><ul><li><a href='/a'>Council sets budget for the year</a></li>"
    "<li><a href='/b'>Ferry timetable changes from Monday</a></li></ul>"
)
STORY = f"<p>{ARTICLE_EN}</p><p>{SECOND}</p><p>{THIRD}</p><p>{SHORT_LAST}</p>"


def page(article_body: str) -> bytes:
    return (
        "<html><head><title>Bridge to reopen | Gazette</title></head><body>"
        f"<article><h1>Bridge to reopen</h1>{article_body}</article>"
        "<footer>Gazette Media</footer></body></html>"
    ).encode()


def paragraphs_of(html: bytes) -> list[str]:
    [article] = parse_upload(html, filename="bridge.html")
    return article.paragraphs


@pytest.mark.parametrize(
    "after",
    [
        pytest.param(f"<h2>About the author</h2><p>{BIO}</p>", id="about-the-author heading"),
        pytest.param(f'<div class="writer-bio"><p>{BIO}</p></div>', id="biography block"),
        pytest.param(
            '<div class="signup-panel"><h3>The Morning Brief</h3>'
            "<p>Our best stories, every weekday at seven.</p><p>Enter your email address.</p>"
            "</div>",
            id="sign-up block named so",
        ),
        pytest.param(
            '<p class="disclaimer">Opinions expressed are the writer\'s own and not those of '
            "the Gazette or its owners.</p>",
            id="disclaimer named so",
        ),
        pytest.param(
            f"<p>Get the day's top stories delivered straight to your inbox.</p><p>{BIO}</p>",
            id="sign-up prompt and what follows",
        ),
        pytest.param(RELATED, id="related stories"),
        pytest.param(
            "<p>Follow us on Instagram for more local news.</p>"
            "<p>Disclosure: some links on this page earn the site a commission.</p>",
            id="follow prompt and disclosure",
        ),
    ],
)
def test_what_follows_the_story_goes_and_its_last_paragraph_stays(after: str) -> None:
    html = page(STORY + after)

    assert paragraphs_of(html) == [ARTICLE_EN, SECOND, THIRD, SHORT_LAST]
    assert html_to_text(html.decode()).split("\n") == [ARTICLE_EN, SECOND, THIRD, SHORT_LAST]


def test_a_section_heading_in_the_first_half_does_not_end_the_story() -> None:
    lines = ["Related", ARTICLE_EN, SECOND, THIRD, SHORT_LAST]

    assert cut_after_story(lines) == lines


def test_a_long_block_whose_class_names_the_author_is_kept() -> None:
    # A container that merely carries such a name holds the article itself.
    body = f'<div class="author-content">{STORY * 4}</div>'

    assert paragraphs_of(page(body)) == [ARTICLE_EN, SECOND, THIRD, SHORT_LAST] * 4


@pytest.mark.parametrize(
    "line",
    [
        SHORT_LAST,
        "Comments from the minister are expected on Monday.",
        "Related costs rose by a third, the report found.",
        "The council will subscribe to the new transport authority's data service from June.",
        SECOND,
    ],
)
def test_story_lines_do_not_end_it(line: str) -> None:
    assert not follows_story(line)
