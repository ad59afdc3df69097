"""A reader's way through the pages in headless Chromium: the front page, an article and its
in-place summary, previous/next and related articles, search, hostile article text, and the
embeddable button on a newsroom's own page of another origin."""

from __future__ import annotations

import html
import os
import re
from typing import Any

import pytest
from conftest import Newsroom, ReaderStack, open_page
from playwright.sync_api import expect

# One worker runs this file: its tests share one local stack and one browser.
pytestmark = pytest.mark.xdist_group("browser")

SEED_TITLE = "Russia and Uzbekistan discuss steps to strengthen regional stability"
BUTTON = "No time to read? Get a summary"
RUSSIAN_BUTTON = "Нет времени читать? Получить краткое содержание"
CLIMBING_URL = "https://prirechensk-vesti.example/sport/2026/01/05/pervyj-krytyj-skalodrom"
BUDGET_URL = (
    "https://www.harbourgazette.example/news/city/2026/03/05/"
    "council-approves-418m-budget-ferry-terminal-delayed"
)


def sentences(page: Any) -> list[str]:
    return [text.strip() for text in page.locator(".summary-sentences li").all_inner_texts()]


def test_front_page_to_an_article_and_its_summary_in_place(
    page: Any, reader_stack: ReaderStack
) -> None:
    seed = reader_stack.ids["seed-article.txt"]
    response = page.goto(reader_stack.api_url + "/")
    assert response.ok
    assert page.locator(".article-item").count() >= 8
    page.get_by_role("link", name=SEED_TITLE).click()
    page.wait_for_url(f"**/read/{seed}")
    assert page.locator("h1").inner_text() == SEED_TITLE
    assert page.locator(".story .body p").count() >= 5

    page.get_by_role("button", name=BUTTON).click()
    page.locator(".summary[data-state=done]").wait_for()
    expected = reader_stack.api(f"/articles/{seed}/summary", length="medium")["summary"]
    assert sentences(page) == expected
    expect(page.locator(".summary-origin:visible")).to_have_text("Automatically generated summary")
    assert page.url.endswith(f"/read/{seed}"), "the page must not reload"
    if os.environ.get("NEWSBRIEF_README_SCREENSHOT"):
        # The README's picture of the article page with its summary open.
        page.screenshot(path=os.environ["NEWSBRIEF_README_SCREENSHOT"])

    page.get_by_label("Short").check()
    expect(page.locator(".summary-sentences li")).to_have_count(1)
    short = reader_stack.api(f"/articles/{seed}/summary", length="short")["summary"]
    assert sentences(page) == short
    page.get_by_label("Long").check()
    long = reader_stack.api(f"/articles/{seed}/summary", length="long")["summary"]
    expect(page.locator(".summary-sentences li")).to_have_count(len(long))
    assert sentences(page) == long


def test_summary_shows_loading_then_error_then_recovers(
    page: Any, reader_stack: ReaderStack
) -> None:
    seed = reader_stack.ids["seed-article.txt"]
    held: list[Any] = []
    page.route("**/articles/*/summary*", lambda route: held.append(route))
    page.goto(f"{reader_stack.api_url}/read/{seed}")
    page.get_by_role("button", name=BUTTON).click()
    page.locator(".summary[data-state=loading]").wait_for()
    assert page.locator(".summary-status").inner_text() == "Getting the summary…"
    assert page.get_by_role("button", name=BUTTON).is_disabled()
    for _ in range(100):  # the held request reaches the route handler while events run
        if held:
            break
        page.wait_for_timeout(50)
    held.pop().fulfill(
        status=503,
        content_type="application/json",
        body='{"error": {"code": "unavailable", "message": "the service is busy"}}',
    )
    page.locator(".summary[data-state=error]").wait_for()
    assert (
        "could not be loaded (the service is busy)" in page.locator(".summary-status").inner_text()
    )

    page.unroute("**/articles/*/summary*")
    page.get_by_role("button", name=BUTTON).click()
    page.locator(".summary[data-state=done]").wait_for()
    assert (
        sentences(page) == reader_stack.api(f"/articles/{seed}/summary", length="medium")["summary"]
    )
    assert page.locator(".summary-status").is_hidden()


