"""The built site's citations: cite box, section buttons, meta tags and downloads, read by independent parsers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from lxml import html as lxml_html
from pybtex.database import parse_string

from conftest import html_path, run_mkdocs_build
from livingreview.citing import anchors, records as citing
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.project import ROOT
from test_citing import render_csl_json

CONFIG = load_mkdocs_yaml(ROOT / "mkdocs.yml").data
REVIEW = citing.review_from_config(CONFIG["extra"], site_name=CONFIG["site_name"], site_url=CONFIG["site_url"])
PAGES = sorted(anchors.source_pages(ROOT))
SAMPLE = ["index.md", "sites/lung.md", "technologies/radiomics.md", "how-to-cite.md", "changelog.md"]
SLASH_DATE = re.compile(r"^\d{4}/\d{2}/\d{2}$")


def parse(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def meta(tree, name: str) -> list[str]:
    return tree.xpath(f'/html/head/meta[@name="{name}"]/@content')


def bib_name(person) -> str:
    """A pybtex person as the meta tags write it: "Family, Given", or a braced group name whole."""
    family = " ".join(person.prelast_names + person.last_names)
    given = " ".join(person.first_names + person.middle_names)
    return f"{family}, {given}" if given else family.strip("{}")


def download(site: Path, page: str, tree, ext: str) -> str:
    """The page's download of one format, found through its link in the cite box."""
    [href] = tree.xpath(f'//aside[@id="cite-this-page"]//a[contains(@class, "cite-download")]'
                        f'[@data-cite-format="{ext}"]/@href')
    page_file = html_path(site, page)
    return (page_file.parent / href).resolve().read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_cite_box_with_working_copy_buttons(built_site, page):
    tree = parse(html_path(built_site.site, page))
    [box] = tree.xpath('//aside[@id="cite-this-page"]')
    assert box.xpath('.//*[@id="cite-this-page-title"]')[0].text_content() == "Cite this page"
    for target in ("cite-ama", "cite-vancouver", "cite-bibtex"):
        text = " ".join(box.xpath(f'.//*[@id="{target}"]')[0].text_content().split())
        assert len(text) > 40, f"{target} is empty"
        [button] = box.xpath(f'.//button[contains(@class, "cite-copy")][@data-cite-target="{target}"]')
        assert button.get("type") == "button"
        assert button.get("aria-label", "").startswith("Copy") and button.text_content().strip() == "Copy"
    assert box.xpath('.//*[@id="cite-status"][@role="status"]')
    assert tree.xpath('//script[contains(@src, "javascripts/cite.js")]'), "copy script not loaded"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_version_and_its_dates(built_site, page):
    tree = parse(html_path(built_site.site, page))
    versions = {" ".join(v.text_content().split()) for v in tree.xpath('//*[contains(@class, "cite-version")]')}
    assert versions == {f"Version {REVIEW.version}"}
    assert tree.xpath('//p[@id="cite-jump"]//a[@href="#cite-this-page"]')
    assert tree.xpath('//aside[contains(@class, "md-source-file")]//time[@class="source-changed"]/@datetime')
    notice = " ".join(tree.xpath('//aside[contains(@class, "review-notice")]')[0].text_content().split())
    assert re.search(r"Literature searched through: \d{4}-\d{2}-\d{2}", notice)


def page_title(full: str) -> str:
    """The page's own title from the stored one ("Lung cancer — <review title>")."""
    return full.removesuffix(f" \u2014 {REVIEW.title}")


