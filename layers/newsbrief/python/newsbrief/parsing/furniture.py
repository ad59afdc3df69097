"""Site furniture: the lines a site repeats around every article (navigation, share and
subscribe prompts, teasers), recognised by general rules and by what was learned per source."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from urllib.parse import urlsplit

from newsbrief.models import ExtractedArticle
from newsbrief.parsing.paragraphs import cuts_sentence, starts_lower

logger = logging.getLogger(__name__)

FURNITURE_MAX_WORDS = 12
FURNITURE_MAX_CHARS = 120
# A learned line that ends a sentence is furniture only this short ("Thank you."):
# a longer one is the newsroom's own text, however often it recurs.
LEARNED_SENTENCE_MAX_WORDS = 2
# Learned lines are a site's few lines of boilerplate; when they would take more than this share
# of an article's words, they match the article itself and none is removed.
LEARNED_MAX_SHARE = 0.2
_INCOMING_PREFIX = "incoming/"

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")

# Whole lines that are furniture, per language, matched against their normalized form.
_FURNITURE_PHRASES: dict[str, str] = {
    "en": r"""
        no\ time\ to\ read | get\ (?:a|the)\ summary | summari[sz]e\ (?:this|the)\ article
      | listen\ to\ (?:this|the)\ article | \d+\ min(?:ute)?s?\ read
      | share | share\ (?:this|the)\ (?:article|story|post|page)
      | share\ (?:on|via|to)\ \w+(?:\ \w+)? | (?:tweet|pin|email|print|copy\ link)
      | (?:(?:facebook|twitter|x|linkedin|whatsapp|telegram|reddit|email)\ ?)+
      | follow\ us(?:\ on\ .{1,40})? | join\ us\ on\ .{1,40}
      | subscribe(?:\ now|\ today|\ here)? | subscribe\ to\ (?:our|the)\ .{1,60}
      | sign\ up\ (?:for|to)\ (?:our|the)\ .{1,60} | (?:get|receive)\ (?:our|the)\ newsletter.{0,40}
      | advertisement | advert | sponsored(?:\ content)? | ad | ads | promoted
      | story\ continues\ below(?:\ advertisement)? | continue\ reading(?:\ below)?
      | read\ more | read\ more\ here | see\ more | show\ more | load\ more | view\ comments
      | \d*\ ?comments? | leave\ a\ comment | post\ a\ comment | add\ a\ comment
      | skip\ to\ (?:main\ )?content | back\ to\ top | scroll\ to\ top
      | click\ here\ to\ .{1,60} | tap\ here\ to\ .{1,60}
      | (?:previous|prev|next)\ (?:article|story|post|page)
      | related(?:\ (?:articles?|stories|posts|news|content|topics))?
      | (?:more|top|latest|popular)\ (?:stories|news|articles|headlines)(?:\ from\ .{1,40})?
      | you\ (?:may|might)\ also\ like | recommended(?:\ for\ you)? | most\ read
      | read\ next | up\ next | trending(?:\ now)?
      | tags? | topics? | filed\ under
      | all\ rights\ reserved.*
      | cookies?\ (?:policy|settings|preferences) | privacy\ policy | terms\ of\ (?:use|service)
      | (?:we|this\ (?:site|website))\ uses?\ cookies.{0,200}
      | (?:photo(?:graph)?s?|pictures?|images?|illustration|credit)\s*(?::|\ by\ ).{1,100}
    """,
    "ru": r"""
        нет\ времени\ читать | (?:получить|показать|прочитать)\ краткое\ содержание
      | краткое\ содержание | (?:слушать|прослушать)\ (?:статью|новость|материал)
      | \d+\ мин(?:ут[аы]?)?\.?\ чтения | время\ чтения.{0,20}
      | поделиться(?:\ в\ .{1,30})?
      | подписывайтесь(?:\ на\ .{1,60})? | подписаться(?:\ на\ .{1,60})?
      | реклама | на\ правах\ рекламы | партн[её]рский\ материал
      | читать\ (?:далее|дальше|полностью|ещ[её]) | показать\ (?:ещ[её]|больше) | загрузить\ ещ[её]
      | \d*\ ?комментари(?:й|я|ев|и) | (?:оставить|написать)\ комментарий | комментировать
      | перейти\ к\ (?:основному\ )?(?:содержанию|контенту) | наверх
      | (?:предыдущая|следующая)\ (?:статья|новость|публикация|запись)
      | (?:читайте|смотрите)\ также | по\ теме | (?:новости|материалы|статьи)\ по\ теме
      | (?:похожие|связанные)\ (?:статьи|материалы|новости) | самое\ (?:читаемое|популярное)
      | вам\ (?:может|могут)\ (?:быть\ интересно|понравиться) | рекомендуем
      | теги | метки | темы
      | все\ права\ защищены.* | политика\ конфиденциальности | пользовательское\ соглашение
      | (?:фото(?:графия)?|иллюстрация|кадр)\s*(?::|—).{1,100}
      | версия\ для\ (?:печати|pda|слабовидящих)(?:\ \|\ версия\ для\ \w+)* | распечатать | печать
      | (?:мобильная|полная)\ версия(?:\ сайта)? | сообщить\ об\ ошибке | в\ избранное
      | добавить\ в\ (?:закладки|избранное).{0,30} | обсудить(?:\ \(?\d+\)?)?
      | комментари(?:и|ев)\ ?:?\ ?\d+.{0,40} | загрузка | загружается(?:,?\ подождите)?
      | оцените(?:,?\ пожалуйста,?)?\ (?:статью|материал|новость).{0,60}
      | спасибо!?\ ваш[еа]?\ мнение\ учтено | мы\ в\ (?:сети|соцсетях|социальных\ сетях)
      | (?:нашли|заметили)\ (?:ошибку|опечатку).{0,150} | если\ вы\ заметили?\ ошибку.{0,150}
      | подпишитесь\ на\ .{1,100} | следите\ за\ (?:нами|новостями)\ в\ .{1,80}
      | мы\ используем\ (?:файлы\ )?cookies?.{0,200}
      | (?:этот\ |наш\ )?сайт\ использует\ (?:файлы\ )?cookies?.{0,200}
      | (?:ссылки|ещ[её]|также)\ по\ теме | интересные\ новости | новости\ партн[её]ров
      | (?:другие|последние|главные|популярные)\ (?:новости|материалы|статьи)
      | самые\ (?:популярные|читаемые|обсуждаемые)\ (?:новости|материалы|статьи).{0,40}
    """,
}
# Teasers that point elsewhere: "Read more: <headline>", "Читайте также: ...".
_TEASER_PHRASES: dict[str, str] = {
    "en": r"""read\ (?:more|also|next) | see\ also | also\ read | related | recommended
      | watch | listen""",
    "ru": r"читайте\ (?:также|ещ[её]) | смотрите\ также | по\ теме | читать\ также",
}
# Markers after which the next headline-like line belongs to another article.
_HEADLINE_MARKER_PHRASES: dict[str, str] = {
    "en": r"""(?:previous|prev|next)\ (?:article|story|post) | read\ (?:next|more|also)
      | see\ also | up\ next | related(?:\ \w+)? | you\ (?:may|might)\ also\ like
      | more\ stories | recommended""",
    "ru": r"""(?:предыдущая|следующая)\ (?:статья|новость|публикация|запись)
      | (?:читайте|смотрите)\ также | (?:новости|материалы|статьи)?\ ?по\ теме
      | вам\ (?:может|могут)\ (?:быть\ интересно|понравиться)""",
}


def _any_of(phrases: dict[str, str], prefix: str, suffix: str) -> re.Pattern[str]:
    alternatives = " | ".join(f"(?:{pattern})" for pattern in phrases.values())
    return re.compile(f"{prefix}(?:{alternatives}){suffix}", re.VERBOSE)


_FURNITURE_LINE = _any_of(_FURNITURE_PHRASES, "^", "$")
_TEASER = _any_of(_TEASER_PHRASES, "^", r"\s*[:\-–—|]")
_HEADLINE_MARKER = _any_of(_HEADLINE_MARKER_PHRASES, "^", "$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b|копирайт\b).{0,100}$")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
# No rule matches a line this long, and learned furniture lines are far shorter: longer lines
# are kept without the cost of normalizing them.
_LONGEST_FURNITURE_CHARS = 250


def normalize_line(line: str) -> str:
    """The comparable form of a line: NFKC, case-folded, single-spaced, no edge punctuation."""
    text = unicodedata.normalize("NFKC", line).casefold()
    text = _SPACES.sub(" ", text).strip()
    return _EDGE_PUNCTUATION.sub("", text)


def is_furniture_line(line: str) -> bool:
    """Whether a general furniture rule matches the whole line."""
    if len(line) > _LONGEST_FURNITURE_CHARS:
        return False
    return _is_furniture(line, normalize_line(line))


def _is_furniture(line: str, normalized: str) -> bool:
    if not normalized:
        return True
    if _FURNITURE_LINE.match(normalized) or _TEASER.match(normalized):
        return True
    return bool(_COPYRIGHT.match(_SPACES.sub(" ", line.casefold()).strip()))


def is_headline_like(line: str) -> bool:
    """A short line without closing punctuation: a title rather than prose."""
    stripped = line.strip()
    words = stripped.split()
    return 0 < len(words) <= 20 and not _SENTENCE_END.search(stripped)


def remove_furniture(lines: Sequence[str]) -> list[bool]:
    """For each line, whether to keep it; blank lines are kept (they separate paragraphs).

    Drops lines that general furniture rules match, and a headline that follows a navigation
    marker such as "Next Article" (blank lines in between allowed): it is another article's.
    """
    keep = [True] * len(lines)
    expecting_headline = False
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if len(line) > _LONGEST_FURNITURE_CHARS:
            expecting_headline = False
            continue
        if expecting_headline and is_headline_like(line):
            keep[index] = False
            expecting_headline = False
            continue
        normalized = normalize_line(line)
        expecting_headline = bool(_HEADLINE_MARKER.match(normalized))
        if _is_furniture(line, normalized):
            keep[index] = False
    return keep


def is_sentence(line: str) -> bool:
    """A line that ends a sentence and is longer than the few words a learned line may have."""
    return bool(_ENDS_SENTENCE.search(line.rstrip())) and (
        len(line.split()) > LEARNED_SENTENCE_MAX_WORDS
    )


def drop_learned_furniture(paragraphs: Sequence[str], known: Collection[str]) -> list[str]:
    """The paragraphs without those learned to be furniture for their source (normalized in
    ``known``): never a sentence, and none at all when together they would take more than a
    small share of the article's words (then the reason is logged)."""
    if not known:
        return list(paragraphs)
    learned = {
        index
        for index, paragraph in enumerate(paragraphs)
        if normalize_line(paragraph) in known and not is_sentence(paragraph)
    }
    if not learned:
        return list(paragraphs)
    removed = sum(len(paragraphs[index].split()) for index in learned)
    total = sum(len(paragraph.split()) for paragraph in paragraphs)
    if removed > LEARNED_MAX_SHARE * total:
        _log_kept(removed, total, len(learned))
        return list(paragraphs)
    return [paragraph for index, paragraph in enumerate(paragraphs) if index not in learned]


