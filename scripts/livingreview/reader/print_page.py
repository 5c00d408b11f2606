"""The whole review on one page (mkdocs-print-site-plugin), ready for printing and `make pdf`.

print-site concatenates the pages' HTML and keeps anchors unique by prefixing
ids with the page's key (`sites-lung-fn:key`), but it renames only the ids of
headings, <sup> and <li>. Links to any other element, such as the annotated
bibliography's `<div id="ref-<key>">`, would point nowhere; `fix_anchors`
gives those elements the prefixed id the links already use. `relative_base`
makes the page work wherever the site is served or opened.

Stable selectors of the print page (site/print_page/index.html):
    #print-site-page                       the combined review
    section.print-page#<page-key>          one page, e.g. #sites-lung, #references
    section.print-page aside.review-notice that page's notice (dates, review status)
    div.footnote li[id$=":<bib-key>"]      a reference, with its span.ref-status badge
"""

from __future__ import annotations

import bisect
import re

NOTICE_TEMPLATE = "partials/review-notice.html"
PAGE_SECTION = re.compile(r'<section class="print-page" id="(?P<key>[^"]+)"')
ID = re.compile(r"""\sid=(?P<q>["'])(?P<id>.+?)(?P=q)""")
HREF = re.compile(r"""\shref=(?P<q>["'])#(?P<target>.+?)(?P=q)""")
FIRST_H1_END = re.compile(r"</h1>")


def with_notice(page_html: str, notice_html: str, title: str) -> str:
    """The page's HTML with its reader notice after the title (the print page has one per page)."""
    # One landmark per page: give each a distinct name.
    notice = notice_html.replace('aria-label="About this page"', f'aria-label="About: {title}"', 1).strip()
    match = FIRST_H1_END.search(page_html)
    if not match:
        return notice + "\n" + page_html
    return page_html[:match.end()] + "\n" + notice + page_html[match.end():]


def relative_base(text: str, absolute: str, relative: str) -> str:
    """Point the theme's base URL at the site root relative to the print page.

    print-site renders its page with the 404 page's context, whose base URL is
    absolute (the path of site_url): the search index and Material's storage
    scope would then be looked for outside the site when it is served elsewhere
    or opened from disk, as `make pdf` does.
    """
    if absolute in ("", relative):
        return text
    quoted = '"' + absolute + '"'
    for before, after in ((f"new URL({quoted},location)", f'new URL("{relative}",location)'),
                          (f'"base": {quoted}', f'"base": "{relative}"')):
        text = text.replace(before, after)
    return text


def fix_anchors(text: str) -> tuple[str, list[str]]:
    """Rename each element that a page-prefixed link targets; return the text and the targets left dangling."""
    renames, unresolved = anchor_renames(text)
    return apply_renames(text, renames), unresolved


def anchor_renames(text: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """What `fix_anchors` changes: (start, end, new id) of each id to rename, in order; the dangling targets.

    One pass over the ids: each is filed under the page section it sits in, so a
    dangling `#<page-key>-<id>` is looked up, not searched for.
    """
    ids = list(ID.finditer(text))
    dangling = sorted({m["target"] for m in HREF.finditer(text)} - {m["id"] for m in ids})
    if not dangling:
        return [], []
    starts = [(m.start(), m["key"]) for m in PAGE_SECTION.finditer(text)]
    offsets = [start for start, _ in starts]
    local: dict[tuple[str, str], re.Match[str]] = {}
    for match in ids:
        index = bisect.bisect_right(offsets, match.start()) - 1
        if index >= 0:
            local.setdefault((starts[index][1], match["id"]), match)
    keys = {key for _, key in starts}
    renames: dict[int, tuple[int, int, str]] = {}
    unresolved: list[str] = []
    for target in dangling:
        # `<page-key>-<id>`, keys may hold dashes too: try each dash, the longest key first.
        splits = [i for i, char in enumerate(target) if char == "-"][::-1]
        found = next((local[(target[:i], target[i + 1:])] for i in splits
                      if target[:i] in keys and (target[:i], target[i + 1:]) in local), None)
        if found is None:
            unresolved.append(target)
        else:
            renames[found.start("id")] = (found.start("id"), found.end("id"), target)
    return [renames[offset] for offset in sorted(renames)], unresolved


def apply_renames(text: str, renames: list[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, new in renames:
        pieces += [text[last:start], new]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
