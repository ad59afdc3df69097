"""Snippets: the passage of an article that best covers the query, matches marked.

The text is HTML-escaped first and matched words are wrapped in ``<mark>``...``</mark>``, so a
snippet is safe to insert into HTML as is.
"""

from __future__ import annotations

import html

from newsbrief.indexing.analyzer import tokenize

SNIPPET_WORDS = 32
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"
ELLIPSIS = "\u2026"


def make_snippet(text: str, highlight: set[str], words: int = SNIPPET_WORDS) -> str:
    tokens = list(tokenize(text))
    if not tokens:
        return ""
    hits = [t.term in highlight if t.term is not None else False for t in tokens]
    best_start, best_score = 0, (-1, -1)
    if any(hits):
        for start in (i for i, hit in enumerate(hits) if hit):
            window_hits = hits[start : start + words]
            window = tokens[start : start + words]
            distinct = {t.term for t, hit in zip(window, window_hits, strict=True) if hit}
            score = (len(distinct), sum(window_hits))
            if score > best_score:
                best_start, best_score = start, score
        # Start a few words before the first match so it reads in context.
        best_start = max(0, best_start - 4)
    window = tokens[best_start : best_start + words]
    out: list[str] = []
    at_end = best_start + words >= len(tokens)
    cursor = 0 if best_start == 0 else window[0].start
    for token, hit in zip(window, hits[best_start : best_start + words], strict=True):
        if hit:
            out.append(html.escape(text[cursor : token.start]))
            out.append(MARK_OPEN + html.escape(text[token.start : token.end]) + MARK_CLOSE)
            cursor = token.end
    out.append(html.escape(text[cursor : len(text) if at_end else window[-1].end]))
    snippet = " ".join("".join(out).split())
    if best_start > 0:
        snippet = f"{ELLIPSIS} {snippet}"
    if not at_end:
        snippet = f"{snippet} {ELLIPSIS}"
    return snippet
