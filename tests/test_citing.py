"""Citation records and their formats, without MkDocs: each format read back by an independent parser."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string

from livingreview.citing import page_html as citing_html, records as citing, styles as citing_styles
from livingreview.core.digest_cache import DigestCache
from livingreview.core.project import find_csl

DAY = datetime.date(2026, 11, 27)
LATER = datetime.date(2027, 2, 3)


SETTINGS = {"version": "0.1.0", "released": DAY, "publisher": "Living Review Contributors",
            "authors": ["Living Review Contributors"], "doi": "", "key": "prt-living-review"}


def review(**overrides) -> citing.Review:
    return citing.review_from_config({"review": {**SETTINGS, **overrides}}, site_name="Personalized RT: A Living Review",
                                     site_url="https://example.org/review")


def page(meta: dict | None = None, the_review: citing.Review | None = None, **kwargs) -> citing.CitationRecord:
    front = {"title": "Lung cancer", "updated": LATER, "literature_searched": "2027-01-31"}
    front.update(meta or {})
    return citing.page_record(the_review or review(), src_uri="sites/lung.md", url="sites/lung/", meta=front,
                              **kwargs)


# --- Configuration ----------------------------------------------------------------

@pytest.mark.parametrize("setting, value, message", [
    ("version", "1.0", "extra.review.version"),
    ("version", "", "extra.review.version"),
    ("publisher", "", "extra.review.publisher"),
    ("released", "27/11/2026", "extra.review.released"),
    ("doi", "zenodo-1234", "extra.review.doi"),
    ("authors", [], "extra.review.authors"),
    ("authors", "Jane Doe", "extra.review.authors"),
    ("key", "Has Spaces", "extra.review.key"),
])
def test_bad_review_settings_name_the_key(setting, value, message):
    with pytest.raises(citing.CitingConfigError, match=message.replace(".", r"\.")):
        review(**{setting: value})


def test_missing_review_block_and_site_url_are_reported():
    with pytest.raises(citing.CitingConfigError, match="extra: review:"):
        citing.review_from_config({}, site_name="x", site_url="https://x.org/")
    with pytest.raises(citing.CitingConfigError, match="site_url"):
        citing.review_from_config({"review": {"version": "0.1.0", "released": DAY, "publisher": "p",
                                              "authors": ["p"], "key": "k"}}, site_name="x", site_url=None)


@pytest.mark.parametrize("placeholder", ["", "   ", None])
def test_an_empty_doi_placeholder_is_no_doi_anywhere(placeholder):
    record = page(the_review=review(doi=placeholder))
    assert record.doi is None
    outputs = [*citing.downloads(record).values(), json.dumps(citing.highwire_tags(record)),
               json.dumps(citing.dublin_core_tags(record)), json.dumps(citing.csl_item(record, display=True))]
    for output in outputs:
        assert "doi" not in output.lower().replace("doi.org", "")  # no field, tag or key named DOI


@pytest.mark.parametrize("written", ["10.5281/zenodo.1234567", "https://doi.org/10.5281/zenodo.1234567",
                                     "doi:10.5281/zenodo.1234567"])
def test_a_configured_doi_reaches_every_format(written):
    record = page(the_review=review(doi=written))
    assert record.doi == "10.5281/zenodo.1234567"
    assert parse_string(citing.to_bibtex(record), "bibtex").entries[record.key].fields["doi"] == record.doi
    assert rispy.loads(citing.to_ris(record))[0]["doi"] == record.doi
    assert json.loads(citing.to_csl_json(record))[0]["DOI"] == record.doi
    assert ("citation_doi", record.doi) in citing.highwire_tags(record)
    assert ("DC.identifier", f"https://doi.org/{record.doi}") in citing.dublin_core_tags(record)
    # The formatted text of a page keeps its own URL: the DOI names the whole review.
    assert "DOI" not in citing.csl_item(record, display=True)
    assert citing.csl_item(citing.review_record(review(doi=written)), display=True)["DOI"] == record.doi


# --- Records -----------------------------------------------------------------------------

def test_names_people_with_a_comma_groups_without():
    assert citing.parse_name("Doe,  Jane A.") == citing.Name(family="Doe", given="Jane A.")
    assert citing.parse_name("Living Review Contributors") == citing.Name(literal="Living Review Contributors")
    assert citing.parse_name("Doe, Jane").csl() == {"family": "Doe", "given": "Jane"}


def test_page_record_takes_the_page_authors_else_the_sites():
    assert [n.display for n in page().authors] == ["Living Review Contributors"]
    assert [n.display for n in page({"authors": ["Doe, Jane", "Roe, Rick"]}).authors] == ["Doe, Jane", "Roe, Rick"]


def test_page_record_fields():
    record = page(published=DAY)
    assert record.key == "prt-living-review-sites-lung"
    assert record.title == "Lung cancer"
    assert record.container == "Personalized RT: A Living Review"
    assert record.url == "https://example.org/review/0.1.0/sites/lung/"  # the version's frozen copy
    assert (record.published, record.updated, record.literature_searched) == (DAY, LATER, datetime.date(2027, 1, 31))
    assert page().published == LATER  # not yet in published/anchors.json: its own date


def test_page_record_without_title_or_date_names_the_file():
    with pytest.raises(citing.CitingConfigError, match=r"docs/sites/lung\.md.*title"):
        page({"title": ""})
    with pytest.raises(citing.CitingConfigError, match=r"docs/sites/lung\.md.*updated"):
        page({"updated": "soon"})


def test_home_page_url_is_the_versions_address():
    home = citing.page_record(review(), src_uri="index.md", url="./", meta={"title": "Home", "updated": DAY})
    assert home.url == "https://example.org/review/0.1.0/"


def test_a_build_under_mike_does_not_add_the_version_twice():
    """mike's plugin appends the version to site_url for its build; the address stays <site>/<version>/."""
    under_mike = citing.review_from_config({"review": SETTINGS}, site_name="Site", site_url="https://example.org/review/0.1.0")
    assert (under_mike.url, under_mike.site) == ("https://example.org/review/0.1.0/", "https://example.org/review/")


