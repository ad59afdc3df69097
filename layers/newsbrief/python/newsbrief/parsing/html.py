"""HTML pages: the main text (trafilatura, checked against readability) and the metadata
a page declares (JSON-LD, Open Graph, meta tags), with htmldate for undeclared dates."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from newsbrief.errors import RejectedUploadError
from newsbrief.models import ExtractedArticle
from newsbrief.parsing.article import Metadata, build_article, drop_title_lines
from newsbrief.parsing.credits import drop_closing_credits
from newsbrief.parsing.dates import normalize_date
from newsbrief.parsing.ending import cut_after_story, opens_section
from newsbrief.parsing.furniture import remove_furniture
from newsbrief.parsing.limits import MAX_HTML_ELEMENTS, MAX_TEXT_CHARS
from newsbrief.parsing.paragraphs import clean_inline, clean_paragraph

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·|/)\s+")
_ARTICLE_TYPES = re.compile(r"(?:Article|Posting|Report|BlogPosting|NewsArticle)$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_MAX_JSON_LD_BYTES = 1_000_000
_MAX_ATTRIBUTE_CHARS = 2_000
_MAX_TAG_CHARS = 60
_WORD = re.compile(r"\w+")
# readability replaces trafilatura when it has this much more text and contains this share of
# trafilatura's words.
_RECOVERY_LENGTH_RATIO = 1.2
_RECOVERY_MIN_SHARED = 0.5
# Shares of the page's visible text kept by trafilatura below which alternatives are tried
# (chosen on the WCXB dev pages for the best quality at a bounded cost): trafilatura with its
# own fallbacks, then readability (quick), then readability-lxml (thorough).
_FALLBACKS_BELOW_SHARE = 0.2
_QUICK_BELOW_SHARE = 0.7
_THOROUGH_BELOW_SHARE = 0.4
# Pages with less visible text than this get trafilatura's fallbacks at once: they cost little
# there, and a short page is where its fast path most often keeps a block it should drop.
_FALLBACKS_BELOW_CHARS = 3_000
_SPACE_CHARS = (" ", "\n", "\t", "\r", "\xa0", "\u3000")
# Captions: <figcaption>, and elements whose class names one ("wp-caption-text",
# "image-credit"); a long one is a container that merely mentions captions.
_CAPTION_CANDIDATES = (
    "//figcaption | //*[contains(@class, 'caption') or contains(@class, 'credit')]"
)
_CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:caption|credit)s?(?:[\s_-]|$)", re.IGNORECASE)
_MAX_CAPTION_CHARS = 400
# Blocks a page names as being about its writer or the site (an author box, a biography, a
# disclaimer or disclosure, a newsletter sign-up, a sponsor or donation appeal); a longer one
# is a container that merely carries such a name.
_ASIDE_TAGS = ("div", "section", "aside", "p", "form")
_ASIDE_NAME = re.compile(
    r"(?:^|[\s_-])(?:author\w*|bio|sabox\w*|disclaimer|disclosure|affiliate|newsletter"
    r"|subscribe|subscription|signup|sign-up|mailing-list|sponsor\w*|donate|donation)"
    r"(?:[\s_-]|$)",
    re.IGNORECASE,
)
_MAX_ASIDE_CHARS = 1_500
# Elements whose text starts a new line when an extractor's HTML output becomes text.
_BLOCK_TAGS = (
    *("p", "div", "section", "article", "blockquote", "pre", "figcaption"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
    *("ul", "ol", "li", "dd", "dt", "table", "tr", "td", "th"),
)
# Elements a run of <br> splits in two (a paragraph break); above them it stays line breaks.
_SPLIT_TAGS = frozenset(
    (*_BLOCK_TAGS, "main", "aside", "header", "footer", "center", "font", "figure", "form")
) - {"ul", "ol", "table", "tr"}
# Marks a line break inside a paragraph through the extractors, whose text clean-up keeps this
# character (a medieval paragraph sign no page uses) where it drops newlines and other marks.
_LINE_BREAK = "\u2e3f"
_SPACES_RUN = re.compile(r"\s+")
# lxml refuses to set text with control characters, which a lenient parse may have let in.
_UNSAFE_CHARS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_LINE_BREAK}]")
_CODE_TAGS = ("script", "style", "template")
_HIDDEN_TAGS = (*_CODE_TAGS, "noscript")
_CODE_ELEMENTS = "//script[not(@type='application/ld+json')] | //style | //svg"
# Tables that lay a page out rather than hold data (the usual way before CSS, still common on
# older news sites) become plain blocks: extractors read a table cell by cell and keep or drop
# it whole, which keeps a page's menus and teasers with its story. A data table has rows and
# columns of short cells, no table inside it and no block of running text in a cell.
_LAYOUT_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")
_DATA_TABLE_MARKS = ("caption", "thead", "th", "colgroup")
_CELL_BLOCKS = ("form", "h1", "h2", "h3")
_MAX_DATA_CELL_CHARS = 300
# Blocks a browser does not show: an inline "display: none", or a class that every CSS
# framework defines so ("hidden", "d-none", "none"). Pages keep other stories' teasers and
# pop-ups there, which extractors otherwise read like any visible block.
_HIDDEN_BLOCKS = (
    "//*[self::div or self::section or self::ul or self::aside]"
    "[contains(@style, 'none') or contains(@class, 'hid') or contains(@class, 'none')]"
)
_HIDDEN_STYLE = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hidden|d-none|none|hide|is-hidden)(?:\s|$)")
# "hidden md:block", "d-none d-lg-block": hidden on some screens only.
_SHOWN_ON_SOME_SCREENS = re.compile(
    r"\w:(?:block|flex|inline|grid|table|contents)|\bd-\w+-(?!none)"
)
# A hidden block holding this share of the page's text is the page itself, shown by a script.
_MAX_HIDDEN_SHARE = 0.5


@dataclass(frozen=True)
class Page:
    """A parsed HTML page and the size of its visible text."""

    tree: HtmlElement
    visible_chars: int
    """Non-space characters of the page's visible text (scripts, styles and such left out)."""


