"""Russian news pages as they are uploaded (bytes in, article out): encodings decided as a
browser decides them, the furniture Russian sites put around a story, Russian bylines and
dates."""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from newsbrief.parsing import parse_upload
from newsbrief.parsing.dates import normalize_date
from newsbrief.service import preview_parse

from .samples import ARTICLE_RU

TITLE = "Городской совет утвердил бюджет"
STORY = [
    ARTICLE_RU,
    "Мэр города пояснил журналистам, что ремонт дорог начнётся весной и завершится до конца "
    "осени, а подрядчиков выберут на открытом конкурсе.",
    "Оппозиционные депутаты голосовали против и потребовали провести публичные слушания, "
    "однако их предложение не набрало нужного числа голосов.",
    "Следующее заседание совета назначено на конец месяца, на нём обсудят тарифы на проезд "
    "в городском транспорте.",
]


def page(
    body: str = "",
    *,
    head: str = "",
    story: list[str] = STORY,
    after: str = "",
    footer: str = "Городские вести, 2012",
) -> str:
    paragraphs = "".join(f"<p>{text}</p>" for text in story)
    return (
        f"<!DOCTYPE html><html lang='ru'><head>{head}<title>{TITLE}</title></head><body>"
        f"<nav><a href='/'>Главная</a> <a href='/news'>Новости</a></nav>"
        f"<article><h1>{TITLE}</h1>{body}{paragraphs}{after}</article>"
        f"<footer>{footer}</footer></body></html>"
    )


def meta_charset(label: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'


def upload(data: bytes, content_type: str | None = "text/html") -> list[str]:
    [article] = parse_upload(data, filename="news.html", content_type=content_type)
    assert article.title == TITLE
    return article.paragraphs


# ---- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ('<meta charset="windows-1251">', "cp1251"),
        (meta_charset("koi8-r"), "koi8-r"),
        (meta_charset("x-cp1251"), "cp1251"),  # a WHATWG label Python does not know
        ('<meta charset="ibm866">', "cp866"),
    ],
    ids=["meta-charset", "http-equiv", "whatwg-label", "dos-cyrillic"],
)
def test_the_page_declares_its_charset(head: str, encoding: str) -> None:
    assert upload(page(head=head).encode(encoding)) == STORY


def test_a_byte_order_mark_outranks_the_declarations() -> None:
    data = codecs.BOM_UTF8 + page(head='<meta charset="windows-1251">').encode("utf-8")

    assert upload(data, "text/html; charset=koi8-r") == STORY


def test_the_http_charset_outranks_the_page() -> None:
    data = page(head='<meta charset="windows-1251">').encode("koi8-r")

    assert upload(data, "text/html; charset=KOI8-R") == STORY


def test_the_api_passes_the_request_charset_to_the_parser() -> None:
    data = page().encode("koi8-r")  # no declaration in the page; KOI8-R only in the request

    preview = preview_parse(data, "text/html; charset=koi8-r", "news.html")

    assert preview.articles[0].title == TITLE
    assert preview.articles[0].paragraphs == STORY


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("windows-1251", "utf-8"), ("utf-8", "cp1251"), ("windows-1251", "koi8-r")],
    ids=["says-1251-is-utf8", "says-utf8-is-1251", "says-1251-is-koi8"],
)
def test_a_declaration_the_bytes_contradict_gives_way(declared: str, encoding: str) -> None:
    assert upload(page(head=meta_charset(declared)).encode(encoding)) == STORY


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "utf-8"])
def test_an_undeclared_charset_is_detected(encoding: str) -> None:
    assert upload(page().encode(encoding), content_type=None) == STORY


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = page(head='<meta charset="utf-8">').encode("utf-8")
    damaged = data.replace("Мэр".encode(), b"\xff\xd0\x9c\xd1\x8d\xd1\x80", 1)

    paragraphs = upload(damaged)

    assert paragraphs[0] == STORY[0]
    assert paragraphs[1].startswith("\ufffdМэр города")


# ---- furniture ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Нет времени читать?",
        "Получить краткое содержание",
        "Предыдущая статья",
        "Следующая статья",
        "Читайте также: Депутаты обсудили тарифы",
        "Поделиться",
        "Поделиться в Telegram",
        "Комментарии",
        "Комментарии: 4",
        "12 комментариев",
        "Обсудить (3)",
        "Версия для печати",
        "Версия для печати | Версия для PDA",
        "Оцените, пожалуйста, статью. Нам важно Ваше мнение.",
        "Подпишитесь на нашу рассылку",
        "Подписывайтесь на нас в Дзене",
        "Мы используем файлы cookie, чтобы сайт был удобнее. Продолжая, вы соглашаетесь с этим.",
        "Загрузка...",
        "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter",
    ],
)
def test_russian_furniture_leaves_the_story(line: str) -> None:
    body = f"<p>{line}</p>"
    paragraphs = upload(page(body, after=body).encode("utf-8"))

    assert paragraphs == STORY