def test_without_javascript_the_button_opens_the_summary_page(
    browser: Any, screenshots: Any, reader_stack: ReaderStack
) -> None:
    seed = reader_stack.ids["seed-article.txt"]
    page = open_page(browser, screenshots, "without-javascript", javascript=False)
    try:
        page.goto(f"{reader_stack.api_url}/read/{seed}")
        page.get_by_label("Long").check()
        page.get_by_role("button", name=BUTTON).click()
        page.wait_for_url(f"**/read/{seed}/summary?length=long")
        long = reader_stack.api(f"/articles/{seed}/summary", length="long")["summary"]
        assert sentences(page) == long
        page.get_by_role("link", name="Short").click()
        assert (
            sentences(page)
            == reader_stack.api(f"/articles/{seed}/summary", length="short")["summary"]
        )
        page.get_by_role("link", name="Read the whole article").click()
        assert page.locator("h1").inner_text() == SEED_TITLE
        # Search works without script too.
        page.get_by_placeholder("Search articles").fill("Uzbekistan")
        page.get_by_placeholder("Search articles").press("Enter")
        assert page.get_by_role("link", name=SEED_TITLE).count() == 1
        page.screenshot(path=str(page.screenshot_name), full_page=True)
    finally:
        page.context.close()


def test_previous_next_and_related_articles(page: Any, reader_stack: ReaderStack) -> None:
    ids = reader_stack.ids
    page.goto(f"{reader_stack.api_url}/read/{ids['harbour-gazette-mariners-title.html']}")
    mariners = page.locator("h1").inner_text()
    neighbors = reader_stack.api(
        f"/articles/{ids['harbour-gazette-mariners-title.html']}/neighbors"
    )
    page.locator(".neighbors .next a").click()
    assert page.locator("h1").inner_text() == neighbors["next"]["title"]
    page.locator(".neighbors .previous a").click()
    assert page.locator("h1").inner_text() == mariners
    page.locator(".neighbors .previous a").click()
    assert page.locator("h1").inner_text() == neighbors["previous"]["title"]

    related = reader_stack.api(f"/articles/{ids['harbour-gazette-mariners-title.html']}/related")
    page.goto(f"{reader_stack.api_url}/read/{ids['harbour-gazette-mariners-title.html']}")
    links = page.locator(".related a")
    assert links.all_inner_texts() == [hit["title"] for hit in related]
    links.first.click()
    assert page.locator("h1").inner_text() == related[0]["title"]


def test_search_with_filters_paging_and_no_results(page: Any, reader_stack: ReaderStack) -> None:
    page.goto(reader_stack.api_url + "/")
    page.get_by_placeholder("Search articles").fill("Uzbekistan")
    page.get_by_role("button", name="Search").first.click()
    page.wait_for_url("**/find?q=Uzbekistan")
    assert page.locator(".total").inner_text() == "1 result"
    assert page.locator(".snippet mark").first.inner_text() == "Uzbekistan"
    page.get_by_role("link", name=SEED_TITLE).click()
    assert page.locator("h1").inner_text() == SEED_TITLE

    api = reader_stack.api("/search", q="said", limit=3)
    page.goto(f"{reader_stack.api_url}/find?q=said&limit=3")
    assert page.locator(".total").inner_text() == f"{api['total']} results"
    first = page.locator(".result h2 a").all_inner_texts()
    assert first == [hit["title"] for hit in api["items"]]
    page.get_by_role("link", name="Next page").click()
    second = page.locator(".result h2 a").all_inner_texts()
    following = reader_stack.api("/search", q="said", limit=3, cursor=api["next_cursor"])
    assert second == [hit["title"] for hit in following["items"]]
    assert not set(first) & set(second)

    page.goto(f"{reader_stack.api_url}/find?q=said")
    page.locator(".search-filters select[name=language]").select_option("ru")
    page.locator(".search-filters button").click()
    assert page.get_by_role("heading", name="No results").is_visible()
    page.get_by_role("link", name="search without filters").click()
    assert page.locator(".result").count() > 0

    page.goto(f"{reader_stack.api_url}/find?q=Kestrel")
    page.locator(".search-filters input[name=since]").fill("2026-04-01")
    page.locator(".search-filters input[name=until]").fill("2026-04-30")
    page.locator(".search-filters button").click()
    titles = page.locator(".result h2 a").all_inner_texts()
    assert titles and all("Mariners" in title for title in titles)

    page.goto(f"{reader_stack.api_url}/find?q=zzyzxqv")
    assert page.get_by_role("heading", name="No results").is_visible()
    assert "zzyzxqv" in page.locator(".no-results").inner_text()


