"""The whole review on one page (mkdocs-print-site-plugin) and as one PDF (`make pdf`).

Stable selectors of the print page: see the docstring of scripts/livingreview/reader/print_page.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from lxml import html as lxml_html

from conftest import CONTENT_PAGES, page_path
from livingreview.tools import pdf
from livingreview.reader import print_page
from livingreview.references.bibliography import doi_url
from livingreview.references.citations import cited_keys
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.pages import PAGE_STATUSES
from livingreview.core.project import ROOT
from livingreview.references.verification import STATUSES

IN_CI = os.environ.get("CI") == "true"


def page_key(src: str) -> str:
    """print-site's id of a page's section: its URL without slashes (sites/lung.md -> sites-lung)."""
    stem = src.removesuffix(".md")
    return "index" if stem == "index" else stem.replace("/", "-")


def nav_pages(items) -> list[str]:
    out = []
    for item in items:
        for value in (item.values() if isinstance(item, dict) else [item]):
            out += nav_pages(value) if isinstance(value, list) else [value]
    return out


MKDOCS = load_mkdocs_yaml(ROOT / "mkdocs.yml").data
NAV_PAGES = nav_pages(MKDOCS["nav"])


# The plain modules ------------------------------------------------------------


def test_fix_anchors_gives_link_targets_their_page_prefix():
    text = (
        '<section class="print-page" id="references"><h1 id="references-references">R</h1>'
        '<div class="entry" id="ref-a">A</div></section>'
        '<section class="print-page" id="evidence-map"><div id="ref-a">not this one</div>'
        '<a href="#references-ref-a">A</a> <a href=\'#section-2\'>S</a> <a href="#evidence-map-gone">?</a>'
        "</section><section class='print-page md-section' id='section-2'></section>"
    )
    fixed, unresolved = print_page.fix_anchors(text)
    assert '<div class="entry" id="references-ref-a">A</div>' in fixed
    assert '<div id="ref-a">not this one</div>' in fixed
    assert unresolved == ["evidence-map-gone"]
    assert print_page.fix_anchors(fixed) == (fixed, ["evidence-map-gone"])


def test_with_notice_goes_after_the_title_with_a_distinct_name():
    notice = '<aside class="review-notice" aria-label="About this page">N</aside>'
    out = print_page.with_notice('<h1 id="x">Lung</h1><p>Text</p>', notice, "Lung")
    assert out == '<h1 id="x">Lung</h1>\n<aside class="review-notice" aria-label="About: Lung">N</aside><p>Text</p>'
    assert print_page.with_notice("<p>Text</p>", notice, "T").startswith('<aside class="review-notice"')


def test_relative_base_points_the_theme_at_the_site_root():
    text = ('<script>__md_scope=new URL("/living-review/",location)</script>'
            '<script id="__config">{"base": "/living-review/", "x": "/living-review/y"}</script>')
    assert print_page.relative_base(text, "/living-review/", "..") == (
        '<script>__md_scope=new URL("..",location)</script>'
        '<script id="__config">{"base": "..", "x": "/living-review/y"}</script>')
    assert print_page.relative_base(text, "", "..") == text


def test_page_count_counts_page_objects_not_the_page_tree():
    assert pdf.page_count(b"%PDF-1.4 /Type /Pages /Kids [] /Type /Page /X /Type/Page\n") == 2
    assert pdf.page_count(b"%PDF-1.4 /Type /Pages") == 0


def test_chromium_command_prints_a_local_file_headless(tmp_path):
    page = tmp_path / "print_page" / "index.html"
    command = pdf.chromium_command("/usr/bin/chromium", page, tmp_path / "o.pdf", tmp_path / "p")
    for option in ("--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   f"--print-to-pdf={tmp_path / 'o.pdf'}"):
        assert option in command
    assert command[-1] == page.resolve().as_uri() and command[-1].startswith("file:///")


def test_print_site_without_a_built_site_says_so(tmp_path):
    with pytest.raises(pdf.PdfError, match="no print page; build the site first"):
        pdf.print_site(tmp_path, tmp_path / "review.pdf", chromium="/bin/true")
    assert not (tmp_path / "review.pdf").exists()


@pytest.mark.parametrize("chromium, message", [("/bin/false", "could not print"),
                                               ("/nonexistent/chromium", "cannot run")])
def test_failed_printing_leaves_no_pdf(tmp_path, chromium, message):
    (tmp_path / "print_page").mkdir()
    (tmp_path / "print_page" / "index.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match=message):
        pdf.print_site(tmp_path, tmp_path / "out" / "review.pdf", chromium=chromium)
    assert not (tmp_path / "out").exists()


# Configuration -------------------------------------------------------------------


def test_print_site_is_the_last_plugin():
    """print-site collects what the other plugins made, so it must run last."""
    names = [next(iter(p)) if isinstance(p, dict) else p for p in MKDOCS["plugins"]]
    assert names[-1] == "print-site", names
    assert names.index("bibtex") < names.index("print-site")


def test_ci_installs_pdftotext():
    assert "poppler-utils" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# The built print page ------------------------------------------------------------


@pytest.fixture(scope="module")
def print_html(built_site) -> str:
    return (built_site.site / pdf.PRINT_PAGE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tree(print_html):
    return lxml_html.fromstring(print_html)


def test_print_page_holds_every_page_of_the_nav_in_order(tree):
    sections = tree.xpath('//section[@class="print-page"]/@id')
    assert sections == [page_key(p) for p in NAV_PAGES]


def test_print_page_finds_the_site_root_like_every_other_page(built_site, print_html):
    """The theme's base URL is relative, as on other pages (search index, storage scope)."""
    other = (built_site.site / "glossary" / "index.html").read_text(encoding="utf-8")
    base = re.compile(r'"base": "([^"]*)"')
    assert base.search(print_html)[1] == base.search(other)[1] == ".."
    assert 'new URL("..",location)' in print_html


