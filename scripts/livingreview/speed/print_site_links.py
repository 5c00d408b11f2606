"""print-site's link and id rewriting in one pass: same text, linear time (mkdocs-print-site-plugin 2.9).

For the combined print page, print-site rewrites every internal `<a href="...">`
of a page with `page_html.replace(old, new)` over the whole page, once per
link: time grows with links x page size. The annotated bibliography has one
internal link per entry listed under a second group, so at 3,000 entries that
page alone took 8-11 s, growing with the square of the bibliography.

`fix_href_links` below asks print-site's own function for each distinct link's
new text, then substitutes all links in one pass. That equals print-site's
sequence of replacements whenever no replacement can touch another link's
text: every `<a` of an old or new link text is its first character, each old
text occurs only where print-site matched it, and no old text is a prefix of a
new one or the reverse. This is checked on every page; when it does not hold,
print-site's own function runs instead.

`update_anchor_ids` does the same for print-site's id prefixing (each heading,
footnote and list item id becomes `page-key-id`, again one whole-page replace
per id): 1-3 s at 3,000 entries.

Both run inside print-site's `fix_internal_links`, a function of its arguments
only (a page's HTML, URL, the directory-URL setting and its heading number):
with a cache file, its result for a page is kept under a digest of these and
reused while the page is unchanged (0.5-1 s of a warm 200-page build). In a
cold build, `rewrite_ahead` has the helper process (livingreview.speed.offload) make
each page's rewrite as soon as the page is final, for print-site to find.
"""

from __future__ import annotations

import re
from pathlib import Path

from livingreview.core.digest_cache import DigestCache, digest_of, kept_or_made
from livingreview.speed import offload
from livingreview.speed.patches import PRINT_SITE_ONE_PASS

VERIFIED_VERSION = dict(PRINT_SITE_ONE_PASS.written_for)["mkdocs-print-site-plugin"]
# print-site 2.9's pattern (urls.fix_href_links); a self-test at install time guards a change of it.
HREF = re.compile(r"<a\s+([^>]*?\s+)?href=\"(.*?)\"", flags=re.IGNORECASE)
LINK_START = re.compile(r"<a\s", flags=re.IGNORECASE)  # where a link text of that pattern can begin

# print-site 2.9's pattern and tags (urls.update_anchor_ids).
ID_TAG = re.compile(r"<([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)
ID_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "sup", "li")
TAG = re.compile(r"<[^<>]*>")  # one tag, as text: where a one-tag old text can occur
ID_ATTRIBUTE = re.compile(r'id="', flags=re.IGNORECASE)  # in every ID_TAG match, on the match's line

_original = None  # print-site's own fix_href_links
_original_ids = None  # print-site's own update_anchor_ids
_original_page = None  # print-site's own fix_internal_links, as its renderer calls it
_kept: DigestCache | None = None  # its results by digest of its arguments (install's cache_file)


def _quote_prefixes(text: str) -> list[str]:
    """Prefixes of `text` that end with a double quote (every link text print-site matches does)."""
    prefixes, end = [], text.find('"')
    while end != -1:
        prefixes.append(text[:end + 1])
        end = text.find('"', end + 1)
    return prefixes


def fix_href_links(page_html: str, page_key: str, page_url: str, directory_urls: bool = False) -> str:
    matches = list(HREF.finditer(page_html))
    olds = {m.group() for m in matches}
    if not all((whole := HREF.match(old)) and whole.end() == len(old) for old in olds):
        return _original(page_html, page_key, page_url, directory_urls)
    # print-site's own rewrite of each distinct link, alone: its regex matches the whole text again.
    changed = {old: new for old in olds if (new := _original(old, page_key, page_url, directory_urls)) != old}
    if not changed:
        return page_html
    if not _independent(page_html, matches, olds, changed):
        return _original(page_html, page_key, page_url, directory_urls)
    return HREF.sub(lambda m: changed.get(m.group(), m.group()), page_html)


def _independent(page_html: str, matches: list[re.Match[str]], olds: set[str], changed: dict[str, str]) -> bool:
    """True when print-site's sequence of whole-page replacements equals one substitution per link.

    A replacement can only reach beyond its own link if some old text occurs
    somewhere else: starting inside another link text (ruled out when `<a`
    only opens each text), where print-site did not match (checked at every
    other `<a `), or as a prefix of, or prefixed by, another old or new text.
    """
    news = set(changed.values())
    if any(text.lower().count("<a") != 1 for text in (*olds, *news)):
        return False
    prefixes = {text: _quote_prefixes(text) for text in (*olds, *news)}
    if any(prefix in olds for text, found in prefixes.items() for prefix in found if prefix != text):
        return False
    if any(text in olds for text in news) or any(prefix in news for old in olds for prefix in prefixes[old]):
        return False
    starts = {m.start() for m in matches}
    longest = max(map(len, olds))
    for start in LINK_START.finditer(page_html):
        if start.start() not in starts:
            window = page_html[start.start():start.start() + longest]
            if any(prefix in olds for prefix in _quote_prefixes(window)):
                return False
    return True