def test_keys_of_home_and_nested_index_pages():
    the_review = review()
    assert citing.page_key(the_review, "index.md") == "prt-living-review-home"
    assert citing.page_key(the_review, "sites/index.md") == "prt-living-review-sites"


def test_section_record_is_the_page_at_its_anchor():
    section = citing.section_record(page(), "dose-escalation", "Dose escalation")
    assert section.url == "https://example.org/review/0.1.0/sites/lung/#dose-escalation"
    assert section.title == "Lung cancer \u2014 Dose escalation"
    assert section.key == "prt-living-review-sites-lung--dose-escalation"


def test_downloads_sit_in_the_site_root_named_by_key():
    assert citing.download_uri(page(), "bib") == "prt-living-review-sites-lung.bib"
    assert set(citing.downloads(page())) == set(citing.MEDIA_TYPES) == {"bib", "ris", "json"}


# --- Formats, read back by other parsers ---------------------------------------------------

PEOPLE = {"authors": ["Doe, Jane", "Smith, John A.", "Living Review Contributors"]}
AWKWARD_TITLE = "PET & MRI: 50% {fewer} re_plans, $0 cost ~ Ödem"


def test_bibtex_reads_back_with_bibtexparser_and_pybtex():
    record = page({**PEOPLE, "title": AWKWARD_TITLE})
    text = citing.to_bibtex(record)
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks
    entry = library.entries[0]
    assert (entry.entry_type, entry.key) == ("techreport", record.key)
    full = f"{AWKWARD_TITLE} \u2014 {record.container}"  # a report has no series: the title names the review
    assert entry["title"].replace("{", "").replace("}", "") == full.replace("{", "").replace("}", "")
    assert entry["year"] == "2027" and entry["date"] == "2027-02-03" and entry["number"] == "Version 0.1.0"
    assert entry["url"] == record.url
    persons = parse_string(text, "bibtex").entries[record.key].persons["author"]
    assert [(p.last_names, p.first_names) for p in persons] == [
        (["Doe"], ["Jane"]), (["Smith"], ["John"]), (["{Living Review Contributors}"], [])]


def test_ris_reads_back_with_rispy():
    record = page({**PEOPLE, "title": AWKWARD_TITLE})
    [entry] = rispy.loads(citing.to_ris(record))
    assert entry["type_of_reference"] == "RPRT"
    assert entry["title"] == f"{AWKWARD_TITLE} \u2014 {record.container}"
    assert entry["secondary_title"] == record.container
    # A group's name ends with a comma: Zotero's RIS import splits at the comma, so it stays one last name.
    assert entry["authors"] == ["Doe, Jane", "Smith, John A.", "Living Review Contributors,"]
    assert (entry["year"], entry["date"]) == ("2027", "2027/02/03")
    assert entry["urls"] == [record.url]
    assert entry["publisher"] == "Living Review Contributors"


