"""Reader aids as rendered: the evidence map (selectors documented in
scripts/livingreview/reader/evidence_map.py) and the whole review on one page for printing
(scripts/livingreview/reader/print_page.py; its PDF is tests/test_print.py's)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import PRINT_PAGE

pytestmark = pytest.mark.browser

MAP = "evidence-map/"
# Site chrome a printout must not carry (Material's header, tabs, sidebars, footer; copy buttons).
CHROME = [".md-header", ".md-tabs", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", "button.cite-copy"]


# For each count link: null when it is consistent, else what is wrong. A cell's link
# targets an h4 followed by the list of its entries; row totals target the site's h3.
COUNT_MISMATCHES = """links => links.map(a => {
    const target = document.getElementById(a.hash.slice(1));
    let list = target && target.nextElementSibling;
    while (list && !['UL', 'OL'].includes(list.tagName) && !/^H[1-6]$/.test(list.tagName)) {
        list = list.nextElementSibling;
    }
    const items = list && ['UL', 'OL'].includes(list.tagName) ? list.children.length : null;
    const label = parseInt(a.getAttribute('aria-label'), 10);
    const shown = parseInt(a.textContent, 10);
    const listMatches = !target || target.tagName !== 'H4' || items === shown;
    if (target && shown === label && listMatches) return null;
    return `${a.hash}: shows ${a.textContent}, label ${label}, list ${items}`;
}).filter(Boolean)"""


def test_evidence_map_counts_lead_to_their_lists(page):
    """Each count's link names the number it shows; a cell's link lands on a list that long, on screen."""
    page.goto(MAP, wait_until="networkidle")
    counts = page.locator("table.evidence-map a.evidence-map__count")
    assert counts.count(), f"/{MAP}: no count links in table.evidence-map"
    mismatches = counts.evaluate_all(COUNT_MISMATCHES)
    assert not mismatches, f"/{MAP}: " + "; ".join(mismatches)
    for link in (counts.first, counts.last):
        target = link.get_attribute("href")
        link.click()
        expect(page).to_have_url(re.compile(re.escape(target) + "$"))
        expect(page.locator(target)).to_be_in_viewport()
        header = page.locator(".md-header").bounding_box()
        top = page.locator(target).bounding_box()["y"]
        assert top >= header["y"] + header["height"] - 1, f"{target} lands hidden under the header"


def test_year_chart_is_drawn(page):
    page.goto(MAP, wait_until="networkidle")
    chart = page.locator("figure.year-chart svg.year-chart__svg[role=img]")
    expect(chart).to_be_visible()
    bars = page.locator("rect.year-chart__bar")
    assert bars.count(), f"/{MAP}: no bars"
    heights = bars.evaluate_all("rs => rs.map(r => [r.dataset.count, r.getBoundingClientRect().height])")
    assert all(height > 0 for count, height in heights if int(count) > 0), f"/{MAP}: bars not drawn: {heights}"


def test_print_view_hides_site_chrome(page):
    page.goto(PRINT_PAGE, wait_until="networkidle")
    page.emulate_media(media="print")
    sections = page.locator("#print-site-page section.print-page")
    assert sections.count() > 10, f"/{PRINT_PAGE}: {sections.count()} page sections"
    shown = [selector for selector in CHROME if any(e.is_visible() for e in page.locator(selector).all())]
    assert not shown, f"/{PRINT_PAGE} printed with: {shown}"
    expect(page.locator("section.print-page aside.review-notice").first).to_be_visible()

