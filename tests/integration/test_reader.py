"""The reader's pages and the JSON routes behind them, through the API Gateway front."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from harness import Pipeline

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
SEED_TITLE = "Russia and Uzbekistan discuss steps to strengthen regional stability"

XSS_STORY = {
    "title": "<script>alert('title')</script> Harbour <img src=x onerror=alert('img')> reopens",
    "author": "<b onmouseover=alert('author')>Staff</b>",
    "published": "2026-06-01T08:00:00Z",
    "url": "https://news.example/harbour-reopens",
    "body": "The harbour reopened on Monday after repairs <script>alert('body')</script> that "
    "took three months and cost the city four million.\n\n"
    "Residents can read more <a href=\"javascript:alert('link')\">here</a> or "
    "<img src=x onerror=alert('body-img')> on the city's site, officials said on Monday.\n\n"
    "The ferry to the islands runs again from Tuesday, with six sailings a day.",
}


class Tags(HTMLParser):
    """The tags and attributes a browser would build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_html(body: str) -> Tags:
    tags = Tags()
    tags.feed(body)
    return tags


def page(
    pipeline: Pipeline, path: str, host: str = "127.0.0.1:3000", **headers: str
) -> tuple[int, dict, str]:
    sent = {"host": host, **{name.replace("_", "-"): value for name, value in headers.items()}}
    status, received, body = pipeline.api.gateway.handle("GET", path, sent, b"")
    return status, received, body.decode("utf-8")


def ok_page(pipeline: Pipeline, path: str, **headers: str) -> str:
    status, headers, body = page(pipeline, path, **headers)
    assert status == 200, (status, body)
    assert headers["Content-Type"].startswith("text/html")
    return body


def upload_examples(pipeline: Pipeline, *names: str) -> dict[str, str]:
    types = {".txt": "text/plain", ".md": "text/markdown", ".json": "application/json"}
    ids = {}
    for name in names:
        path = EXAMPLES / name
        key = pipeline.upload(name, path.read_bytes(), types.get(path.suffix, "text/html"))
        ids[name] = key
    pipeline.drain()
    return {name: pipeline.article_for(key)["id"] for name, key in ids.items()}


def test_front_page_article_page_and_summary_view(pipeline: Pipeline):
    ids = upload_examples(pipeline, "seed-article.txt", "prirechensk-half-marathon-ru.txt")
    seed = ids["seed-article.txt"]
    article = pipeline.api.get(f"/articles/{seed}")

    front = ok_page(pipeline, "/")
    assert SEED_TITLE in front
    assert f'href="/read/{seed}"' in front
    assert article["summary"][0].replace("'", "&#39;").replace('"', "&#34;") in front
    assert 'action="/find"' in front

    status, headers, body = page(pipeline, f"/read/{seed}")
    assert status == 200
    assert headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self'")
    assert "No time to read? Get a summary" in body
    assert f'data-summary-url="/articles/{seed}/summary"' in body
    assert f'action="/read/{seed}/summary"' in body
    for paragraph in article["paragraphs"][:3]:
        assert f"<p>{paragraph}</p>".replace("'", "&#39;").replace('"', "&#34;") in body
    tags = parse_html(body)
    assert all(attrs.get("src") for tag, attrs in tags.tags if tag == "script")
    assert not any(text.strip() for text in tags.scripts)
    keyword = article["keywords"][0]
    assert f'href="/find?q={quote(keyword)}"' in body.replace("+", "%20")

    medium = pipeline.api.get(f"/articles/{seed}/summary?length=medium")["summary"]
    view = ok_page(pipeline, f"/read/{seed}/summary")
    for sentence in medium:
        assert sentence.replace("'", "&#39;").replace('"', "&#34;") in view
    short = ok_page(pipeline, f"/read/{seed}/summary?length=short")
    assert short.count("<li>") == 1
    assert page(pipeline, f"/read/{seed}/summary?length=huge")[0] == 400

    russian = ok_page(pipeline, f"/read/{ids['prirechensk-half-marathon-ru.txt']}")
    assert '<article class="story" lang="ru">' in russian
    assert "Полумарафон в Приреченске" in russian


