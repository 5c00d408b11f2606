"""The "Cite this page" box: each copy button puts its citation on the clipboard.

Selectors are documented at the top of overrides/partials/cite-this-page.html.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import page_path
from livingreview.core.markdown_text import split_front_matter

from .conftest import normalized, page_url

pytestmark = pytest.mark.browser

PAGES = ["sites/lung.md", "technologies/proton-therapy.md"]


def title_of(source: str) -> str:
    return split_front_matter(page_path(source).read_text(encoding="utf-8")).data["title"]


@pytest.fixture
def clipboard_page(new_context, site_url):
    context = new_context(color_scheme="light")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    return context.new_page()


def read_clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("source", PAGES)
def test_copy_buttons_put_the_citation_on_the_clipboard(clipboard_page, source):
    page, url, title = clipboard_page, page_url(source), title_of(source)
    page.goto(url, wait_until="networkidle")
    buttons = page.locator("#cite-this-page button.cite-copy")
    targets = buttons.evaluate_all("bs => bs.map(b => b.dataset.citeTarget)")
    assert {"cite-ama", "cite-vancouver", "cite-bibtex"} <= set(targets), f"/{url}: copy buttons for {targets}"
    for index, target in enumerate(targets):
        page.evaluate("navigator.clipboard.writeText('')")
        shown = page.locator(f"#{target}").text_content()
        buttons.nth(index).click()
        expect(page.locator("#cite-status")).to_contain_text("copied")
        copied = read_clipboard(page)
        if target == "cite-bibtex":
            assert copied == shown.strip(), f"/{url}: BibTeX on the clipboard differs from the one shown"
            assert copied.startswith("@") and title in copied, f"/{url}: BibTeX {copied[:200]!r}"
        else:
            assert copied == normalized(shown), f"/{url} {target}: clipboard {copied!r}, shown {normalized(shown)!r}"
            assert title in copied and f"{url}" in copied, f"/{url} {target}: {copied!r} lacks the title or the URL"


def test_section_copy_button_cites_the_section(clipboard_page):
    page = clipboard_page
    page.goto("sites/lung/", wait_until="networkidle")
    heading = page.locator("article h2:has(button.cite-copy--section)").first
    section_id = heading.get_attribute("id")
    heading_text = normalized(heading.evaluate(
        "h => [...h.childNodes].filter(n => !(n.matches && n.matches('a.headerlink, button')))"
        ".map(n => n.textContent).join('')"))
    heading.hover()
    heading.locator("button.cite-copy--section").click()
    expect(page.locator("#cite-status")).to_contain_text("copied")
    copied = read_clipboard(page)
    assert heading_text in copied, f"section citation {copied!r} lacks the heading {heading_text!r}"
    assert copied.endswith(f"#{section_id}"), f"section citation {copied!r} does not link #{section_id}"
