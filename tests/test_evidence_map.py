"""Evidence map: site x technology counts and references by year, generated from bib/ at build time.

Stable selectors: see the docstring of scripts/livingreview/reader/evidence_map.py.
"""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from conftest import html_path
from livingreview.reader import evidence_map as em
from livingreview.references.verification import is_checked
from livingreview.core.html_slots import HtmlSlots
from livingreview.references.bibliography import Entry
from livingreview.core.project import DOCS

STYLESHEET = DOCS / "stylesheets" / "reader.css"


def entry(key: str, keywords: str, year: str = "2020", title: str = "A title", author: str = "Doe, Jane") -> Entry:
    return Entry(key, "article", {"keywords": keywords, "year": year, "title": title, "author": author}, "t.bib", 1)


ENTRIES = [
    entry("a", "site:lung, tech:proton, type:rct", "2018"),
    entry("b", "site:lung, site:esophageal, tech:proton, tech:imaging", "2020"),
    entry("c", "site:lung, type:review", "2020"),
    entry("d", "tech:radiomics", "2015"),
    entry("e", "type:methods", ""),
]


def fragment(markup: str):
    return lxml_html.fragment_fromstring(markup, create_parent="div")


# The plain module ------------------------------------------------------------


def test_cells_count_an_entry_in_every_cell_it_is_tagged_for():
    grid = em.cells(ENTRIES)
    assert [e.key for e in grid[("lung", "proton")]] == ["a", "b"]
    assert [e.key for e in grid[("esophageal", "proton")]] == ["b"]
    assert [e.key for e in grid[("esophageal", "imaging")]] == ["b"]
    assert [e.key for e in grid[("lung", "none")]] == ["c"]  # a site, no technology
    assert [e.key for e in grid[("none", "radiomics")]] == ["d"]  # a technology, no site
    assert [e.key for e in grid[("none", "none")]] == ["e"]
    assert grid[("prostate", "proton")] == []


@pytest.mark.parametrize("count, level", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (40, 4)])
def test_shading_levels(count, level):
    assert em.level(count) == level


def test_count_labels_read_as_sentences():
    lung, proton = em.SITES[1], em.TECHS[5]
    assert (lung.heading, proton.heading) == ("Lung cancer", "Proton therapy")
    assert em.count_label(3, lung, proton) == "3 references on lung cancer and proton therapy"
    assert em.count_label(1, lung, proton) == "1 reference on lung cancer and proton therapy"
    assert em.count_label(2, lung, None) == "2 references on lung cancer in all"
    assert em.count_label(1, lung, em.TECHS[-1]) == "1 reference on lung cancer without a technology keyword"
    assert em.count_label(4, em.SITES[-1], proton) == "4 references not specific to one cancer site, on proton therapy"


def test_map_table_is_an_accessible_table():
    table = fragment(em.map_table(ENTRIES)).xpath("//table")[0]
    assert "evidence-map" in table.get("class")
    assert table.xpath("caption") and table.xpath("caption")[0].text_content().strip()
    assert len(table.xpath("thead/tr/th[@scope='col']")) == len(em.TECHS) + 2
    assert [th.text_content() for th in table.xpath("tbody/tr/th[@scope='row']")] == [s.heading for s in em.SITES]
    links = table.xpath(".//a[@class='evidence-map__count']")
    assert links, "no count is a link"
    for link in links:
        assert link.get("aria-label").startswith(link.text + " reference"), link.get("aria-label")
    lung_proton = table.xpath(".//a[@href='#map-lung-proton']")[0]
    assert (lung_proton.text, lung_proton.get("aria-label")) == ("2", "2 references on lung cancer and proton therapy")
    zero_cells = table.xpath(".//td[contains(@class, 'level-0')]")
    assert zero_cells and all(td.text == "0" and not td.xpath(".//a") for td in zero_cells)


def test_every_count_link_has_a_list_to_land_on():
    table = fragment(em.map_table(ENTRIES))
    markdown_lists: dict[str, str] = {}
    lists = em.cell_lists(ENTRIES, "../references/", markdown_lists)
    ids = set(re.findall(r"\{#([\w-]+)\}", lists))
    targets = {href[1:] for href in table.xpath("//a/@href")}
    assert targets and targets <= ids, targets - ids
    # Each cell heading is followed by the slot of its list, converted apart from the page.
    cell_headings = re.findall(r"^#### .*\{#([\w-]+)\}\n\n(.*)$", lists, flags=re.MULTILINE)
    assert cell_headings and all(slot == f"<!-- livingreview-slot: evidence map {cell} -->"
                                 for cell, slot in cell_headings)
    assert [HtmlSlots.slot(name) for name in markdown_lists] == [slot for _, slot in cell_headings]
    assert any("- [Doe 2018](../references/#ref-a): A title." in b for b in markdown_lists.values())


def test_titles_are_literal_markdown():
    item = em.entry_item(entry("k", "site:lung", title="{PET} *and* [CT] <b>x</b> a_b: why?"), "../references.md")
    assert item == r"- [Doe 2020](../references.md#ref-k): PET \*and\* \[CT\] &lt;b&gt;x&lt;/b&gt; a\_b: why?"