def test_pages_speak_the_article_language_or_the_readers(pipeline: Pipeline):
    ids = upload_examples(
        pipeline,
        "seed-article.txt",
        "prirechensk-half-marathon-ru.txt",
        "prirechensk-climbing-wall-ru.json",
    )
    climbing = ids["prirechensk-climbing-wall-ru.json"]
    status, headers, body = page(pipeline, f"/read/{climbing}", accept_language="en")
    assert status == 200 and headers["Content-Language"] == "ru"
    assert '<html lang="ru">' in body
    assert "Нет времени читать? Получить краткое содержание" in body
    assert "No time to read" not in body
    assert ">Автор: Мария Лебедева<" in body
    assert '<time datetime="2026-01-05T12:30:00+03:00">5 января 2026\u202fг.</time>' in body
    assert ">1 минута чтения<" in body
    assert 'data-loading="Загружаем краткое содержание…"' in body
    assert (
        'data-failed="Не удалось загрузить краткое содержание ({reason}). Попробуйте ещё раз."'
        in body
    )
    marathon = ok_page(pipeline, f"/read/{ids['prirechensk-half-marathon-ru.txt']}")
    assert ">2 минуты чтения<" in marathon
    summary = ok_page(pipeline, f"/read/{climbing}/summary?length=short")
    assert '<html lang="ru">' in summary and "Читать статью целиком" in summary

    # The seed is English whatever the reader asks for.
    status, headers, seed = page(pipeline, f"/read/{ids['seed-article.txt']}", accept_language="ru")
    assert headers["Content-Language"] == "en" and '<html lang="en">' in seed
    assert "min read<" in seed and "No time to read? Get a summary" in seed

    # Pages about no one article: ?lang=, else Accept-Language, else English.
    status, headers, front = page(pipeline, "/", accept_language="ru-RU,ru;q=0.9,en;q=0.8")
    assert headers["Content-Language"] == "ru" and headers["Vary"] == "Accept-Language"
    assert "<h1>Последние статьи</h1>" in front and 'name="lang"' not in front
    assert "<h1>Latest articles</h1>" in ok_page(pipeline, "/", accept_language="de, en;q=0.5")
    assert "<h1>Latest articles</h1>" in ok_page(pipeline, "/")
    chosen = ok_page(pipeline, "/?lang=ru", accept_language="en")
    assert "<h1>Последние статьи</h1>" in chosen
    assert '<input type="hidden" name="lang" value="ru">' in chosen
    # The choice goes with the reader: an English article keeps its language, its links keep ru.
    seed_id = ids["seed-article.txt"]
    assert f'href="/read/{seed_id}?lang=ru"' in chosen
    seed_chosen = ok_page(pipeline, f"/read/{seed_id}?lang=ru")
    assert '<html lang="en">' in seed_chosen and 'class="brand" href="/?lang=ru"' in seed_chosen
    assert "&amp;lang=ru" in seed_chosen.split('class="keywords"')[1]
    # Each article's date is in its own language, on any page.
    assert "5 января 2026\u202fг." in ok_page(pipeline, "/")

    found = ok_page(
        pipeline, "/find?q=%D1%81%D0%BA%D0%B0%D0%BB%D0%BE%D0%B4%D1%80%D0%BE%D0%BC&lang=ru"
    )
    assert "Результаты поиска по запросу «скалодром»" in found
    assert '<p class="total">1 результат</p>' in found
    assert "<mark>" in found
    nothing = ok_page(pipeline, "/find?q=zzyzxqv&language=en&lang=ru")
    assert "По запросу «zzyzxqv» с этими фильтрами ничего не найдено" in nothing
    assert 'href="/find?q=zzyzxqv&amp;lang=ru">поищите без фильтров</a>' in nothing
    # A translation's placeholders are filled with escaped text.
    hostile = quote('"><img src=x onerror=alert(1)>')
    for language in ("ru", "en"):
        body = ok_page(pipeline, f"/find?q={hostile}&language=en&lang={language}")
        assert "<img" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
        assert not any(tag == "img" for tag, _ in parse_html(body).tags)

    status, headers, missing = page(pipeline, "/read/0123456789abcdef0123", accept_language="ru")
    assert status == 404 and "Такой статьи нет" in missing
    status, _, bad = page(pipeline, "/?limit=500&lang=ru")
    assert status == 400 and "limit должен быть числом от 1 до 50" in bad