def test_a_russian_article_page_in_russian(page: Any, reader_stack: ReaderStack) -> None:
    article_id = reader_stack.ids["prirechensk-climbing-wall-ru.json"]
    page.goto(f"{reader_stack.api_url}/read/{article_id}")
    # The browser asks for English; the page follows its article.
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("article.story").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "В Приреченске открылся первый крытый скалодром"
    assert page.locator(".byline").inner_text() == "Автор: Мария Лебедева"
    assert page.locator(".story .meta time").inner_text() == "5 января 2026\u202fг."
    assert page.locator(".reading-time").inner_text() == "1 минута чтения"
    assert page.locator(".summary-length legend").inner_text() == "Объём"
    assert page.get_by_placeholder("Поиск по статьям").is_visible()
    assert page.locator(".keywords").inner_text().startswith("Ключевые слова:")

    held: list[Any] = []
    page.route("**/articles/*/summary*", lambda route: held.append(route))
    page.get_by_role("button", name=RUSSIAN_BUTTON).click()
    page.locator(".summary[data-state=loading]").wait_for()
    assert page.locator(".summary-status").inner_text() == "Загружаем краткое содержание…"
    for _ in range(100):  # the held request reaches the route handler while events run
        if held:
            break
        page.wait_for_timeout(50)
    held.pop().fulfill(status=503, content_type="application/json", body='{"error": {}}')
    page.locator(".summary[data-state=error]").wait_for()
    assert page.locator(".summary-status").inner_text() == (
        "Не удалось загрузить краткое содержание (HTTP 503). Попробуйте ещё раз."
    )
    page.unroute("**/articles/*/summary*")

    page.get_by_role("button", name=RUSSIAN_BUTTON).click()
    page.locator(".summary[data-state=done]").wait_for()
    expected = reader_stack.api(f"/articles/{article_id}/summary", length="medium")["summary"]
    assert sentences(page) == expected
    assert page.url.endswith(f"/read/{article_id}"), "the page must not reload"
    assert page.locator(".summary-sentences").get_attribute("lang") == "ru"
    assert all(re.search("[а-яё]{4}", sentence) for sentence in sentences(page))
    if os.environ.get("NEWSBRIEF_README_SCREENSHOT_RU"):
        # The README's picture of a Russian article page with its summary open.
        page.screenshot(path=os.environ["NEWSBRIEF_README_SCREENSHOT_RU"])
    page.get_by_label("Короткое").check()
    expect(page.locator(".summary-sentences li")).to_have_count(1)

    marathon = reader_stack.ids["prirechensk-half-marathon-ru.txt"]
    page.goto(f"{reader_stack.api_url}/read/{marathon}")
    assert page.locator(".reading-time").inner_text() == "2 минуты чтения"
    page.goto(reader_stack.api_url + "/")
    assert page.locator(f'.article-item[lang=ru] a[href$="/read/{marathon}"]').count() == 1
    assert (
        page.locator(f'.article-item[lang=ru]:has(a[href$="/read/{article_id}"]) time').inner_text()
        == "5 января 2026\u202fг."
    )


