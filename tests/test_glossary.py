"""Abbreviations: one definition file, tooltips on every page, a generated glossary page.

Stable selectors: div.glossary > table (glossary page), <abbr title> on every page.
"""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from conftest import CONTENT_PAGES, html_path, page_path, run_mkdocs_build
from livingreview.reader import glossary
from livingreview.references.citations import find_citations
from livingreview.core.project import DOCS, ROOT

PAGES = sorted(p for p in DOCS.rglob("*.md") if "includes" not in p.parts)


@pytest.fixture(scope="module")
def abbreviations() -> list[glossary.Abbreviation]:
    found, findings = glossary.load_abbreviations(glossary.ABBREVIATIONS, ROOT)
    assert not findings, "\n".join(map(str, findings))
    return found


def parse(path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


# The plain module ------------------------------------------------------------


def test_definitions_parse_in_file_order():
    text = "*[IMRT]: Intensity-modulated radiotherapy\n\n*[pCR]: Pathological complete response\n"
    found, findings = glossary.parse_abbreviations(text, "a.md")
    assert findings == []
    assert [(a.term, a.meaning, a.line) for a in found] == [
        ("IMRT", "Intensity-modulated radiotherapy", 1), ("pCR", "Pathological complete response", 3)]


@pytest.mark.parametrize("line, message", [
    ("IMRT: Intensity-modulated radiotherapy", "not an abbreviation definition"),
    ("*[IMRT]:", "has no meaning"),
    ("*[IMRT]: Intensity-modulated radiotherapy", "already defined on line 1"),
    ("*[CT]: Computed | tomography", "contains '|' or '['"),
    ("*[CT]: see [@smith2020]", "contains '|' or '['"),
    ("<!-- comment -->", "not an abbreviation definition"),
])
def test_bad_lines_are_reported_with_file_and_line(line, message):
    found, findings = glossary.parse_abbreviations(f"*[IMRT]: Intensity-modulated radiotherapy\n{line}\n", "x/abbr.md")
    assert [(f.path, f.line, f.severity) for f in findings] == [("x/abbr.md", 2, "error")]
    assert message in findings[0].message
    assert [a.term for a in found] == ["IMRT"]


def test_missing_file_is_a_finding(tmp_path):
    found, findings = glossary.load_abbreviations(tmp_path / "none.md", tmp_path)
    assert found == [] and findings[0].path == "none.md" and "missing" in findings[0].message


def test_glossary_table_is_sorted_case_insensitively():
    found, _ = glossary.parse_abbreviations("*[TME]: Total mesorectal excision\n*[pCR]: Pathological complete "
                                            "response\n*[ADT]: Androgen deprivation therapy\n", "a.md")
    table = lxml_html.fragment_fromstring(glossary.glossary_markdown(found))
    assert table.get("class") == "glossary"
    assert table.xpath("table/thead/tr/th[@scope='col']/text()") == ["Abbreviation", "Meaning"]
    assert table.xpath("table/tbody/tr/td[1]/dfn/text()") == ["ADT", "pCR", "TME"]
    assert "\n\n" not in glossary.glossary_markdown(found), "a blank line would end the raw HTML block"


def test_prose_drops_what_readers_do_not_read_as_text():
    page = ("---\ntitle: ABC DEF\n---\nSee `XYZ code` and [QQQ link](https://x.org/ABCD) "
            "[@key2020]. <!-- RRR -->\n```\nFENCED\n```\nIMRT stays.\n")
    text = glossary.prose(page)
    for gone in ("ABC", "XYZ", "ABCD", "key2020", "RRR", "FENCED"):
        assert gone not in text
    assert "QQQ link" in text and "IMRT stays" in text


def test_uses_prefers_the_longest_term_like_python_markdown():
    text = "An MR-linac gives MR images; MRI-guided SBRT."
    assert glossary.uses(text, ["MR", "MR-linac", "MRI", "SBRT", "CT"]) == {"MR-linac": 1, "MR": 1, "MRI": 1, "SBRT": 1}


def test_undefined_abbreviations_counts_words_no_term_covers():
    text = "IMRT and HPV-positive tumours, pCR rates, stage IIIB, PubMed, XYZ and XYZ-based plans, Gy."
    assert glossary.undefined_abbreviations(text, ["IMRT", "HPV"]) == {"pCR": 1, "XYZ": 1, "XYZ-based": 1}
    assert glossary.undefined_abbreviations(text, ["IMRT", "HPV", "pCR", "XYZ"]) == {}


def test_first_use_of_each_term_keeps_its_tooltip_and_takes_keyboard_focus():
    """One tooltip per term: the first use (and the first outside a link, focusable); repeats are text."""
    html = ('<p><a href="#x"><abbr title="Computed tomography">CT</abbr></a> then '
            '<abbr title="Computed tomography">CT</abbr>, <abbr title="Computed tomography">CT</abbr> and '
            '<abbr title="Gray">Gy</abbr></p>')
    assert glossary.focusable_first_abbreviations(html) == (
        '<p><a href="#x"><abbr title="Computed tomography">CT</abbr></a> then '
        '<abbr title="Computed tomography" tabindex="0">CT</abbr>, CT and '
        '<abbr title="Gray" tabindex="0">Gy</abbr></p>')


# The project's abbreviations -------------------------------------------------


def test_abbreviation_file_holds_only_definitions_and_no_citation(abbreviations):
    text = glossary.ABBREVIATIONS.read_text(encoding="utf-8")
    assert find_citations(text) == [], "citations in a snippet never reach mkdocs-bibtex"
    assert len(abbreviations) == len([line for line in text.split("\n") if line.strip()])


def test_every_defined_abbreviation_is_used_somewhere(abbreviations):
    """The glossary lists the review's abbreviations, not a dictionary's."""
    prose = "\n".join(glossary.prose(p.read_text(encoding="utf-8")) for p in PAGES)
    used = glossary.uses(prose, [a.term for a in abbreviations])
    unused = [a.term for a in abbreviations if not used[a.term]]
    assert not unused, f"defined in {glossary.ABBREVIATIONS.relative_to(ROOT)} but used on no page: {unused}"


def test_every_abbreviation_on_the_pages_is_defined(abbreviations):
    """Words that look like abbreviations get a tooltip, or are listed as names in glossary.NOT_ABBREVIATIONS."""
    terms = [a.term for a in abbreviations]
    missing = {}
    for path in PAGES:
        words = glossary.undefined_abbreviations(glossary.prose(path.read_text(encoding="utf-8")), terms)
        if words:
            missing[str(path.relative_to(ROOT))] = dict(words)
    assert not missing, f"define these in {glossary.ABBREVIATIONS.relative_to(ROOT)} (or list them as names): {missing}"


# The built site ---------------------------------------------------------------


def test_glossary_page_lists_every_abbreviation_in_order(built_site, abbreviations):
    tree = parse(html_path(built_site.site, "glossary.md"))
    rows = tree.xpath('//div[@class="glossary"]/table/tbody/tr')
    got = [(r.xpath("string(td[1]/dfn)"), r.xpath("string(td[2])")) for r in rows]
    expected = sorted(((a.term, a.meaning) for a in abbreviations), key=lambda t: (t[0].lower(), t[0]))
    assert got == expected
    assert not tree.xpath('//div[@class="glossary"]//abbr'), "no tooltip repeats the meaning beside it"
    assert "<!-- glossary -->" not in html_path(built_site.site, "glossary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_abbreviations_become_tooltips_without_breaking_the_page(built_site, abbreviations, page):
    """Each abbreviation a page uses is an <abbr title>; headings keep their ids, links and footnotes work."""
    source = page_path(page).read_text(encoding="utf-8")
    used = glossary.uses(glossary.prose(source), [a.term for a in abbreviations])
    path = html_path(built_site.site, page)
    tree = parse(path)
    content = tree.xpath('//article')[0]
    titles = {(a.text, a.get("title")) for a in content.iter("abbr")}
    focusable = [a.text for a in content.iter("abbr") if a.get("tabindex") == "0"]
    assert len(focusable) == len(set(focusable)), f"{page}: more than one tab stop per abbreviation"
    assert not content.xpath(".//a//abbr[@tabindex]"), f"{page}: a focusable abbreviation inside a link"
    for abbreviation in abbreviations:
        if used[abbreviation.term]:
            assert (abbreviation.term, abbreviation.meaning) in titles, f"{page}: no tooltip for {abbreviation.term}"
    assert "*[" not in content.text_content(), f"{page}: an abbreviation definition shows as text"
    # Explicit heading ids survive (some headings contain abbreviations).
    for heading_id in re.findall(r"^##+ .*\{#([\w-]+)\}\s*$", source, re.MULTILINE):
        assert content.xpath(f'.//*[self::h2 or self::h3][@id="{heading_id}"]'), f"{page}: lost #{heading_id}"
    # The sidebar table of contents shows plain text.
    for link in tree.xpath('//nav[contains(@class, "md-nav--secondary")]//a'):
        assert not link.xpath(".//abbr")
    # Every footnote reference still reaches its reference.
    ids = set(tree.xpath("//@id"))
    for href in content.xpath('.//a[contains(@class, "footnote-ref")]/@href'):
        assert href.startswith("#") and href[1:] in ids, f"{page}: footnote link {href} is dangling"


def test_broken_abbreviation_file_fails_the_build_naming_file_and_line(project_copy, tmp_path):
    target = project_copy / "docs" / "includes" / "abbreviations.md"
    target.write_text(target.read_text(encoding="utf-8") + "IMRT = radiotherapy\n", encoding="utf-8")
    line = len(target.read_text(encoding="utf-8").rstrip("\n").split("\n"))
    build = run_mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode != 0
    assert f"docs/includes/abbreviations.md:{line}: not an abbreviation definition" in build.log