def parse_page(html: str) -> Page:
    """Parse a page leniently and bound the work on it; raises ``RejectedUploadError``
    ("malformed") if nothing parses and ("too_large") for pages no article comes in."""
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    # lxml refuses str input that carries an encoding declaration; the text is decoded already.
    html = _XML_DECLARATION.sub("", html, count=1)
    parser = HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        tree = document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise RejectedUploadError(
            "malformed", f"The HTML page could not be parsed ({exc})."
        ) from exc
    visible_chars = _check_and_trim(tree)
    _drop_code(tree)
    _drop_captions(tree)
    _unwrap_layout_tables(tree)
    _drop_hidden(tree, visible_chars)
    normalize_whitespace(tree)
    return Page(tree, visible_chars)


def normalize_whitespace(tree: HtmlElement) -> None:
    """HTML's whitespace rules, made explicit for the extractors: a run of spaces and newlines
    inside a block is one space, a run of ``<br>`` splits its block into two paragraphs, and
    the lines of ``<pre>`` become line breaks (single ``<br>`` stay line breaks)."""
    for pre in tree.iter("pre"):
        _lines_to_breaks(pre)
    for br in list(tree.iter("br")):
        if br.getparent() is not None:
            _split_at_break_run(br)
    for element in tree.iter():
        if element.text and isinstance(element.tag, str):
            element.text = _single_spaced(element.text)
        if element.tail:
            element.tail = _single_spaced(element.tail)


def _single_spaced(text: str) -> str:
    return _SPACES_RUN.sub(" ", _UNSAFE_CHARS.sub("", text))


def _lines_to_breaks(pre: HtmlElement) -> None:
    text = pre.text_content().strip("\n")
    if "\n" not in text:
        return
    first, *rest = text.split("\n")
    for child in list(pre):
        pre.remove(child)
    pre.text = first
    for line in rest:
        br = pre.makeelement("br", {})
        br.tail = line
        pre.append(br)


def _split_at_break_run(br: HtmlElement) -> None:
    """Two or more ``<br>`` in a row (only spaces between) end a paragraph: the enclosing
    block is split after them."""
    run = [br]
    while not (run[-1].tail or "").strip() and _is_break(run[-1].getnext()):
        run.append(run[-1].getnext())
    if len(run) < 2:
        return
    block = br.getparent()
    while block is not None and block.tag not in _SPLIT_TAGS:
        block = block.getparent()
    if block is None:
        return
    last = run[-1]
    for extra in run[:-1]:
        extra.drop_tree()
    _split_after(last, block)
    last.drop_tree()


def _is_break(element: HtmlElement | None) -> bool:
    return element is not None and element.tag == "br"