def test_a_russian_reader_searches_in_russian(
    browser: Any, screenshots: Any, reader_stack: ReaderStack
) -> None:
    page = open_page(browser, screenshots, "russian-search", locale="ru-RU")
    try:
        page.goto(reader_stack.api_url + "/")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.locator("h1").inner_text() == "Последние статьи"
        page.get_by_placeholder("Поиск по статьям").fill("полумарафон")
        page.get_by_role("button", name="Поиск").first.click()
        page.wait_for_url("**/find?q=*")
        assert page.locator("h1").inner_text() == "Результаты поиска по запросу «полумарафон»"
        assert page.locator(".total").inner_text() == "1 результат"
        assert page.locator(".search-filters select[name=sort] option").all_inner_texts() == [
            "По релевантности",
            "Сначала новые",
        ]
        page.get_by_role("link", name=re.compile("^Полумарафон в Приреченске")).click()
        assert page.locator("html").get_attribute("lang") == "ru"

        page.goto(f"{reader_stack.api_url}/find?q=said")
        page.locator(".search-filters select[name=language]").select_option("ru")
        page.locator(".search-filters button").click()
        assert page.get_by_role("heading", name="Ничего не найдено").is_visible()
        page.get_by_role("link", name="поищите без фильтров").click()
        assert page.locator(".result").count() > 0
        page.screenshot(path=str(page.screenshot_name), full_page=True)
    finally:
        page.context.close()


def test_an_english_reader_switches_the_pages_to_russian(
    page: Any, reader_stack: ReaderStack
) -> None:
    page.goto(reader_stack.api_url + "/")
    assert page.locator("h1").inner_text() == "Latest articles"
    page.locator(".languages").get_by_role("link", name="Русский").click()
    assert page.locator("h1").inner_text() == "Последние статьи"
    # The choice stays with the search the reader makes next.
    page.get_by_placeholder("Поиск по статьям").fill("Uzbekistan")
    page.get_by_placeholder("Поиск по статьям").press("Enter")
    assert page.locator(".total").inner_text() == "1 результат"
    assert "lang=ru" in page.url


def test_hostile_article_text_renders_inert(page: Any, reader_stack: ReaderStack) -> None:
    article_id = reader_stack.ids["hostile.json"]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/read/{article_id}", f"/read/{article_id}/summary", "/", "/find?q=harbour"):
        page.goto(reader_stack.api_url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("img").count() == 0, path
        assert page.locator("[onerror], [onmouseover]").count() == 0, path
        assert page.locator("a[href^='javascript:' i]").count() == 0, path
        assert page.locator("script:not([src])").count() == 0, path
    page.goto(f"{reader_stack.api_url}/read/{article_id}")
    assert "<script>" in page.locator("h1").inner_text()
    page.get_by_text("here").first.hover()
    page.get_by_text("Staff").first.hover()
    page.get_by_role("button", name=BUTTON).click()
    page.locator(".summary[data-state=done]").wait_for()
    assert page.evaluate("window.__pwned") is None
    assert not dialogs


def test_pages_forbid_inline_script(page: Any, reader_stack: ReaderStack) -> None:
    seed = reader_stack.ids["seed-article.txt"]
    for path in ("/", f"/read/{seed}", f"/read/{seed}/summary", "/find?q=budget"):
        response = page.goto(reader_stack.api_url + path)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert page.locator("script:not([src])").count() == 0, path
    # A script element injected at run time is refused by the policy.
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.__inline = true";
        document.body.appendChild(script);
    }"""
    )
    page.wait_for_timeout(100)
    assert page.evaluate("window.__inline") is None
    assert any("Content Security Policy" in text for text in violations)


@pytest.mark.parametrize("name", ["storm-hilde-untitled.json"])
def test_article_without_a_title_in_the_file(page: Any, reader_stack: ReaderStack, name: str):
    page.goto(f"{reader_stack.api_url}/read/{reader_stack.ids[name]}")
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".byline").inner_text() == "By Harbour Gazette staff"


def newsroom_page(
    site: Newsroom, stack: ReaderStack, path: str, article_url: str, data_lang: str | None = None
) -> str:
    chosen = f' data-lang="{data_lang}"' if data_lang else ""
    site.pages[path] = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The Harbour Gazette</title></head>
<body><h1>Kestrel Bay council approves $418 million budget</h1>
<div id="newsbrief"></div>
<script src="{stack.api_url}/widget.js" data-article-url="{html.escape(article_url)}"
        data-target="newsbrief"{chosen} defer></script>
<p>The council voted on Thursday…</p></body></html>"""
    return site.origin + path