@pytest.mark.parametrize("page", PAGES)
def test_meta_tags_and_downloads_agree(built_site, page):
    """Highwire and Dublin Core tags carry the same title, authors, dates and URL as the three downloads."""
    tree = parse(html_path(built_site.site, page))
    title, = meta(tree, "citation_title")
    authors = meta(tree, "citation_author")
    date, = meta(tree, "citation_publication_date")
    online, = meta(tree, "citation_online_date")
    url, = meta(tree, "citation_fulltext_html_url")
    assert SLASH_DATE.match(date) and SLASH_DATE.match(online)
    # A citation points at this version's frozen copy; a plain build's canonical address is the unversioned
    # one (under mike, whose plugin puts the version into site_url, the two are the same: test_living).
    assert url.startswith(REVIEW.url)
    assert tree.xpath('/html/head/link[@rel="canonical"]/@href') == [url.replace(REVIEW.url, REVIEW.site, 1)]
    assert meta(tree, "citation_technical_report_institution") == [REVIEW.publisher]  # Zotero: a report
    assert meta(tree, "citation_technical_report_number") == [f"Version {REVIEW.version}"]
    assert not tree.xpath('/html/head/meta[contains(@name, "citation_journal_title")]')
    assert (meta(tree, "DC.title"), meta(tree, "DC.creator")) == ([title], authors)
    assert meta(tree, "DC.date") == [date.replace("/", "-")] and meta(tree, "DC.identifier") == [url]
    assert meta(tree, "DC.type") == [] and meta(tree, "DC.publisher") == [REVIEW.publisher]
    names = [a.rstrip(",") for a in authors]  # a group's name ends with a comma in the tags only

    bib = download(built_site.site, page, tree, "bib")
    entry = bibtexparser.parse_string(bib, append_middleware=[middlewares.LatexDecodingMiddleware()]).entries[0]
    persons = parse_string(bib, "bibtex").entries[entry.key].persons["author"]
    assert entry.entry_type == "techreport"
    assert entry["title"].replace("{", "").replace("}", "") == title
    assert [bib_name(person) for person in persons] == names
    assert entry["date"] == date.replace("/", "-") and entry["url"] == url
    assert entry["number"] == f"Version {REVIEW.version}"

    [ris] = rispy.loads(download(built_site.site, page, tree, "ris"))
    assert (ris["type_of_reference"], ris["title"], ris["authors"]) == ("RPRT", title, authors)
    assert (ris["date"], ris["urls"]) == (date, [url])

    items = json.loads(download(built_site.site, page, tree, "json"))
    [item] = items
    assert (item["type"], item["title"], item["URL"]) == ("report", title, url)
    assert [a.get("literal") or f"{a['family']}, {a['given']}" for a in item["author"]] == names
    assert "/".join(f"{n:02d}" for n in item["issued"]["date-parts"][0]) == date
    assert "/".join(f"{n:02d}" for n in item["original-date"]["date-parts"][0]) == online
    assert item["collection-title"] == REVIEW.title and item["version"] == REVIEW.version
    assert item["number"] == f"Version {REVIEW.version}"
    if page != "index.md":
        assert item["container-title"] == REVIEW.title and title == f"{page_title(title)} \u2014 {REVIEW.title}"
    [rendered] = render_csl_json(items)
    assert url in rendered


def zotero_embedded_metadata(tree) -> dict[str, object]:
    """What Zotero's Embedded Metadata translator saves from a page's Highwire tags, reduced to the rules
    that matter here: a `citation_technical_report_*` tag makes the item a report; each citation_author
    is split at its first comma into last and first name ("Doe, Jane"), a name without a comma at its last
    space; citation_technical_report_number is the report number."""
    def creator(value: str) -> tuple[str, str]:
        if "," in value:
            last, first = value.split(",", 1)
            return last.strip(), first.strip()
        first, _, last = value.rpartition(" ")
        return last, first

    report = bool(meta(tree, "citation_technical_report_institution") or
                  meta(tree, "citation_technical_report_number"))
    return {"itemType": "report" if report else "journalArticle",
            "title": meta(tree, "citation_title")[0],
            "creators": [creator(a) for a in meta(tree, "citation_author")],
            "reportNumber": (meta(tree, "citation_technical_report_number") or [""])[0],
            "institution": (meta(tree, "citation_technical_report_institution") or [""])[0],
            "url": meta(tree, "citation_fulltext_html_url")[0]}


@pytest.mark.parametrize("page", SAMPLE)
def test_zotero_saves_a_report_naming_the_review_its_version_and_one_group_author(built_site, page):
    item = zotero_embedded_metadata(parse(html_path(built_site.site, page)))
    assert item["itemType"] == "report"
    assert REVIEW.title in str(item["title"])  # the review's name survives: no series field in a report
    assert item["reportNumber"] == f"Version {REVIEW.version}"
    assert item["institution"] == REVIEW.publisher
    # The default author is a group: one creator with the whole name, not "Contributors, Living Review".
    assert item["creators"] == [("Living Review Contributors", "")]
    assert f"/{REVIEW.version}/" in str(item["url"])


@pytest.mark.parametrize("page", SAMPLE)
def test_alternate_links_point_to_the_downloads(built_site, page):
    tree = parse(html_path(built_site.site, page))
    links = {link.get("type"): link.get("href") for link in tree.xpath('/html/head/link[@rel="alternate"]')
             if link.get("type") in citing.MEDIA_TYPES.values()}
    assert set(links) == set(citing.MEDIA_TYPES.values())
    page_file = html_path(built_site.site, page)
    for ext, media_type in citing.MEDIA_TYPES.items():
        target = (page_file.parent / links[media_type]).resolve()
        # In the site's root folder, where Material's script finds the sitemap.xml it looks for next to it.
        assert target.parent == built_site.site.resolve() and (target.parent / "sitemap.xml").is_file()
        assert target.read_text(encoding="utf-8") == download(built_site.site, page, tree, ext)