def _split_after(node: HtmlElement, block: HtmlElement) -> None:
    """Moves everything after ``node`` inside ``block`` into a copy of ``block`` (and of the
    elements between them) placed right after ``block``."""
    carried: HtmlElement | None = None
    current = node
    while True:
        parent = current.getparent()
        right = parent.makeelement(parent.tag, {})
        if carried is None:
            right.text = current.tail
        else:
            carried.tail = current.tail
            right.append(carried)
        current.tail = None
        for sibling in list(current.itersiblings()):
            right.append(sibling)
        carried = right
        if parent is block:
            break
        current = parent
    carried.tail = block.tail
    block.tail = None
    block.addnext(carried)


def _check_and_trim(tree: HtmlElement) -> int:
    """Refuse pages with far more elements or text than any article page, and drop long
    attribute values (inline images, serialized state), which hold no article text but slow
    the date search that scans the serialized page. Returns the visible text's size."""
    elements = int(tree.xpath("count(//*)"))
    if elements > MAX_HTML_ELEMENTS:
        raise RejectedUploadError(
            "too_large",
            f"The page has {elements:,} HTML elements; an article page has a few thousand "
            f"(the limit is {MAX_HTML_ELEMENTS:,}).",
        )
    visible_chars = _visible_text_chars(tree)
    if visible_chars > MAX_TEXT_CHARS:
        raise RejectedUploadError(
            "too_large",
            f"The page holds {visible_chars:,} characters of text, far more than an article "
            f"(the limit is {MAX_TEXT_CHARS:,}).",
        )
    for value in tree.xpath(f"//@*[string-length() > {_MAX_ATTRIBUTE_CHARS}]"):
        del value.getparent().attrib[value.attrname]
    return visible_chars


def _visible_text_chars(tree: HtmlElement) -> int:
    body = tree.find("body")
    root = body if body is not None else tree
    hidden = sum(_non_space_chars(element.text or "") for element in root.iter(*_HIDDEN_TAGS))
    return _non_space_chars(root.text_content()) - hidden


def _non_space_chars(text: str) -> int:
    # Counting the common spaces is enough for a measure of size, and far cheaper than split().
    return len(text) - sum(map(text.count, _SPACE_CHARS))


def _drop_code(tree: HtmlElement) -> None:
    """Scripts, styles and inline graphics hold no article text and every extractor removes
    them, each on its own copies of the tree: doing it once makes all their passes cheaper.
    JSON-LD stays for the metadata."""
    for element in tree.xpath(_CODE_ELEMENTS):
        element.drop_tree()


def _drop_captions(tree: HtmlElement) -> None:
    """Figure captions and photo credits describe pictures, not the story; extractors that
    fall back on readability would otherwise keep them."""
    for element in tree.xpath(_CAPTION_CANDIDATES):
        names_caption = element.tag == "figcaption" or _CAPTION_CLASS.search(element.get("class"))
        if names_caption and len(element.text_content()) <= _MAX_CAPTION_CHARS:
            element.drop_tree()


def _drop_hidden(tree: HtmlElement, visible_chars: int) -> None:
    """Blocks the page hides from its readers (not the page's own text that a script shows)."""
    for element in tree.xpath(_HIDDEN_BLOCKS):
        classes = element.get("class") or ""
        hidden = _HIDDEN_STYLE.search(element.get("style") or "") or (
            _HIDDEN_CLASS.search(classes) and not _SHOWN_ON_SOME_SCREENS.search(classes)
        )
        if hidden and _non_space_chars(element.text_content()) < _MAX_HIDDEN_SHARE * (
            visible_chars
        ):
            element.drop_tree()


def _unwrap_layout_tables(tree: HtmlElement) -> None:
    """Layout tables become nested ``<div>`` blocks, one per row and per cell."""
    layout = {table for table in tree.iter("table") if not _is_data_table(table)}
    if not layout:
        return
    parts = [
        element
        for element in tree.iter(*_LAYOUT_TABLE_PARTS)
        if element in layout or _nearest_table(element) in layout
    ]
    for element in parts:
        element.tag = "div"
        for key in ("width", "cellpadding", "cellspacing", "border", "colspan", "rowspan"):
            element.attrib.pop(key, None)


def _nearest_table(element: HtmlElement) -> HtmlElement | None:
    return next(element.iterancestors("table"), None)