def test_previous_next_and_related(pipeline: Pipeline):
    ids = upload_examples(
        pipeline,
        "harbour-gazette-council-budget.html",  # 2026-03-05
        "harbour-gazette-mariners-title.html",  # 2026-04-25
        "wren-1-satellite-first-images.json",  # 2026-05-21
    )
    middle = ids["harbour-gazette-mariners-title.html"]
    neighbors = pipeline.api.get(f"/articles/{middle}/neighbors")
    assert neighbors["previous"]["id"] == ids["harbour-gazette-council-budget.html"]
    assert neighbors["next"]["id"] == ids["wren-1-satellite-first-images.json"]
    first = pipeline.api.get(f"/articles/{ids['harbour-gazette-council-budget.html']}/neighbors")
    assert first["previous"] is None
    assert first["next"]["id"] == middle

    body = ok_page(pipeline, f"/read/{middle}")
    previous = re.search(r'class="previous">Previous article: <a href="/read/([^"]+)"', body)
    following = re.search(r'class="next">Next article: <a href="/read/([^"]+)"', body)
    assert previous and previous.group(1) == ids["harbour-gazette-council-budget.html"]
    assert following and following.group(1) == ids["wren-1-satellite-first-images.json"]
    related = pipeline.api.get(f"/articles/{middle}/related")
    assert related
    assert 'class="related"' in body
    assert f'href="/read/{related[0]["id"]}"' in body

    status, missing = pipeline.api.request("GET", "/articles/0123456789abcdef0123/neighbors")
    assert status == 404, missing


def test_article_found_by_canonical_url(pipeline: Pipeline):
    ids = upload_examples(pipeline, "harbour-gazette-council-budget.html")
    url = (
        "https://www.harbourgazette.example/news/city/2026/03/05/"
        "council-approves-418m-budget-ferry-terminal-delayed"
    )
    found = pipeline.api.get(f"/articles?url={quote(url, safe='')}")
    assert [item["id"] for item in found["items"]] == [ids["harbour-gazette-council-budget.html"]]
    assert pipeline.api.get(f"/articles?url={quote(url + '/', safe='')}")["items"] == []
    status, body = pipeline.api.request("GET", f"/articles?url=x&key={quote('incoming/a')}")
    assert status == 400, body
    document = pipeline.api.get("/openapi.json")
    assert "/articles/{article_id}/neighbors" in document["paths"]
    parameters = document["paths"]["/articles"]["get"]["parameters"]
    assert "url" in {parameter["name"] for parameter in parameters}


def test_article_text_and_metadata_render_inert(pipeline: Pipeline):
    key = pipeline.upload("harbour.json", json.dumps(XSS_STORY), "application/json")
    pipeline.drain()
    article = pipeline.article_for(key)
    assert "<script>" in article["title"]

    for path in (
        "/",
        f"/read/{article['id']}",
        f"/read/{article['id']}/summary",
        "/find?q=harbour",
    ):
        body = ok_page(pipeline, path)
        tags = parse_html(body)
        scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
        assert all(attrs.get("src", "").endswith("/static/reader.js") for attrs in scripts), path
        assert not any(tag == "img" for tag, _ in tags.tags), path
        for _, attrs in tags.tags:
            assert not any(name.startswith("on") for name in attrs), (path, attrs)
            assert not str(attrs.get("href", "")).lower().startswith("javascript:"), path
        assert "&lt;script&gt;" in body, path