def update_anchor_ids(page_html: str, page_key: str) -> str:
    """print-site's id prefixing as one substitution over the page's tags.

    print-site replaces, for each tag it changes, every occurrence of that
    tag's text in the whole page. When every old and new text is a single tag
    (one `<`, first, one `>`, last), each occurrence is a whole tag of the page,
    so mapping the page's tags once gives the same text, provided no new text
    is itself an old one (a later replacement would then change it again).
    """
    changed: dict[str, str] = {}
    # ID_TAG cannot match across a line break, so its matches are those of each line, and a line without
    # 'id="' has none: skipping those lines (most of the annotated bibliography) finds the same matches.
    for line in page_html.split("\n"):
        if not ID_ATTRIBUTE.search(line):
            continue
        for match in ID_TAG.finditer(line):
            if match.group(1) in ID_TAGS:
                old = match.group()
                changed.setdefault(old, old.replace(match.group(2), page_key + "-" + match.group(2)))
    changed = {old: new for old, new in changed.items() if new != old}
    if not changed:
        return page_html
    single_tags = all(TAG.fullmatch(text) for text in (*changed, *changed.values()))
    if not single_tags or not set(changed.values()).isdisjoint(changed):
        return _original_ids(page_html, page_key)
    return TAG.sub(lambda m: changed.get(m.group(), m.group()), page_html)


def _inputs(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> list[str]:
    return [page_html, page_url, repr((directory_urls, heading_number)), VERIFIED_VERSION]


def fix_internal_links(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> str:
    """print-site's rewrite of one page for the print page, or its result for the same arguments before."""
    return kept_or_made(_kept, _inputs(page_html, page_url, directory_urls, heading_number),
                        lambda: _original_page(page_html, page_url, directory_urls, heading_number))


REWRITTEN_PER_SECOND = 10e6  # characters of a page print-site's rewrite takes per second, about (for offload)


def rewrite_page(page_html: str, page_url: str, directory_urls: bool, heading_number: str) -> str:
    """What fix_internal_links makes of a page, made from nothing kept (the helper process's work)."""
    if _original_page is None:
        install(True)
    return _original_page(page_html, page_url, directory_urls, heading_number)


def heading_numbers(items: list) -> dict[str, str]:
    """The heading number print-site 2.9's renderer gives each page of `items` (its nav) on the print
    page, by the page's source path: 1, 2, 2.1, ... (a page listed twice: its first)."""
    numbers: dict[str, str] = {}

    def walk(items: list, prefix: str) -> None:
        for i, item in enumerate(items):
            number = f"{prefix}{i + 1}"
            if item.is_page:
                numbers.setdefault(item.file.src_uri, number)
            if item.is_section:
                walk(item.children, number + ".")

    walk(items, "")
    return numbers


def rewrite_ahead(page_html: str, page_url: str, directory_urls: bool, heading_number: str | None) -> None:
    """Have the helper process make fix_internal_links' rewrite of a page before print-site asks for it.

    `page_html` must be what print-site's renderer will hand over: the page's
    `html` when it opens with an h1 and has no tags (the renderer adds an h1 or
    the tags otherwise). A guess that does not match only means print-site's
    rewrite is made then, as before."""
    if _kept is not None and heading_number is not None:
        arguments = (page_html, page_url, directory_urls, heading_number)
        offload.make_ahead(_kept, digest_of(_inputs(*arguments)), rewrite_page, *arguments,
                         cost=len(page_html) / REWRITTEN_PER_SECOND)


FIRST_HEADING = re.compile(r"\<h[0-6]")  # print-site 2.9's test for a page's leading h1 (renderer)


def as_rendered(page_html: str, tags: object) -> bool:
    """Whether print-site's renderer hands a page's html over unchanged: its first heading is an h1, and
    it has no tags."""
    first = FIRST_HEADING.search(page_html)
    return not tags and (first is None or first.group() == "<h1")


def installed() -> bool:
    """Whether the one-pass versions are in print-site now (install)."""
    return _original is not None and _kept is not None


def install(enabled: bool, cache_file: Path | None = None) -> bool:
    """Use the one-pass versions in print-site (when its version is the verified one), its page rewrites kept in
    `cache_file` when given; False if print-site is not installed or not of that version."""
    global _original, _original_ids, _original_page, _kept
    try:
        from mkdocs_print_site_plugin import renderer, urls
    except ImportError:
        return False
    if _original is None:
        _original, _original_ids = urls.fix_href_links, urls.update_anchor_ids
        _original_page = renderer.fix_internal_links
    if not enabled or not _self_test():
        urls.fix_href_links, urls.update_anchor_ids = _original, _original_ids
        renderer.fix_internal_links, _kept = _original_page, None
        return False
    urls.fix_href_links, urls.update_anchor_ids = fix_href_links, update_anchor_ids
    renderer.fix_internal_links, _kept = fix_internal_links, DigestCache(cache_file) if cache_file else None
    return True


def save() -> None:
    """Keep this build's page rewrites (only those) for the next build."""
    if _kept is not None:
        _kept.save()


def _self_test() -> bool:
    sample = ('<p><a href="#x">x</a> <a class="c" href="../other/#y">y</a> <a href="https://e.org">e</a>'
              '<a\n  href="#x">again</a> <a title="t" href="../other/">o</a></p>')
    ids = ('<h2 id="x">X</h2><li id="fn:1"><p>t<sup id="fnref:1"><a href="#fn:1">1</a></sup></p></li>'
           '<div id="x"></div><LI class="c" id="y">')
    return all(fix_href_links(sample, key, url, True) == _original(sample, key, url, True)
               and update_anchor_ids(ids, key) == _original_ids(ids, key)
               for key, url in (("page", "page/"), ("a-b", "a/b/")))
