"""Where a story ends: pages put sections after it (about the author, related stories, a
newsletter sign-up, comments, sources, follow prompts and disclosures); the first of them in
the story's second half ends it, and everything from there on goes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsbrief.parsing.furniture import is_headline_like, normalize_line

# The end is looked for only after this share of the story's words: a heading such as
# "Related" or a sign-up line near the top is the page's own structure or a single prompt.
END_SEARCH_FROM_SHARE = 0.5
# A sign-up prompt is a line or two; a longer paragraph that mentions one is prose.
_MAX_PROMPT_WORDS = 40
# Longer paragraphs are the story's prose (and are not normalized, which saves time).
_MAX_AFTERWORD_WORDS = 80

# Headings of the sections that follow a story, matched against the normalized line.
_SECTION_HEADINGS = r"""
        about\ (?:the\ )?(?:authors?|writers?|contributors?|reviewers?)
      | (?:author|writer)(?:'s)?\ (?:bio(?:graphy)?|profile|details|information)
      | meet\ the\ (?:author|writer)s?
      | related(?:\ \w+){0,2} | more\ (?:from|on|about|in)\ .{1,40} | more\ stories(?:\ .{1,40})?
      | (?:read|watch|up)\ next | you\ (?:may|might)\ also\ (?:like|enjoy|be\ interested\ in)
      | \d*\ ?comments? | leave\ a\ (?:reply|comment) | join\ the\ (?:conversation|discussion)
      | article\ sources | media\ contacts? | press\ contacts? | reviewed\ by.{0,60}
"""
# The Russian ones; these end a story even where they are furniture lines too (chosen on the
# tuning halves: an English "Related" that is furniture more often labels a box inside the
# story than the lists after it).
_RUSSIAN_SECTION_HEADINGS = r"""
        об\ авторе | (?:ссылки|ещ[её]|также|новости|материалы|статьи)\ по\ теме | по\ теме
      | (?:читайте|смотрите)\ (?:также|ещ[её]|другие\ материалы(?:\ по\ теме)?)
      | (?:другие|последние|интересные|популярные|главные|похожие|связанные)
        \ (?:новости|материалы|статьи|публикации)(?:\ .{1,40})?
      | самые\ (?:популярные|читаемые|обсуждаемые)(?:\ .{1,60})?
      | \d*\ ?комментари(?:и|ев|й|я)(?:\ ?:?\ ?\d+)? | обсудить(?:\ .{1,20})?
      | (?:оставить|добавить|написать)\ комментарий
      | оцените(?:,?\ пожалуйста,?)?\ (?:статью|материал).{0,60}
      | версия\ для\ печати.{0,40} | постоянный\ адрес\ (?:статьи|материала|новости)
"""
# Prompts that also end a story when they stand in its second half, but which a page may put
# inside the story too (a newsletter box between two paragraphs).
_PROMPT_HEADINGS = r"""
        share\ (?:this|the)\ (?:article|story|post) | follow\ us(?:\ on\ .{1,30})?
      | (?:sign\ up|subscribe)(?:\ .{1,40})? | (?:join\ )?(?:our|the)\ newsletter(?:\ .{1,30})?
      | поделиться(?:\ .{1,40})? | (?:подписывайтесь|подпишитесь)\ .{1,60}
"""
_RUSSIAN_SECTION_HEADING = re.compile(f"^(?:{_RUSSIAN_SECTION_HEADINGS})$", re.VERBOSE)
_END_HEADING = re.compile(
    f"^(?:{_SECTION_HEADINGS}|{_RUSSIAN_SECTION_HEADINGS}|{_PROMPT_HEADINGS})$", re.VERBOSE
)
# Newsletter and mailing-list prompts, anywhere in a short line.
_SIGNUP = re.compile(
    r"""\b(?:
        (?:delivered|straight|sent|direct(?:ly)?)\ (?:\w+\ ){0,2}(?:to\ )?your\ inbox
      | in\ your\ inbox | unsubscribe
      | (?:sign\ up|subscribe|join)\ (?:\w+\ ){0,3}(?:newsletter|mailing\ list)
    )\b""",
    re.VERBOSE,
)
# Lines about the writer or the site rather than the story: follow prompts and disclosures.
_AFTERWORD = re.compile(
    r"""^(?:
        (?:follow|find|connect\ with)\ (?:me|us)\ (?:on|at|@)\b | follow\ on\ social
      | (?:disclosure|disclaimer|affiliate\ disclosure)\ ?:
      | this\ (?:post|article|page)\ (?:may\ )?contains?\ affiliate
    )""",
    re.VERBOSE,
)
_INFORMATION_ONLY = re.compile(r"\bfor\ (?:general\ )?informational?\ purposes\ only\b", re.VERBOSE)


def cut_after_story(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs before the first section that follows the story, looked for in the
    second half of its words."""
    total = sum(len(paragraph.split()) for paragraph in paragraphs)
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        if seen >= END_SEARCH_FROM_SHARE * total and follows_story(paragraph):
            return list(paragraphs[:index])
        seen += len(paragraph.split())
    return list(paragraphs)


def opens_section(paragraph: str) -> bool:
    """Whether a paragraph is the heading of a section that follows a story, one that ends it
    even where it is a furniture line too ("Ссылки по теме:", "Читайте также")."""
    if len(paragraph.split()) > _MAX_AFTERWORD_WORDS:
        return False
    normalized = normalize_line(paragraph)
    return _is_heading(paragraph) and bool(_RUSSIAN_SECTION_HEADING.match(normalized))


def _is_heading(paragraph: str) -> bool:
    # A heading may end in a colon ("Related:", "Ссылки по теме:").
    return is_headline_like(paragraph.rstrip().removesuffix(":"))


def follows_story(paragraph: str) -> bool:
    """Whether a paragraph opens what pages put after a story: a section heading, a sign-up
    or follow prompt, a disclosure."""
    if len(paragraph.split()) > _MAX_AFTERWORD_WORDS:
        return False
    normalized = normalize_line(paragraph)
    if _is_heading(paragraph) and _END_HEADING.match(normalized):
        return True
    if _AFTERWORD.match(normalized) or _INFORMATION_ONLY.search(normalized):
        return True
    return len(normalized.split()) <= _MAX_PROMPT_WORDS and bool(_SIGNUP.search(normalized))