def _is_data_table(table: HtmlElement) -> bool:
    """Rows and columns of short cells, no table inside (see _LAYOUT_TABLE_PARTS)."""
    if table.get("role") == "presentation":
        return False
    if next(table.iterdescendants("table"), None) is not None:
        return False
    rows = list(table.iter("tr"))
    if len(rows) < 2 or max(len(row) for row in rows) < 2:
        return False
    if next(table.iter(*_DATA_TABLE_MARKS), None) is not None:
        return True
    for cell in table.iter("td"):
        if next(cell.iter(*_CELL_BLOCKS), None) is not None:
            return False
        if len(cell.text_content()) > _MAX_DATA_CELL_CHARS:
            return False
    return True


def drop_writer_and_site_blocks(tree: HtmlElement) -> None:
    """Author boxes, biographies, disclaimers and sign-up or donation appeals, named so by
    their class or id: text about the writer or the site, which the extractors keep when it
    sits inside the article's container. Run after the metadata is read (bylines live there)."""
    named = [
        element
        for element in tree.iter(*_ASIDE_TAGS)
        if _ASIDE_NAME.search(f"{element.get('class') or ''} {element.get('id') or ''}")
    ]
    for element in named:
        if element.getparent() is not None and len(element.text_content()) <= _MAX_ASIDE_CHARS:
            element.drop_tree()


def _drop_scripts(tree: HtmlElement) -> None:
    """Scripts and styles hold no article text (JSON-LD is read before this)."""
    from lxml.etree import strip_elements

    strip_elements(tree, "script", "style", "template", with_tail=False)


def main_text_lines(page: Page, url: str | None = None) -> list[str]:
    """The page's main text, one block per line (the tree is not modified).

    trafilatura's extraction is the answer unless an alternative finds clearly more text that
    still covers most of trafilatura's: then trafilatura missed part of the article (a split
    body, an unusual container), its most common failure. The less of the page's visible text
    trafilatura kept, the more alternatives are consulted. On all but short pages trafilatura
    runs without its own fallbacks first, as they cost a third of its time and rarely change
    a result that keeps a fair share of the page; below that share it runs again with them.
    Then come its bundled readability (quick) and readability-lxml (more robust, but as slow
    as trafilatura itself).
    """
    from copy import deepcopy

    fast = page.visible_chars >= _FALLBACKS_BELOW_CHARS
    lines = _trafilatura_lines(page, url, fast=fast)
    kept_share = _kept_share(page, lines)
    if fast and kept_share < _FALLBACKS_BELOW_SHARE:
        lines = _trafilatura_lines(page, url, fast=False)
        kept_share = _kept_share(page, lines)
    if kept_share < _QUICK_BELOW_SHARE:
        alternative = readability_lines(deepcopy(page.tree))
        if recovers_missed_text(lines, alternative):
            return _paragraphs(alternative)
    if kept_share < _THOROUGH_BELOW_SHARE:
        alternative = readability_lxml_lines(deepcopy(page.tree))
        if recovers_missed_text(lines, alternative):
            return _paragraphs(alternative)
    return _paragraphs(lines)


def _paragraphs(lines: list[str]) -> list[str]:
    """Extracted lines as paragraphs, their line-break marks as newlines."""
    paragraphs = (clean_paragraph(line.replace(_LINE_BREAK, "\n")) for line in lines)
    return [paragraph for paragraph in paragraphs if paragraph]