def test_print_page_has_no_dangling_anchor(tree):
    ids = set(tree.xpath("//@id"))
    dangling = sorted({h[1:] for h in tree.xpath('//a[starts-with(@href, "#")]/@href') if h != "#"} - ids)
    assert not dangling, dangling[:20]


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_print_page_keeps_references_with_status_badges(tree, bibliography, page):
    entries = bibliography.by_key()
    key = page_key(page)
    section = tree.xpath(f'//section[@class="print-page"][@id="{key}"]')[0]
    assert section.xpath(f'.//h2[@id="{key}-references"]'), "no References heading"
    for bib_key in cited_keys(page_path(page).read_text(encoding="utf-8")):
        item = section.xpath(f'.//div[@class="footnote"]//li[@id="{key}-fn:{bib_key}"]')
        assert item, f"{page}: reference {bib_key} missing from the print page"
        badges = [b.text_content() for b in item[0].xpath('.//span[contains(@class, "ref-status")]')]
        assert badges == [STATUSES[entries[bib_key].get("verification")].label], bib_key


@pytest.mark.parametrize("page", NAV_PAGES)
def test_print_page_shows_each_page_notice(tree, page):
    section = tree.xpath(f'//section[@class="print-page"][@id="{page_key(page)}"]')[0]
    notice = section.xpath('./aside[contains(@class, "review-notice")]')
    assert len(notice) == 1, "one notice per page, right after its title"
    text = " ".join(notice[0].text_content().split())
    assert "Not medical advice" in text and "Last updated:" in text
    assert any(f"review-notice__status--{s}" in lxml_html.tostring(notice[0], encoding="unicode")
               for s in PAGE_STATUSES)
    names = tree.xpath('//aside[contains(@class, "review-notice")]/@aria-label')
    assert len(names) == len(set(names)), "each notice landmark has its own name"


# The PDF ---------------------------------------------------------------------


def _text_of(path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_pdf_of_the_whole_review_has_pages_and_references(built_site, bibliography, tmp_path):
    chromium = pdf.find_chromium()
    if chromium is None:
        message = f"chromium not found ({pdf.DEFAULT_CHROMIUM}, or set CHROMIUM): cannot print the PDF"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    output = tmp_path / "review.pdf"
    pages = pdf.print_site(built_site.site, output, chromium)
    data = output.read_bytes()
    assert data.startswith(b"%PDF-") and pdf.page_count(data) == pages
    assert pages >= len(NAV_PAGES), f"{pages} pages for {len(NAV_PAGES)} site pages"
    # A reference of the lung page, by its DOI: in the text, and as a link.
    entries = bibliography.by_key()
    doi = next(entries[k].get("doi") for k in cited_keys(page_path("sites/lung.md").read_text(encoding="utf-8"))
               if doi_url(entries[k].get("doi")) and "(" not in entries[k].get("doi"))
    assert f"/URI ({doi_url(doi)})".encode() in data, f"no link to {doi_url(doi)}"
    text = _text_of(output)
    if text is None:
        if IN_CI:
            pytest.fail("pdftotext (poppler-utils) missing: cannot read the PDF's text")
        return  # links checked above; the text check needs poppler-utils
    squashed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", doi) in squashed, f"DOI {doi} not in the PDF's text"
    assert "References" in text and "Not medical advice" in text
    assert any(status.label in " ".join(text.split()) for status in STATUSES.values())


def test_print_site_rewrites_are_guessed_as_its_renderer_numbers_pages():
    """rewrite_ahead's arguments: print-site 2.9 numbers pages 1, 2, 2.1, ... in nav order (excluded pages
    keep their number) and hands a page's html over unchanged only when it opens with an h1 and has no tags."""
    from types import SimpleNamespace

    from livingreview.speed import print_site_links

    def page(uri):
        return SimpleNamespace(is_page=True, is_section=False, file=SimpleNamespace(src_uri=uri))

    def section(*children):
        return SimpleNamespace(is_page=False, is_section=True, children=list(children))

    nav = [page("index.md"), section(page("a.md"), section(page("b.md")), page("c.md")), page("index.md")]
    assert print_site_links.heading_numbers(nav) == {"index.md": "1", "a.md": "2.1", "b.md": "2.2.1", "c.md": "2.3"}
    assert print_site_links.as_rendered('<h1 id="t">T</h1><h2>S</h2>', None)
    assert print_site_links.as_rendered("<p>no heading</p>", [])
    assert not print_site_links.as_rendered('<h2 id="s">S</h2>', None)  # the renderer adds an h1
    assert not print_site_links.as_rendered('<h1 id="t">T</h1>', ["lung"])  # and the tags