def test_no_doi_appears_while_none_is_configured(built_site):
    assert REVIEW.doi is None, "a DOI is configured: this test guards the empty placeholder"
    downloads = [p for ext in citing.MEDIA_TYPES for p in built_site.site.glob(f"{REVIEW.key}*.{ext}")]
    # every page; the home page's downloads are the whole review's
    assert len(downloads) == 3 * len(PAGES)
    for path in downloads:
        assert "doi" not in path.read_text(encoding="utf-8").lower(), path
    tree = parse(html_path(built_site.site, "sites/lung.md"))
    assert not meta(tree, "citation_doi")


@pytest.mark.parametrize("page", SAMPLE)
def test_each_section_heading_copies_a_citation_of_that_section(built_site, page):
    tree = parse(html_path(built_site.site, page))
    url, = meta(tree, "citation_fulltext_html_url")
    title = page_title(meta(tree, "citation_title")[0])
    expected = [i for i in anchors.heading_ids((ROOT / "docs" / page).read_text(encoding="utf-8"))
                if tree.xpath(f'//article//h2[@id="{i}"]')]
    assert expected, "sample page without sections"
    for anchor in expected:
        [heading] = tree.xpath(f'//article//h2[@id="{anchor}"]')
        assert heading.xpath('./a[@class="headerlink"]/@href') == [f"#{anchor}"]  # toc permalink
        [button] = heading.xpath('./button[contains(@class, "cite-copy--section")]')
        heading_text = " ".join("".join(heading.xpath("./text() | ./*[not(self::a or self::button)]//text()")).split())
        assert button.get("data-cite-target") == anchor
        assert button.get("aria-label") == f"Copy a citation of the section \u201c{heading_text}\u201d"
        text = button.get("data-cite-text").replace("\u2019", "'")  # pandoc's typographic apostrophes
        assert text.endswith(f"{url}#{anchor}") and f"{title} \u2014 {heading_text}" in text


def test_how_to_cite_gives_the_whole_review(built_site):
    tree = parse(html_path(built_site.site, "how-to-cite.md"))
    [block] = tree.xpath('//div[@id="cite-the-review"]')
    ama = " ".join(block.xpath('.//*[@id="cite-review-ama"]')[0].text_content().split())
    assert REVIEW.title in ama and REVIEW.url in ama
    bib = block.xpath('.//*[@id="cite-review-bibtex"]')[0].text_content()
    assert parse_string(bib, "bibtex").entries[REVIEW.key].fields["number"] == f"Version {REVIEW.version}"
    for href in block.xpath('.//a[contains(@class, "cite-download")]/@href'):
        assert (html_path(built_site.site, "how-to-cite.md").parent / href).resolve().is_file()
    nav = " ".join(tree.xpath('//nav[contains(@class, "md-nav--primary")]')[0].text_content().split())
    assert "How to cite" in nav and "Changelog" in nav


def test_404_page_has_no_cite_box(built_site):
    text = (built_site.site / "404.html").read_text(encoding="utf-8")
    assert 'id="cite-this-page"' not in text and "citation_title" not in text


@pytest.mark.slow
def test_a_copy_without_git_builds_and_a_renamed_page_redirects(project_copy, tmp_path):
    """No .git (a tarball): the revision dates fall back to the build date; the old address redirects."""
    assert not (project_copy / ".git").exists()
    (project_copy / "docs" / "sites" / "lung.md").rename(project_copy / "docs" / "sites" / "lung-cancer.md")
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("sites/lung.md", "sites/lung-cancer.md")
    config.write_text(text.replace("redirect_maps: {}", "redirect_maps:\n        sites/lung.md: sites/lung-cancer.md"),
                      encoding="utf-8")
    # Other pages link to the old path; point them to the new one as an author would.
    for page in (project_copy / "docs").rglob("*.md"):
        page.write_text(page.read_text(encoding="utf-8").replace("lung.md", "lung-cancer.md"), encoding="utf-8")
    build = run_mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.log[-3000:]
    assert "WARNING" not in build.log
    redirect = (tmp_path / "site" / "sites" / "lung" / "index.html").read_text(encoding="utf-8")
    assert "lung-cancer/" in redirect
    tree = parse(tmp_path / "site" / "sites" / "lung-cancer" / "index.html")
    assert tree.xpath('//time[@class="source-changed"]/@datetime')
    assert not anchors.check_anchors(project_copy)
