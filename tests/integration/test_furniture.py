"""Furniture learned per source through the bucket: boilerplate goes, the article never does."""

from __future__ import annotations

import textwrap

from harness import Pipeline

from newsbrief import runtime
from newsbrief.settings import FURNITURE_MIN_UPLOADS
from newsbrief.storage.articles import FurnitureRepository
from newsbrief_cli.commands.furniture import forget_report, learned_report

SOURCE = "morningpost"
SIGN_UP = "Sign up for the Morning Brief"
SITE_LINE = "Morning Post reporters cover the county courts every weekday"
RECURRING_SENTENCE = "The trial continues."
BACKGROUND = (
    "The former harbour master denies six charges of fraud and false accounting, which relate "
    "to contracts for dredging the outer harbour that were awarded between 2019 and 2022."
)
UPLOADS = 30


def day_paragraph(n: int) -> str:
    return (
        f"On day {n} of the trial the court heard from witness number {n}, an accountant who "
        f"said she had checked {n + 4} invoices for the dredging work and found that several "
        "of them had been paid twice by the harbour board."
    )


def wrapped(text: str) -> str:
    # Hard-wrapped at 60 columns, as a newsroom's CMS writes its source; a link runs across
    # a line end, where HTML extractors keep the source's newlines.
    return textwrap.fill(text, 60).replace("harbour\nboard", '<a href="/board">harbour\nboard</a>')


def story(n: int) -> str:
    return f"""<!doctype html>
<html lang="en"><head><title>Harbour fraud trial, day {n} | Morning Post</title></head>
<body><header><nav><a href="/">Home</a> <a href="/courts">Courts</a></nav></header>
<article>
<h1>Harbour fraud trial, day {n}</h1>
<p>{wrapped(day_paragraph(n))}</p>
<p>{wrapped(BACKGROUND)}</p>
<p>{RECURRING_SENTENCE}</p>
<p>{SIGN_UP}</p>
<p>{SITE_LINE}</p>
</article>
<footer>Morning Post, 4 Quay Street</footer>
</body></html>"""


def furniture_repository(pipeline: Pipeline) -> FurnitureRepository:
    table = runtime.dynamodb().Table(pipeline.spec.environment["ARTICLES_TABLE"])
    return FurnitureRepository(table, FURNITURE_MIN_UPLOADS)


def upload_story(pipeline: Pipeline, n: int) -> dict[str, object]:
    key = pipeline.upload(f"{SOURCE}/day-{n}.html", story(n), "text/html")
    pipeline.drain()
    return pipeline.article_for(key)


def test_learned_furniture_takes_the_boilerplate_and_leaves_every_sentence(pipeline: Pipeline):
    articles = [upload_story(pipeline, n) for n in range(1, UPLOADS + 1)]

    for n, article in enumerate(articles, start=1):
        assert article["status"] == "indexed", article
        paragraphs = article["paragraphs"]
        assert SIGN_UP not in paragraphs
        # Every wrapped paragraph whole, the recurring short sentence kept.
        assert paragraphs[:3] == [day_paragraph(n), BACKGROUND, RECURRING_SENTENCE]
    # The site's own line goes once enough uploads of the source carried it.
    assert articles[0]["paragraphs"][-1] == SITE_LINE
    assert all(SITE_LINE not in article["paragraphs"] for article in articles[3:])

    repository = furniture_repository(pipeline)
    listed = learned_report(repository, SOURCE)
    assert len(listed) == 1
    assert listed[0].split() == [str(UPLOADS), "uploads", *SITE_LINE.lower().split()]
    assert learned_report(repository, "elsewhere") == ["no furniture learned for elsewhere"]

    report = forget_report(repository, SOURCE, f"  {SITE_LINE.upper()} ")
    assert report == f"forgot {SITE_LINE.lower()!r} for {SOURCE}"
    assert learned_report(repository, SOURCE) == [f"no furniture learned for {SOURCE}"]
    assert upload_story(pipeline, UPLOADS + 1)["paragraphs"][-1] == SITE_LINE