def test_widget_finds_the_article_by_its_url_and_shows_the_summary(
    page: Any, reader_stack: ReaderStack
) -> None:
    url = newsroom_page(reader_stack.newsroom, reader_stack, "/news/budget.html", BUDGET_URL)
    page.goto(url)
    button = page.locator("#newsbrief .newsbrief-summary-button")
    expect(button).to_have_text("No time to read? Get a summary")
    button.click()
    page.locator(".newsbrief-summary[data-state=done]").wait_for()
    found = reader_stack.api("/articles", url=BUDGET_URL)["items"]
    assert [item["id"] for item in found] == [
        reader_stack.ids["harbour-gazette-council-budget.html"]
    ]
    expected = reader_stack.api(f"/articles/{found[0]['id']}/summary")["summary"]
    shown = page.locator(".newsbrief-summary-sentences li").all_inner_texts()
    assert [text.strip() for text in shown] == expected
    expect(page.locator(".newsbrief-summary-origin")).to_have_text(
        "Automatically generated summary"
    )


def test_widget_says_when_the_article_is_unknown(page: Any, reader_stack: ReaderStack) -> None:
    url = newsroom_page(
        reader_stack.newsroom, reader_stack, "/news/other.html", "https://news.example/nowhere"
    )
    page.goto(url)
    page.locator(".newsbrief-summary-button").click()
    page.locator(".newsbrief-summary[data-state=error]").wait_for()
    assert "no summary for this article yet" in page.locator(".newsbrief-summary").inner_text()


def test_widget_on_an_origin_not_allowed_gets_no_answer(
    page: Any, reader_stack: ReaderStack
) -> None:
    url = newsroom_page(reader_stack.other_site, reader_stack, "/copy.html", BUDGET_URL)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(url)
    page.locator(".newsbrief-summary-button").click()
    page.locator(".newsbrief-summary[data-state=error]").wait_for()
    assert "the service did not answer" in page.locator(".newsbrief-summary").inner_text()
    assert page.locator(".newsbrief-summary-sentences li").count() == 0
    assert any("CORS" in text for text in refused)


def test_widget_speaks_data_lang_or_the_article_language(
    page: Any, reader_stack: ReaderStack
) -> None:
    climbing = reader_stack.ids["prirechensk-climbing-wall-ru.json"]
    expected = reader_stack.api(f"/articles/{climbing}/summary")["summary"]
    # data-lang: Russian from the start, on a page that says it is English.
    url = newsroom_page(
        reader_stack.newsroom, reader_stack, "/ru/skalodrom.html", CLIMBING_URL, "ru"
    )
    page.goto(url)
    box = page.locator("#newsbrief .newsbrief-summary")
    expect(box.locator("button")).to_have_text(RUSSIAN_BUTTON)
    assert box.get_attribute("lang") == "ru"
    box.locator("button").click()
    page.locator(".newsbrief-summary[data-state=done]").wait_for()
    shown = page.locator(".newsbrief-summary-sentences li").all_inner_texts()
    assert [text.strip() for text in shown] == expected
    assert page.locator(".newsbrief-summary-sentences").get_attribute("lang") == "ru"

    # No data-lang: the page's language until the article is found, then the article's.
    url = newsroom_page(reader_stack.newsroom, reader_stack, "/skalodrom.html", CLIMBING_URL)
    page.goto(url)
    expect(box.locator("button")).to_have_text(BUTTON)
    box.locator("button").click()
    page.locator(".newsbrief-summary[data-state=done]").wait_for()
    expect(box.locator("button")).to_have_text(RUSSIAN_BUTTON)
    assert box.get_attribute("lang") == "ru"

    # A Russian newsroom's widget says in Russian why there is no summary.
    url = newsroom_page(
        reader_stack.newsroom, reader_stack, "/ru/nowhere.html", "https://x.example/no", "ru"
    )
    page.goto(url)
    box.locator("button").click()
    page.locator(".newsbrief-summary[data-state=error]").wait_for()
    assert box.locator(".newsbrief-summary-status").inner_text() == (
        "Не удалось загрузить краткое содержание (для этой статьи краткого содержания пока нет)."
    )