def test_the_seed_pages_summary_button_and_neighbours_leave_the_story() -> None:
    button = "<div><p>Нет времени читать?</p><p>Получить краткое содержание</p></div>"
    neighbours = (
        "<div><a href='/prev'>Предыдущая статья</a></div>"
        "<h3><a href='/prev'>Хоккеисты вышли в полуфинал</a></h3>"
        "<div><a href='/next'>Следующая статья</a></div>"
        "<h3><a href='/next'>В парке открыли каток</a></h3>"
    )

    paragraphs = upload(page(button, after=button + neighbours).encode("utf-8"))

    assert paragraphs == STORY


def test_what_follows_the_story_after_a_related_heading_goes() -> None:
    related = (
        "<p>Ссылки по теме:</p><ul><li><a href='/1'>Тарифы на проезд вырастут с марта</a></li>"
        "<li><a href='/2'>Новый мост откроют летом</a></li></ul>"
    )

    assert upload(page(after=related).encode("utf-8")) == STORY


def test_a_story_laid_out_in_table_cells_is_read_without_its_neighbours() -> None:
    teasers = "".join(
        f"<tr><td>10:1{n}</td><td><a href='/{n}'>Другая новость номер {n} о погоде</a></td></tr>"
        for n in range(6)
    )
    story = "".join(f"<p>{text}</p>" for text in STORY)
    html = (
        f"<html><head><title>{TITLE}</title></head><body><table><tr>"
        "<td><a href='/'>Главная</a><br><a href='/news'>Новости</a><br><a href='/a'>Архив</a></td>"
        f"<td><h1>{TITLE}</h1>{story}</td>"
        f"<td><table>{teasers}</table></td></tr></table></body></html>"
    )

    assert upload(html.encode("utf-8")) == STORY


def test_hidden_blocks_stay_out() -> None:
    hidden = "".join(
        f"<div class='news-item none'><p>Скрытая новость номер {n}: в соседнем районе "
        "открыли новую школу, на открытие пришли сотни жителей и депутаты совета.</p></div>"
        for n in range(3)
    )
    html = page().replace("<article>", f"<div style='display: none'>{hidden}</div><article>")

    assert upload(html.encode("utf-8")) == STORY


# ---- bylines and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("5 января 2012, 14:32", None, "2012-01-05T14:32:00"),
        ("5 января 2012 г.", None, "2012-01-05"),
        ("Среда, 4 января 2012", None, "2012-01-04"),
        ("05.01.2012 14:32", None, "2012-01-05T14:32:00"),
        ("11:30 04.01.2012", None, "2012-01-04T11:30:00"),
        ("Ср., 10.04.2013 10:30 (Мск)", None, "2013-04-10T10:30:00"),
        ("вчера, 14:32", date(2012, 1, 6), "2012-01-05T14:32:00"),
        ("Сегодня в 8:15", date(2012, 1, 6), "2012-01-06T08:15:00"),
        ("позавчера", date(2012, 1, 6), "2012-01-04"),
        ("28 ноября в 15:58", date(2012, 1, 6), "2011-11-28T15:58:00"),
        ("вчера, 14:32", None, None),  # no day to count back from
        ("28 ноября в 15:58", None, None),
    ],
)
def test_russian_dates(text: str, reference: date | None, expected: str | None) -> None:
    assert normalize_date(text, reference) == expected


@pytest.mark.parametrize(
    ("lines", "author", "published"),
    [
        (["Автор: Иван Петров", "5 января 2012, 14:32"], "Иван Петров", "2012-01-05T14:32:00"),
        (["Текст: Елена ТКАЧЕНКО", "вчера, 14:32"], "Елена ТКАЧЕНКО", "2012-01-05T14:32:00"),
        (["Москва, 4 января 2012", "Подготовила Анна Смирнова"], "Анна Смирнова", "2012-01-04"),
        (["Автор материала: Олег Ким"], "Олег Ким", None),
    ],
)
def test_russian_bylines_and_datelines_become_metadata(
    lines: list[str], author: str, published: str | None
) -> None:
    body = "".join(f"<p>{line}</p>" for line in lines)
    data = page(body, footer="Городские вести").encode("utf-8")

    [article] = parse_upload(
        data, filename="news.html", content_type="text/html", received=date(2012, 1, 6)
    )

    assert article.author == author
    assert article.published == published
    assert article.paragraphs == STORY