def _trafilatura_lines(page: Page, url: str | None, *, fast: bool) -> list[str]:
    from lxml.etree import strip_elements
    from trafilatura import bare_extraction
    from trafilatura.xml import xmltotxt

    document = bare_extraction(
        page.tree, url=url, include_comments=False, include_tables=True, fast=fast
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    # trafilatura writes its line breaks (<lb/>) as newlines, like its paragraph breaks.
    for line_break in body.iter("lb"):
        line_break.tail = _LINE_BREAK + (line_break.tail or "")
    strip_elements(body, "lb", with_tail=False)
    return [line for line in xmltotxt(body, False).split("\n") if line.strip()]


def _kept_share(page: Page, lines: list[str]) -> float:
    return sum(map(_non_space_chars, lines)) / max(1, page.visible_chars)


def readability_lines(tree: HtmlElement) -> list[str]:
    """readability's main text (trafilatura's copy of it), one block per line; mutates tree."""
    from trafilatura.external import try_readability

    return _block_lines(try_readability(tree))


def readability_lxml_lines(tree: HtmlElement) -> list[str]:
    """readability-lxml's main text, one block per line; mutates tree."""
    from lxml import etree
    from lxml.html import document_fromstring
    from readability import Document

    try:
        summary = Document(tree).summary(html_partial=True)
        return _block_lines(document_fromstring(summary)) if summary.strip() else []
    except (etree.LxmlError, ValueError):  # readability's Unparseable is a ValueError
        return []


def _block_lines(root: HtmlElement) -> list[str]:
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    for line_break in root.iter("br"):
        line_break.tail = _LINE_BREAK + (line_break.tail or "")
    text = root.text_content()
    return [clean_inline(line) for line in text.split("\n") if line.strip()]


def recovers_missed_text(own: list[str], alternative: list[str]) -> bool:
    """Whether ``alternative`` holds clearly more text than ``own`` and most of ``own``'s."""
    own_words = _bag(own)
    alternative_words = _bag(alternative)
    own_count = sum(own_words.values())
    if own_count == 0:
        return bool(alternative_words)
    shared = sum((own_words & alternative_words).values())
    return (
        sum(alternative_words.values()) > _RECOVERY_LENGTH_RATIO * own_count
        and shared >= _RECOVERY_MIN_SHARED * own_count
    )


def _bag(lines: list[str]) -> Counter[str]:
    return Counter(word.lower() for line in lines for word in _WORD.findall(line))


def html_to_text(html: str) -> str:
    """The main text of an HTML page, paragraphs (and their line breaks) separated by newlines
    ("" when none)."""
    try:
        page = parse_page(html)
    except RejectedUploadError:
        return ""
    drop_writer_and_site_blocks(page.tree)
    paragraphs = _story_paragraphs(main_text_lines(page))
    # The page's headline; parse_html's title, from the page's metadata, is most often the same.
    title = _first_text(page.tree, "//h1")
    if title:
        paragraphs = drop_title_lines(paragraphs, title)
    return "\n".join(drop_closing_credits(paragraphs))


def _story_paragraphs(lines: list[str]) -> list[str]:
    """The extracted lines without furniture and without what follows the story's end."""
    # Some section headings that are furniture too ("Ссылки по теме:") still end the story;
    # other furniture (a sign-up prompt, which may stand inside the story) goes first.
    keep = remove_furniture(lines)
    candidates = [
        (line, kept) for line, kept in zip(lines, keep, strict=True) if kept or opens_section(line)
    ]
    story = cut_after_story([line for line, _ in candidates])
    return [line for line, kept in candidates[: len(story)] if kept]


def parse_html(
    html: str,
    *,
    known_furniture: Collection[str],
    url: str | None = None,
    received: date | None = None,
) -> ExtractedArticle:
    page = parse_page(html)
    # The date search is faster without the JSON-LD scripts, which are read before they go.
    declared = declared_metadata(page.tree)
    _drop_scripts(page.tree)
    metadata, guessed_date = page_metadata(page.tree, declared, url)
    drop_writer_and_site_blocks(page.tree)
    paragraphs = _story_paragraphs(main_text_lines(page, url))
    return build_article(
        paragraphs,
        metadata,
        content_type="text/html",
        known_furniture=known_furniture,
        received=received,
        guessed_published=guessed_date,
    )


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (a JSON body written in HTML): block text, in order,
    by the same whitespace rules as pages."""
    from lxml import etree
    from lxml.html import fragment_fromstring

    try:
        root = fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [fragment]
    normalize_whitespace(root)
    return _paragraphs(_block_lines(root))


# ---- metadata -------------------------------------------------------------------------------


def page_metadata(
    tree: HtmlElement, declared: dict[str, Any], url: str | None
) -> tuple[Metadata, str | None]:
    """The article's metadata: what the page declares first, then trafilatura's heuristics;
    and htmldate's guess at the publication date, which a dateline in the text outranks."""
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, default_url=url)
    site_name = declared.get("site_name") or found.sitename
    title = declared.get("title") or found.title or _first_text(tree, "//h1")
    page_url = declared.get("url") or found.url or url
    metadata = Metadata(
        title=strip_site_name(title, site_name) if title else None,
        author=declared.get("author") or found.author,
        published=declared.get("published"),
        modified=declared.get("modified"),
        language=declared.get("language"),
        url=page_url,
        image=_absolute(declared.get("image") or found.image, page_url),
        section=declared.get("section") or (found.categories[0] if found.categories else None),
        tags=declared.get("tags") or list(found.tags or []),
    )
    return metadata, normalize_date(found.date)