def render_csl_json(items: list[dict], style: str = "american-medical-association.csl") -> list[str]:
    """Format CSL-JSON with citeproc-py (a CSL processor independent of pandoc)."""
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(CitationStylesStyle(str(find_csl(style)), validate=False), source,
                                              formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_csl_json_renders_with_citeproc_py():
    record = page(PEOPLE)
    items = json.loads(citing.to_csl_json(record))
    assert items[0]["type"] == "report"
    [text] = render_csl_json(items)
    assert "Doe J, Smith JA, Living Review Contributors" in text
    assert "Lung Cancer" in text and "2027" in text and record.url in text


def test_highwire_tags_make_zotero_file_a_report():
    """What Zotero's Embedded Metadata translator decides: a type tag for report, none for another type."""
    names = [name for name, _ in citing.highwire_tags(page(PEOPLE))]
    assert "citation_technical_report_institution" in names  # -> itemType "report"
    other_types = {"citation_journal_title", "citation_conference_title", "citation_conference",
                   "citation_book_title", "citation_inbook_title", "citation_dissertation_institution"}
    assert not other_types & set(names)
    assert names.count("citation_author") == 3
    tags = dict(citing.highwire_tags(page()))
    assert tags["citation_publication_date"] == "2027/02/03"


def test_dublin_core_tags():
    tags = citing.dublin_core_tags(page(PEOPLE))
    assert [v for k, v in tags if k == "DC.creator"] == ["Doe, Jane", "Smith, John A.", "Living Review Contributors,"]
    assert dict(tags)["DC.date"] == "2027-02-03" and "DC.type" not in dict(tags)  # Zotero would take "Text" as type


# --- Formatted text: batched pandoc, cache -----------------------------------------------

def records_for_batch() -> list[citing.CitationRecord]:
    base = page()
    pages = [citing.page_record(review(), src_uri=f"sites/p{i}.md", url=f"sites/p{i}/",
                                meta={"title": f"Page {i}", "updated": DAY}) for i in range(5)]
    return pages + [citing.section_record(base, f"s{i}", f"Section {i}") for i in range(5)]


def test_all_records_go_to_pandoc_in_one_call_per_style(tmp_path: Path):
    calls: list[tuple[str, int]] = []

    def counting_run(items, csl):
        calls.append((csl.name, len(items)))
        return citing_styles.run_pandoc(items, csl)

    records = records_for_batch()
    cache = DigestCache(tmp_path / "citing.json")
    formatted, runs = citing_styles.format_records(records, cache, run=counting_run)
    assert runs == 2 and sorted(calls) == [("american-medical-association.csl", 10), ("nlm-citation-sequence.csl", 10)]
    assert formatted["ama"][records[0].key].text == ("Living Review Contributors. Page 0. Personalized RT: A Living "
                                                     "Review. November 27, 2026. https://example.org/review/0.1.0/sites/p0/")
    assert "Available from: https://example.org/review/0.1.0/sites/p0/" in formatted["vancouver"][records[0].key].text
    assert "#s3" in formatted["ama"][records[-2].key].text

    calls.clear()
    again, runs = citing_styles.format_records(records, DigestCache(tmp_path / "citing.json"), run=counting_run)
    assert runs == 0 and calls == []  # warm cache on disk: no pandoc at all
    assert again["ama"][records[0].key] == formatted["ama"][records[0].key]

    changed = [citing.page_record(review(), src_uri="sites/p0.md", url="sites/p0/",
                                  meta={"title": "Page zero", "updated": DAY}), *records[1:]]
    citing_styles.format_records(changed, DigestCache(tmp_path / "citing.json"), run=counting_run)
    assert sorted(calls) == [("american-medical-association.csl", 1), ("nlm-citation-sequence.csl", 1)]


def test_the_styles_pandoc_runs_go_side_by_side(tmp_path: Path):
    """Each style's run waits until the other has started: run one after the other, they would never meet."""
    import threading

    both_running = threading.Barrier(2, timeout=10)

    def meeting_run(items, csl):
        both_running.wait()  # BrokenBarrierError after 10 s if the other style's run is not going
        return {item["id"]: f"{csl.name} {item['id']}" for item in items}

    formatted, runs = citing_styles.format_records(records_for_batch(), DigestCache(None), run=meeting_run)
    assert runs == 2 and set(formatted) == {"ama", "vancouver"}


def test_a_record_pandoc_drops_is_an_error(tmp_path: Path):
    with pytest.raises(RuntimeError, match="returned no citation"):
        citing_styles.format_records(records_for_batch(), DigestCache(tmp_path / "c.json"), run=lambda i, c: {})


def test_parse_pandoc_html_strips_numbers_and_keeps_links():
    output = ('<div id="refs" class="references csl-bib-body" role="list">\n'
              '<div id="ref-a" class="csl-entry" role="listitem">\n<div class="csl-left-margin">1. </div>'
              '<div class="csl-right-inline">Doe J. <em>T</em>. <a href="https://x.org/">https://x.org/</a></div>\n'
              '</div>\n<div id="ref-b" class="csl-entry" role="listitem">\nRoe R. U.\n</div>\n</div>\n')
    parsed = citing_styles.parse_pandoc_html(output)
    assert parsed == {"a": 'Doe J. <em>T</em>. <a href="https://x.org/">https://x.org/</a>', "b": "Roe R. U."}
    assert citing_styles.Formatted(parsed["a"]).text == "Doe J. T. https://x.org/"


# --- Section buttons --------------------------------------------------------------------

def test_section_buttons_go_into_the_cited_headings_only():
    content = ('<h2 id="a">A<a class="headerlink" href="#a">&para;</a></h2><p>x</p>'
               '<h2 id="references">References</h2><h3 id="c">C</h3>')
    sections = {"a": citing_html.SectionCitation("a", "A & co", 'Cite "A" https://x.org/#a')}
    out = citing_html.add_section_buttons(content, sections)
    assert out.count("cite-copy--section") == 1
    assert 'data-cite-target="a"' in out and 'data-cite-text="Cite &quot;A&quot; https://x.org/#a"' in out
    assert 'aria-label="Copy a citation of the section \u201cA &amp; co\u201d"' in out
    assert out.index("cite-copy--section") < out.index("</h2>")
    assert citing_html.add_section_buttons(out, sections) == out  # applied twice: still one button
