"""Search, typed with real keystrokes, finds each cancer site's page by a word only that page has.

The word is chosen from the page's Markdown source, then checked against the built
search index: it must be indexed for this page, and no other page may contain even its
first six letters (so neither lunr's stemming nor prefix matching can reach another page).
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from conftest import SITE_PAGES, page_path
from livingreview.core.markdown_text import mask_code, split_front_matter

from .conftest import page_url

pytestmark = pytest.mark.browser

PREFIX = 6  # letters another page must not contain
MIN_LENGTH = 8
NOT_PROSE = re.compile(r"<!--.*?-->|\[@[^\]]*\]|\]\([^)]*\)|\{[#.:][^}]*\}|<[^>]+>|^\*\[.*$", re.DOTALL | re.MULTILINE)


def indexed_text(site) -> dict[str, str]:
    """Page URL -> its lower-cased searchable text (titles and section texts, tags stripped)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages: dict[str, str] = {}
    for doc in index["docs"]:
        url = doc["location"].split("#", 1)[0]
        text = re.sub(r"<[^>]+>", " ", f"{doc['title']} {doc['text']}").lower()
        pages[url] = pages.get(url, "") + " " + text
    return pages


def prose_words(source: str) -> list[str]:
    """Long words of the page's prose in order of appearance (no front matter, code, citations, links)."""
    text = page_path(source).read_text(encoding="utf-8")
    body = "\n".join(text.split("\n")[split_front_matter(text).body_start:])
    prose = NOT_PROSE.sub(" ", mask_code(body)[0])
    return list(dict.fromkeys(w.lower() for w in re.findall(rf"\b[A-Za-z]{{{MIN_LENGTH},}}\b", prose)))


def unique_term(source: str, pages: dict[str, str]) -> str:
    url = page_url(source)
    assert url in pages, f"/{url} is not in the search index"
    others = " ".join(text for other, text in pages.items() if other != url)
    for word in prose_words(source):
        if re.search(rf"\b{word}\b", pages[url]) and word[:PREFIX] not in others:
            return word
    pytest.fail(f"{source}: no word of {MIN_LENGTH}+ letters is unique to this page in the search index")


@pytest.mark.parametrize("source", SITE_PAGES, ids=lambda s: s.removesuffix(".md"))
def test_search_finds_site_page_by_its_unique_term(built_site, page, source):
    term = unique_term(source, indexed_text(built_site.site))
    url = page_url(source)
    page.goto("")
    search = page.locator(".md-search__input")
    search.click()
    search.press_sequentially(term, delay=40)
    expect(page.locator(".md-search-result__meta")).to_have_text("1 matching document", timeout=10_000)
    links = page.locator(".md-search-result__list a.md-search-result__link")
    hrefs = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert hrefs, f"searching {term!r}: no result link"
    assert all(href.lstrip("/") == url for href in hrefs), f"searching {term!r}: results {hrefs}, expected /{url}"
    # Material gives the page's own result `?h=` empty when the term is only in a later section: follow a
    # result that carries the term, as a reader looking for it would.
    links.filter(has=page.locator("mark")).first.click()
    expect(page).to_have_url(re.compile(rf"/{re.escape(url)}(\?[^#]*)?(#.*)?$"))
    expect(page.locator("article mark").first).to_be_visible()  # search.highlight marks the term