def strip_site_name(title: str, site_name: str | None) -> str:
    """ "Headline | Site" → "Headline": drops a trailing (or leading) part that names the site
    or is much shorter than the headline."""
    title = clean_inline(title)
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = (site_name or "").casefold().strip()

    def names_site(part: str) -> bool:
        folded = part.casefold()
        return bool(site) and (folded in site or site in folded)

    if names_site(parts[-1]):
        return _rejoin(title, parts[:-1])
    if names_site(parts[0]):
        return _rejoin(title, parts[1:])
    if len(parts[-1].split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 4:
        return _rejoin(title, parts[:-1])
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip()


def declared_metadata(tree: HtmlElement) -> dict[str, Any]:
    """Metadata the page states in JSON-LD, Open Graph and meta tags."""
    meta: dict[str, Any] = {}
    for item in _json_ld_articles(tree):
        meta.setdefault("title", _text(item.get("headline")) or _text(item.get("name")))
        meta.setdefault("author", _person(item.get("author")))
        meta.setdefault("published", normalize_date(_text(item.get("datePublished"))))
        meta.setdefault("modified", normalize_date(_text(item.get("dateModified"))))
        meta.setdefault("image", _image(item.get("image")))
        meta.setdefault("section", _first(item.get("articleSection")))
        meta.setdefault("tags", _keywords(item.get("keywords")))
        meta.setdefault("url", _text(item.get("url")))
    properties = _meta_properties(tree)

    def fill(key: str, *names: str) -> None:
        if not meta.get(key):
            meta[key] = next((properties[name] for name in names if properties.get(name)), None)

    fill("title", "og:title", "twitter:title")
    fill("author", "author", "article:author", "byl")
    fill("image", "og:image", "og:image:url", "twitter:image")
    fill("section", "article:section")
    fill("site_name", "og:site_name", "application-name")
    fill("url", "og:url")
    for key, names in (
        ("published", ("article:published_time", "datepublished", "pubdate", "date")),
        ("modified", ("article:modified_time", "og:updated_time", "datemodified")),
    ):
        if not meta.get(key):
            meta[key] = next(
                (normalize_date(properties[name]) for name in names if properties.get(name)), None
            )
    if not meta.get("tags"):
        meta["tags"] = [value for name, value in _meta_pairs(tree) if name == "article:tag"]
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    if canonical and str(canonical[0]).startswith("http"):
        meta["url"] = str(canonical[0]).strip()
    if meta.get("author", "") and meta["author"].startswith("http"):
        meta["author"] = None  # a profile URL is no name
    language = tree.get("lang") or properties.get("og:locale") or properties.get("language")
    if language:
        meta["language"] = language.replace("_", "-").split("-")[0].lower()[:2] or None
    return {key: value for key, value in meta.items() if value}


def _meta_pairs(tree: HtmlElement) -> Iterator[tuple[str, str]]:
    for element in tree.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if name and content and content.strip():
            yield name.strip().lower(), content.strip()


def _meta_properties(tree: HtmlElement) -> dict[str, str]:
    properties: dict[str, str] = {}
    for name, value in _meta_pairs(tree):
        properties.setdefault(name, value)
    return properties


def _json_ld_articles(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = script.text or ""
        if not raw.strip() or len(raw) > _MAX_JSON_LD_BYTES:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        yield from _article_objects(data, depth=0)


def _article_objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _article_objects(entry, depth + 1)
    elif isinstance(data, dict):
        kind = data.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
            yield data
        if "@graph" in data:
            yield from _article_objects(data["@graph"], depth + 1)


def _text(value: Any) -> str | None:
    return clean_inline(value) or None if isinstance(value, str) else None


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return next((text for text in map(_text, value) if text), None)
    return _text(value)


def _person(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_person(entry) for entry in value) if name]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return _text(value)


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        return next((url for url in map(_image, value) if url), None)
    if isinstance(value, dict):
        return _text(value.get("url")) or _text(value.get("contentUrl"))
    return _text(value)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        words = [word.strip() for word in value.split(",")]
    elif isinstance(value, list):
        words = [word for word in map(_text, value) if word]
    else:
        return []
    # CMSs also put internal "key: value" flags in keywords; tags are short plain phrases.
    return [word for word in words if word and ":" not in word and len(word) <= _MAX_TAG_CHARS]


def _first_text(tree: HtmlElement, xpath: str) -> str | None:
    for element in tree.xpath(xpath):
        text = clean_inline(element.text_content())
        if text:
            return text
    return None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    return urljoin(base, link) if base else link
