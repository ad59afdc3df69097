"""Russian articles: analysis (stems, ё/е, stop words, Latin and Cyrillic names), and searches,
snippets and related articles through the index, as a reader of a Russian newsroom uses them."""

from __future__ import annotations

from newsbrief.indexing import DynamoDBIndexWriter, DynamoDBSearcher, SearchRequest
from newsbrief.indexing.analyzer import folded_words, parse_query, terms, tokenize
from newsbrief.indexing.snippets import make_snippet

from .support import FOOTBALL, article, ids

BRIDGE = (
    "Мэрия Москвы утвердила план ремонта Крымского моста. Работы начнутся весной и продлятся "
    "до осени, сообщил заместитель мэра Пётр Бирюков. На время ремонта движение по мосту "
    "ограничат, а пешеходов направят по временному настилу. Подрядчиком выбрана компания "
    "Mostotrest, которая уже ремонтировала мосты через Москву-реку."
)
BRIDGE_LATER = (
    "Жители Хамовников пожаловались на пробки у Крымского моста: ремонт моста ещё не начался, "
    "но подрядчик Mostotrest уже перекрыл одну полосу, и мэрия обещала ограничить работы ночью."
)
BIATHLON = (
    "В Пхёнчхане завершилась эстафета биатлонистов. Сборная России заняла третье место, "
    "уступив Норвегии и Германии. Тренер сборной отметил, что спортсмены выступили лучше, "
    "чем ожидали болельщики."
)
FIGURE_SKATING = (
    "Фигуристка Алина Загитова выиграла короткую программу на чемпионате Европы. Её "
    "соперница по сборной России Евгения Медведева заняла второе место, а тренер сборной "
    "назвал выступление фигуристок лучшим в сезоне."
)


def russian_index(writer: DynamoDBIndexWriter) -> None:
    writer.upsert(
        [
            article("bridge", BRIDGE, title="Крымский мост закроют на ремонт", language="ru"),
            article("bridge-later", BRIDGE_LATER, language="ru"),
            article("biathlon", BIATHLON, language="ru"),
            article("skating", FIGURE_SKATING, language="ru"),
            article("football", FOOTBALL),
        ]
    )


def test_inflected_forms_share_a_stem() -> None:
    assert terms("мост моста мосту мостом мосты мостов") == ["мост"] * 6
    assert terms("Сборная сборной сборную") == ["сборн"] * 3
    assert terms("ремонт ремонта ремонтировала") == ["ремонт", "ремонт", "ремонтирова"]


def test_yo_and_ye_spell_the_same_word() -> None:
    assert terms("Пхёнчхан ещё Пётр") == terms("Пхенчхан еще Петр")
    assert terms("ЁЛКА") == terms("елка")
    # Й is a letter of its own, not и with a mark.
    assert terms("Йошкар-Ола") == ["йошкар", "ол"]


def test_russian_stop_words_are_not_terms() -> None:
    assert terms("и в не что он на я с как а то все она так его но да") == []
    assert terms("Ещё не всё потеряно") == ["потеря"]
    assert terms("Путин и Си в Пекине") == ["путин", "си", "пекин"]


def test_latin_names_in_russian_text_keep_their_spelling() -> None:
    text = "Финансовым директором Facebook назначен Дэвид Эберсман (David Ebersman)."
    found = terms(text)
    assert {"facebook", "david", "ebersman", "дэвид", "эберсма"} <= set(found)
    assert terms("Ebersman")[0] in found
    assert terms("FACEBOOK's")[0] in found


def test_mixed_script_words_are_analyzed_per_script() -> None:
    # The Latin part gets the English stemmer, the Cyrillic ending the Russian one.
    assert terms("iPhoneом") == ["iphon", "ом"]
    assert terms("Twitterе") == terms("Twitter")
    assert [t.folded for t in tokenize("Samsungом")] == ["samsung", "ом"]
    assert folded_words("iPhoneом тест") == ["iphone", "ом", "тест"]
    # Pure words in either script, with digits, stay whole.
    assert terms("COVID19 ЧМ2018 2018г") == ["covid19", "чм2018", "2018г"]


def test_guillemets_are_quotation_marks_not_phrase_operators() -> None:
    parsed = parse_query("«Людоедский дедлайн»: Минюст США потребовал от RT")
    assert parsed.phrases == []
    assert parsed.terms == ["людоедск", "дедлайн", "минюст", "сша", "потребова", "rt"]
    assert [p.terms for p in parse_query('"Крымский мост"').phrases] == [["крымск", "мост"]]


def test_russian_search_ranks_inflected_matches(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    russian_index(writer)
    page = searcher.search(SearchRequest(q="ремонт крымских мостов"))
    assert ids(page) == ["bridge", "bridge-later"]
    assert page.items[0].title == "Крымский мост закроют на ремонт"
    assert set(ids(searcher.search(SearchRequest(q="сборные")))) == {"skating", "biathlon"}
    assert ids(searcher.search(SearchRequest(q="в Пхенчхане"))) == ["biathlon"]
    assert ids(searcher.search(SearchRequest(q="ПХЁНЧХАНЕ"))) == ["biathlon"]
    assert ids(searcher.search(SearchRequest(q="Пётр Бирюков"))) == ["bridge"]
    assert ids(searcher.search(SearchRequest(q="и в на"))) == []


def test_latin_query_finds_a_latin_name_in_russian_text(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    russian_index(writer)
    assert set(ids(searcher.search(SearchRequest(q="Mostotrest")))) == {"bridge", "bridge-later"}
    assert ids(searcher.search(SearchRequest(q="mostotrest Хамовники"))) == [
        "bridge-later",
        "bridge",
    ]


def test_a_pasted_headline_with_guillemets_finds_its_story(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    russian_index(writer)
    # "Мосты закроют" is in no text word for word: as a phrase it would match nothing.
    page = searcher.search(SearchRequest(q="«Мосты закроют»: мэрия утвердила ремонт"))
    assert ids(page)[0] == "bridge"
    assert searcher.search(SearchRequest(q='"закроют мосты"')).total == 0


def test_russian_snippet_marks_every_form_of_the_query_words(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    russian_index(writer)
    hit = searcher.search(SearchRequest(q="мост ремонт")).items[0]
    assert hit.id == "bridge"
    assert hit.snippet.startswith("Мэрия Москвы утвердила план <mark>ремонта</mark> Крымского ")
    assert "<mark>моста</mark>" in hit.snippet
    assert "<mark>мосту</mark>" in hit.snippet
    assert "<mark>Крымского</mark>" not in hit.snippet
    later = make_snippet(BRIDGE_LATER, parse_query("ещё Mostotrest").highlight_terms())
    assert "<mark>ещё</mark>" not in later  # a stop word is never marked
    assert "подрядчик <mark>Mostotrest</mark> уже" in later


def test_related_articles_among_russian_articles(
    writer: DynamoDBIndexWriter, searcher: DynamoDBSearcher
) -> None:
    russian_index(writer)
    related = searcher.related("bridge", limit=3)
    assert related[0].id == "bridge-later"
    assert "<mark>" in related[0].snippet
    assert "bridge" not in [hit.id for hit in related]
    assert searcher.related("skating", limit=1)[0].id == "biathlon"
