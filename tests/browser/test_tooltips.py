"""Tooltips readers rely on: a citation shows its reference (content.footnote.tooltips), an
abbreviation shows its meaning from docs/includes/abbreviations.md (content.tooltips), both
on mouse hover and on keyboard focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from livingreview.reader.glossary import load_abbreviations

from .conftest import normalized

pytestmark = pytest.mark.browser

CITING_PAGE = "sites/lung/"
ABBREVIATION_PAGES = ["sites/prostate/", "technologies/adaptive-radiotherapy/"]
ACTIVE_TOOLTIP = ".md-tooltip2--active"


def reveal(page, target, how: str) -> None:
    if how == "hover":
        target.hover()
    else:
        target.focus()
        assert target.evaluate("e => e === document.activeElement"), "the element did not take keyboard focus"


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_citation_shows_its_reference(page, how):
    page.goto(CITING_PAGE, wait_until="networkidle")
    citation = page.locator("article a.footnote-ref").first
    key = citation.get_attribute("href").removeprefix("#")
    reference = normalized(page.locator(f"li[id='{key}']").first.text_content())[:60]
    assert reference, f"/{CITING_PAGE}: the reference list has no text for #{key}"
    reveal(page, citation, how)
    tooltip = page.locator(ACTIVE_TOOLTIP)
    expect(tooltip).to_be_visible()
    assert reference in normalized(tooltip.text_content()), (
        f"/{CITING_PAGE} #{key} on {how}: tooltip {tooltip.text_content()[:200]!r} lacks {reference!r}"
    )


@pytest.fixture(scope="module")
def meanings() -> dict[str, str]:
    abbreviations, findings = load_abbreviations()
    assert abbreviations, f"no abbreviations defined: {findings}"
    return {a.term: a.meaning for a in abbreviations}


@pytest.mark.parametrize("url", ABBREVIATION_PAGES)
def test_abbreviation_shows_its_meaning_on_hover(page, meanings, url):
    page.goto(url, wait_until="networkidle")
    abbreviation = page.locator("article abbr").first
    term = abbreviation.text_content()
    assert term in meanings, f"/{url}: <abbr>{term}</abbr> is not in docs/includes/abbreviations.md"
    reveal(page, abbreviation, "hover")
    tooltip = page.locator(ACTIVE_TOOLTIP)
    expect(tooltip).to_be_visible()
    assert normalized(tooltip.text_content()) == normalized(meanings[term]), f"/{url}: tooltip of {term}"


@pytest.mark.parametrize("url", ABBREVIATION_PAGES)
def test_abbreviation_shows_its_meaning_on_keyboard_focus(page, meanings, url):
    """Keyboard users reach at least one abbreviation per page (tabindex, or inside a link)."""
    page.goto(url, wait_until="networkidle")
    reachable = page.locator("article abbr[tabindex='0'], article a[href] abbr")
    assert reachable.count(), (
        f"/{url}: no abbreviation can take keyboard focus (no tabindex=\"0\", none inside a link), "
        "so keyboard users never see what they stand for"
    )
    abbreviation = reachable.first
    term = abbreviation.text_content()
    in_link = abbreviation.get_attribute("tabindex") != "0"
    focusable = abbreviation.locator("xpath=ancestor::a[1]") if in_link else abbreviation
    reveal(page, focusable, "focus")
    tooltip = page.locator(ACTIVE_TOOLTIP)
    expect(tooltip).to_be_visible()
    assert normalized(meanings[term]) in normalized(tooltip.text_content()), f"/{url}: tooltip of {term} on focus"