def _log_kept(removed: int, total: int, lines: int) -> None:
    logger.warning(
        "learned furniture left in place: its %d lines hold %d of the article's %d words, "
        "more than the %.0f%% a site's boilerplate takes",
        lines,
        removed,
        total,
        100 * LEARNED_MAX_SHARE,
        extra={"learned_lines": lines, "learned_words": removed, "article_words": total},
    )


def furniture_candidates(article: ExtractedArticle) -> list[str]:
    """Normalized paragraphs that could be site furniture, each once, in order: short, a
    whole block of their own, neither continuing nor completing a sentence, not a sentence.

    Counted per source across uploads, the ones that recur are passed back to the parser as
    ``known_furniture``.
    """
    paragraphs = article.paragraphs
    seen: dict[str, None] = {}
    for index, paragraph in enumerate(paragraphs):
        before = paragraphs[index - 1] if index else ""
        after = paragraphs[index + 1] if index + 1 < len(paragraphs) else ""
        if (
            is_sentence(paragraph)
            or starts_lower(paragraph)
            or paragraph.rstrip().endswith(",")
            or cuts_sentence(before, paragraph)
            or cuts_sentence(paragraph, after)
        ):
            continue
        normalized = normalize_line(paragraph)
        if (
            normalized
            and len(normalized) <= FURNITURE_MAX_CHARS
            and len(normalized.split()) <= FURNITURE_MAX_WORDS
        ):
            seen.setdefault(normalized, None)
    return list(seen)


def source_of(filename: str, url: str | None) -> str:
    """The source an upload belongs to: the URL's host when known, else the first folder
    under ``incoming/``, else ``"default"``."""
    if url:
        host = (urlsplit(url.strip()).hostname or "").lower()
        host = host.removeprefix("www.")
        if host:
            return host
    key = filename.lstrip("/")
    if key.startswith(_INCOMING_PREFIX):
        key = key[len(_INCOMING_PREFIX) :]
    folder, separator, _ = key.partition("/")
    return folder.strip().lower() if separator and folder.strip() else "default"


def known_set(lines: Iterable[str]) -> frozenset[str]:
    return frozenset(filter(None, (normalize_line(line) for line in lines)))
