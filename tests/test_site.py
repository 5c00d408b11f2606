"""The built site: strict build, reference lists, DOI links, visible verification status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import CONTENT_PAGES, html_path, page_path
from livingreview.references.bibliography import doi_url
from livingreview.references.citations import cited_keys
from livingreview.core.project import DOCS
from livingreview.references.verification import STATUSES, VERIFIED

# Affirmative claims of clinical review ("has been reviewed by ..."); negations don't match.
CLINICAL_REVIEW_CLAIM = re.compile(
    r"\b(has|have|was|were) been (clinically )?reviewed\b|\bclinically reviewed\b|\breviewed and approved\b", re.I
)
ALL_PAGES = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if "includes" not in p.parts)


def parse(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def reference_items(tree, key: str):
    return tree.xpath(f'//div[@class="footnote"]//li[@id="fn:{key}"]')


def test_strict_build_passes(built_site):
    """`mkdocs build --strict` exits 0 with no warning in its log."""
    assert built_site.returncode == 0, built_site.log[-3000:]
    assert "WARNING" not in built_site.log


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_content_page_has_reference_list(built_site, page):
    """Each content page renders a References heading and one list item per cited key."""
    tree = parse(html_path(built_site.site, page))
    assert tree.xpath('//h2[@id="references"]'), "no References heading"
    for key in cited_keys(page_path(page).read_text(encoding="utf-8")):
        assert reference_items(tree, key), f"{key} cited but missing from the reference list"


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_references_link_to_their_doi(built_site, bibliography, page):
    """Every rendered reference whose entry has a DOI links to https://doi.org/<doi>."""
    entries = bibliography.by_key()
    tree = parse(html_path(built_site.site, page))
    for key in cited_keys(page_path(page).read_text(encoding="utf-8")):
        url = doi_url(entries[key].get("doi"))
        if url:
            links = reference_items(tree, key)[0].xpath(".//a/@href")
            assert url in links, f"{key}: no link to {url}"


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_each_reference_shows_its_status(built_site, bibliography, page):
    """The badge beside each reference names the entry's own status; unverified ones say so."""
    entries = bibliography.by_key()
    tree = parse(html_path(built_site.site, page))
    for key in cited_keys(page_path(page).read_text(encoding="utf-8")):
        status = STATUSES[entries[key].get("verification")]
        badges = reference_items(tree, key)[0].xpath('.//span[contains(@class, "ref-status")]')
        assert [b.text_content() for b in badges] == [status.label], key
        if status.id not in VERIFIED:
            assert "unverified" in status.label.lower()


def test_no_pandoc_markup_reaches_a_page(built_site):
    """Pandoc leftovers such as `[Doe J, et al.]{.nocase}` never appear in the HTML."""
    leftovers = re.compile(r"\{\.(nocase|csl-[a-z-]+|smallcaps)\}|\]\{\.")
    for path in built_site.site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not leftovers.search(text), f"{path}: {leftovers.search(text)[0]}"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_carries_the_reader_notice(built_site, page):
    """Not medical advice, last-updated date and 'awaiting clinical review' on every page."""
    tree = parse(html_path(built_site.site, page))
    notice = tree.xpath('//aside[contains(@class, "review-notice")]')
    assert notice, "no reader notice"
    text = " ".join(notice[0].text_content().split())
    assert "Not medical advice" in text
    assert re.search(r"Last updated: \d{4}-\d{2}-\d{2}", text)
    assert "awaiting clinical review" in text
    claim = CLINICAL_REVIEW_CLAIM.search(" ".join(tree.text_content().split()))
    assert not claim, f"claims a clinical review: {claim[0]!r}"


def test_annotated_bibliography_lists_every_entry(built_site, bibliography):
    """The references page shows each entry once in full, with its annotation and status."""
    tree = parse(html_path(built_site.site, "references.md"))
    for entry in bibliography.entries:
        block = tree.xpath(f'//div[@id="ref-{entry.key}"]')
        assert len(block) == 1, entry.key
        text = " ".join(block[0].text_content().split())
        assert STATUSES[entry.get("verification")].label in text
        assert entry.get("annote")[:60] in text
        url = doi_url(entry.get("doi"))
        if url:
            assert url in block[0].xpath(".//a/@href")