def test_year_counts_fill_the_gaps_and_count_undated_entries():
    counts, undated = em.year_counts(ENTRIES)
    assert counts == {2015: 1, 2016: 0, 2017: 0, 2018: 1, 2019: 0, 2020: 2}
    assert undated == 1


def test_year_chart_is_an_image_with_title_description_and_table():
    root = fragment(em.year_chart(ENTRIES))
    svg = root.xpath("//svg")[0]
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    assert [svg.xpath(f".//*[@id='{i}']")[0].tag for i in labelled_by] == ["title", "desc"]
    desc = svg.xpath(".//desc")[0].text
    assert "from 2015 to 2020" in desc and "1 entry has no year" in desc
    bars = svg.xpath(".//rect[@class='year-chart__bar']")
    assert [(b.get("data-year"), b.get("data-count")) for b in bars] == [("2015", "1"), ("2018", "1"), ("2020", "2")]
    heights = {b.get("data-year"): float(b.get("height")) for b in bars}
    assert heights["2020"] == pytest.approx(2 * heights["2015"])
    rows = root.xpath("//details[@class='year-chart__data']//tbody/tr")
    table = [(r.xpath("string(th)"), r.xpath("string(td)")) for r in rows]
    assert table == [("2015", "1"), ("2018", "1"), ("2020", "2")]


def test_year_chart_without_years_says_so():
    assert "No entry has a publication year" in em.year_chart([entry("x", "", "")])


# Colours: WCAG AA in both colour schemes ----------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def scheme_colours(css: str) -> dict[str, dict[str, str]]:
    """The --em-* custom properties of the light block and of the slate block."""
    out: dict[str, dict[str, str]] = {"light": {}, "slate": {}}
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        defined = dict(re.findall(r"(--em-[\w-]+):\s*(#[0-9a-fA-F]{6})", body))
        out["slate" if "slate" in selector else "light"].update(defined)
    return out


def test_contrast_helper_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "slate"])
def test_map_and_chart_colours_pass_wcag_aa(scheme):
    colours = scheme_colours(STYLESHEET.read_text(encoding="utf-8"))[scheme]
    for n in range(len(em.LEVELS)):
        fg, bg = colours[f"--em-l{n}-fg"], colours[f"--em-l{n}-bg"]
        assert contrast(fg, bg) >= 4.5, f"{scheme} level {n}: {fg} on {bg} is {contrast(fg, bg):.2f}:1"
    page = colours["--em-page-bg"]
    assert contrast(colours["--em-text"], page) >= 4.5, "chart text"
    assert contrast(colours["--em-bar"], page) >= 3, "bars (graphical object, WCAG 1.4.11)"
    assert contrast(colours["--em-l0-bg"], page) < 1.1, "an empty cell looks like the page"


# The built site ---------------------------------------------------------------


@pytest.fixture(scope="module")
def page(built_site):
    return lxml_html.fromstring(html_path(built_site.site, "evidence-map.md").read_text(encoding="utf-8"))


def test_built_map_counts_match_the_bibliography(page, bibliography):
    """Every count is the number of checked entries of its cell: unverified records are not evidence."""
    entries = [e for e in bibliography.by_key().values() if is_checked(e.fields)]
    grid = em.cells(entries)
    for site in em.SITES:
        for tech in em.TECHS:
            cell = page.xpath(f"//table[@class='evidence-map']//a[@href='#{em.cell_id(site.slug, tech.slug)}']")
            expected = len(grid[(site.slug, tech.slug)])
            assert (int(cell[0].text) if cell else 0) == expected, (site.slug, tech.slug)
    assert "<!-- evidence-map -->" not in lxml_html.tostring(page, encoding="unicode")


def test_built_map_links_land_on_lists_of_real_entries(built_site, page, bibliography):
    ids = set(page.xpath("//@id"))
    hrefs = page.xpath("//table[@class='evidence-map']//a/@href")
    assert hrefs and all(h[1:] in ids for h in hrefs), [h for h in hrefs if h[1:] not in ids]
    references = lxml_html.fromstring(html_path(built_site.site, "references.md").read_text(encoding="utf-8"))
    reference_ids = set(references.xpath("//@id"))
    links = page.xpath("//a[contains(@href, '#ref-')]/@href")
    assert len({h.split("#ref-")[1] for h in links}) == len(bibliography.by_key())
    for href in links:
        assert href.startswith("../references/"), href
        assert href.split("#")[1] in reference_ids, href


def test_built_chart_is_inline_svg_without_scripts(page):
    svg = page.xpath("//figure[@class='year-chart']/svg[@role='img']")
    assert svg and svg[0].xpath("title") and svg[0].xpath("desc")
    assert not page.xpath("//figure[@class='year-chart']//script")
    assert not page.xpath("//figure[@class='year-chart']//*[@href or @src]"), "the chart loads nothing"