def test_pages_show_status_of_unfinished_articles_and_errors(pipeline: Pipeline):
    status, submitted = pipeline.api.request(
        "POST", "/articles?filename=later.txt", "Queued story\n\nNot processed yet.", "text/plain"
    )
    assert status == 202, submitted
    body = ok_page(pipeline, f"/read/{submitted['id']}")
    assert "still being processed" in body
    assert "queued" in body
    assert "still being processed" in ok_page(pipeline, f"/read/{submitted['id']}/summary")

    key = pipeline.upload("empty.txt", b"   \n")
    pipeline.drain()
    rejected = pipeline.article_for(key)
    assert rejected["status"] == "rejected"
    body = ok_page(pipeline, f"/read/{rejected['id']}")
    assert "could not be published" in body
    assert rejected["reason"].replace("'", "&#39;") in body

    for path in ("/read/0123456789abcdef0123", "/read/not-an-id", "/static/app.py"):
        status, headers, body = page(pipeline, path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html"), path
    for path in ("/?cursor=bogus", "/find?q=x&since=2026-13-45", "/find?q=x&cursor=bogus"):
        status, _, body = page(pipeline, path)
        assert status == 400, (path, body)
        assert "cannot be shown" in body


def test_search_page_filters_paging_and_no_results(pipeline: Pipeline):
    upload_examples(
        pipeline,
        "seed-article.txt",
        "harbour-gazette-council-budget.html",
        "harbour-gazette-mariners-title.html",
        "storm-hilde-untitled.json",
        "prirechensk-half-marathon-ru.txt",
    )
    body = ok_page(pipeline, "/find?q=Uzbekistan")
    assert "1 result<" in body
    assert "<mark>Uzbekistan</mark>" in body
    assert SEED_TITLE in body

    api = pipeline.api.get("/search?q=said&limit=2")
    assert api["total"] > 2
    first = ok_page(pipeline, "/find?q=said&limit=2")
    assert f"{api['total']} results" in first
    link = re.search(r'class="next-page" href="([^"]+)"', first)
    assert link
    second = ok_page(pipeline, link.group(1).replace("&amp;", "&"))
    first_ids = set(re.findall(r'<h2><a href="/read/([^"]+)"', first))
    second_ids = set(re.findall(r'<h2><a href="/read/([^"]+)"', second))
    assert len(first_ids) == 2 and second_ids and not first_ids & second_ids

    russian = ok_page(pipeline, "/find?q=said&language=ru")
    assert "No results" in russian and "search without filters" in russian
    dated = ok_page(pipeline, "/find?q=Kestrel&since=2026-04-01&until=2026-04-30")
    assert "Mariners" in dated and "budget" not in dated.split('class="results"')[1]

    nothing = ok_page(pipeline, "/find?q=zzyzxqv")
    assert "No results" in nothing and "zzyzxqv" in nothing
    assert "<h1>Search</h1>" in ok_page(pipeline, "/find")


def test_front_page_pages_with_a_cursor(pipeline: Pipeline):
    for day in range(1, 6):
        story = {
            "title": f"Ferry timetable {day}",
            "published": f"2026-03-0{day}T10:00:00Z",
            "body": f"The ferry timetable changes on March {day}, the harbour office said. "
            "Sailings to the islands will run every hour from six in the morning until "
            "midnight, and the last boat back leaves the pier at a quarter past eleven.",
        }
        pipeline.upload(f"ferry-{day}.json", json.dumps(story), "application/json")
    pipeline.drain()
    seen: list[str] = []
    path = "/?limit=2"
    for _ in range(5):
        body = ok_page(pipeline, path)
        seen += re.findall(r">(Ferry timetable \d)</a>", body)
        link = re.search(r'class="next-page" href="([^"]+)"', body)
        if not link:
            break
        path = link.group(1).replace("&amp;", "&")
    assert seen == [f"Ferry timetable {day}" for day in range(5, 0, -1)]
    # Uploads that are not (or not yet) articles stay off the front page.
    pipeline.upload("empty.txt", b"   ")
    pipeline.drain()
    assert "rejected" not in ok_page(pipeline, "/")


def test_static_files_widget_and_stage_paths(pipeline: Pipeline):
    status, headers, body = page(pipeline, "/static/reader.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "data-summary-url" in body
    status, headers, _ = page(pipeline, "/static/reader.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, headers, body = page(pipeline, "/widget.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "/articles?limit=1&url=" in body
    strings = re.search(r"var MESSAGES = (\{.*?\});\n", body)
    assert strings, "the widget carries its strings"
    table = json.loads(strings.group(1))
    assert table["ru"]["button"] == "Нет времени читать? Получить краткое содержание"
    assert table["en"]["button"] == "No time to read? Get a summary"

    # On API Gateway's own host the stage is part of every path.
    status, _, body = page(pipeline, "/", host="abc123.execute-api.us-east-1.amazonaws.com")
    assert status == 200
    assert 'href="/v1/static/reader.css"' in body and 'action="/v1/find"' in body


@pytest.mark.parametrize("path", ["/", "/find?q=anything"])
def test_pages_on_an_empty_archive(pipeline: Pipeline, path: str):
    body = ok_page(pipeline, path)
    assert "No articles yet." in body or "No results" in body
