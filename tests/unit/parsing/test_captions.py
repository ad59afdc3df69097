"""Figure captions and photo credits are not part of an HTML article's text."""

from __future__ import annotations

from newsbrief.parsing import html_to_text, parse_upload

from .samples import ARTICLE_EN

CAPTION = "Councillors debate the budget in the chamber on Wednesday evening."
SECOND = "The mayor said the vote would be repeated next month if the courts allowed it."


def page(body: str) -> bytes:
    return (
        "<html><head><title>Budget passes</title></head><body><article>"
        f"<h1>Budget passes</h1>{body}</article></body></html>"
    ).encode()


def test_figcaption_and_caption_classes_are_dropped() -> None:
    body = (
        f'<figure><img src="a.jpg"><figcaption>{CAPTION} '
        '<span class="credit">Photograph: Ben Castillo</span></figcaption></figure>'
        f"<p>{ARTICLE_EN}</p>"
        f'<div class="nd-article__caption">{CAPTION} (Picture: Sam Idowu)</div>'
        f'<p class="image-credit">Photo by Ann Lee for the Courier</p><p>{SECOND}</p>'
    )
    [article] = parse_upload(page(body), filename="budget.html")

    assert article.paragraphs == [ARTICLE_EN, SECOND]


def test_a_long_element_whose_class_mentions_captions_is_kept() -> None:
    body = f'<div class="story with-captions"><p>{ARTICLE_EN}</p><p>{ARTICLE_EN}</p></div>'
    [article] = parse_upload(page(body), filename="budget.html")

    assert article.paragraphs == [ARTICLE_EN, ARTICLE_EN]


def test_html_to_text_drops_closing_credits() -> None:
    body = f"<p>{ARTICLE_EN}</p><p>{SECOND}</p><p>Reporting by Ann Lee; Editing by Bob Ray</p>"
    text = html_to_text(page(body).decode())

    assert text.endswith(f"{ARTICLE_EN}\n{SECOND}")
