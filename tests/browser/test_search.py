"""Search (Pagefind, docs/javascripts/search.js), typed with real keystrokes, finds each cancer site's page
by a word only that page has, and fetches nothing of its index before the reader types.

The word is chosen from the page's Markdown source: no other built page may contain even its first six
letters (so neither stemming nor prefix matching can reach another page).
"""

from __future__ import annotations

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
ARTICLE = re.compile(r"<div data-pagefind-body>(.*?)</article>", re.DOTALL)


def indexed_text(site) -> dict[str, str]:
    """Page URL -> the lower-cased text of its indexed article (tags stripped)."""
    pages: dict[str, str] = {}
    for html in site.rglob("index.html"):
        found = ARTICLE.search(html.read_text(encoding="utf-8"))
        if found:
            url = html.parent.relative_to(site).as_posix()
            pages["" if url == "." else url + "/"] = re.sub(r"<[^>]+>", " ", found[1]).lower()
    return pages


def prose_words(source: str) -> list[str]:
    """Long words of the page's prose in order of appearance (no front matter, code, citations, links)."""
    text = page_path(source).read_text(encoding="utf-8")
    body = "\n".join(text.split("\n")[split_front_matter(text).body_start:])
    prose = NOT_PROSE.sub(" ", mask_code(body)[0])
    return list(dict.fromkeys(w.lower() for w in re.findall(rf"\b[A-Za-z]{{{MIN_LENGTH},}}\b", prose)))


def unique_term(source: str, pages: dict[str, str]) -> str:
    url = page_url(source)
    assert url in pages, f"/{url} has no indexed article"
    others = " ".join(text for other, text in pages.items() if other != url)
    for word in prose_words(source):
        if re.search(rf"\b{word}\b", pages[url]) and word[:PREFIX] not in others:
            return word
    pytest.fail(f"{source}: no word of {MIN_LENGTH}+ letters is unique to this page")


def test_the_print_page_and_the_notices_are_not_indexed(built_site):
    """Only each page's article is indexed: not the whole-review print page, which repeats every page."""
    print_page = (built_site.site / "print_page" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in print_page
    lung = (built_site.site / "sites" / "lung" / "index.html").read_text(encoding="utf-8")
    assert lung.count("data-pagefind-body") == 1 and (built_site.site / "pagefind" / "pagefind.js").is_file()


@pytest.mark.parametrize("source", SITE_PAGES, ids=lambda s: s.removesuffix(".md"))
def test_search_finds_site_page_by_its_unique_term(built_site, page, source):
    term = unique_term(source, indexed_text(built_site.site))
    url = page_url(source)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("")
    page.keyboard.press("/")  # opens the dialog, as the header's search button does
    search = page.locator("dialog.lr-search input.lr-search__input")
    expect(search).to_be_focused()
    assert not [u for u in fetched if "/pagefind/" in u], "the index was fetched before the reader typed"
    search.press_sequentially(term, delay=40)
    expect(page.locator(".lr-search__status")).to_have_text("1 page found", timeout=10_000)
    links = page.locator("ol.lr-search__results a.lr-search__link")
    expect(links).to_have_count(1, timeout=10_000)  # the count shows first, then each result's fragment loads
    hrefs = links.evaluate_all("links => links.map(a => new URL(a.href).pathname)")
    assert hrefs == [f"/{url}"], f"searching {term!r}: results {hrefs}, expected /{url}"
    expect(page.locator("ol.lr-search__results mark").first).to_be_visible()
    assert any(u.endswith("/pagefind/pagefind.js") for u in fetched)
    links.first.click()
    expect(page).to_have_url(re.compile(rf"/{re.escape(url)}$"))


def test_search_button_opens_and_closes_the_dialog(page):
    page.goto("sites/lung/")
    page.locator("button.lr-search-open").click()
    dialog = page.locator("dialog.lr-search")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
