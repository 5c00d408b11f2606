"""Evidence as data: study records, key-studies tables and timelines, the downloadable dataset, particles,
the evidence map counting checked records only, and the maintainer's report."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import jsonschema
import pytest
from lxml import html as lxml_html

from conftest import SITE_PAGES, TECHNOLOGY_PAGES, html_path
from livingreview.checks.sources import load_sources
from livingreview.core.project import ROOT
from livingreview.evidence import dataset, tables, timeline
from livingreview.evidence.schema import DATASET_FIELDS, DATASET_SCHEMA, DESIGNS
from livingreview.evidence.studies import parse_studies
from livingreview.references.bibliography import Entry
from livingreview.references.names import brace_particles, short_name, split_authors
from livingreview.references.verification import is_checked

RECORD = """- key: doe2020
  name: DOE
  design: phase-3-rct
  patients: 420
  population: Adults with invented tumours
  intervention: Fewer fractions
  comparator: More fractions
  primary_endpoint: Local control at 5 years
  result: "Local control 91% vs 90% at 5 years (HR 0.95, 95% CI 0.7-1.3)"
"""


def entry(key: str, **fields: str) -> Entry:
    base = {"author": "{van Hagen}, P. and Roe, R.", "title": "A trial", "journal": "J Test", "year": "2020",
            "keywords": "site:lung, tech:fractionation, type:rct", "verification": "seen-in-sources",
            "verification_source": "Invented", "verification_date": "2026-01-01", "doi": "10.1000/x"}
    return Entry(key, "article", {**base, **fields}, "bib/x.bib", 1)


# --- records --------------------------------------------------------------------


def test_a_sound_record_is_read_with_its_lines():
    studies = parse_studies(RECORD, "bib/studies.yaml")
    assert not studies.findings
    [study] = studies.studies
    assert (study.key, study.patients, study.design_label, study.line_of("patients")) == ("doe2020", 420, "Phase 3 RCT", 4)


@pytest.mark.parametrize("change, line, words", [
    (("patients: 420", "patients: -3"), 4, "at least 1"),
    (("design: phase-3-rct", "design: trial"), 3, "not one of"),
    (("  comparator: More fractions\n", ""), 1, "lacks the field 'comparator'"),
    (("patients: 420", "patients: null"), 4, "null only for a guideline"),
    (("design: phase-3-rct", "design: guideline"), 4, "write patients: null"),
    (("  name: DOE\n", "  name: DOE\n  colour: red\n"), 1, "unknown field"),
])
def test_a_broken_record_is_a_finding_at_its_line(change, line, words):
    studies = parse_studies(RECORD.replace(*change), "bib/studies.yaml")
    assert not studies.studies
    assert [(f.line, f.check) for f in studies.findings] == [(line, "study-record")], studies.findings
    assert words in studies.findings[0].message


def test_not_yaml_and_not_a_list_are_findings_not_tracebacks():
    assert parse_studies("- key: [unclosed\n", "s.yaml").findings[0].check == "study-record"
    assert "YAML list" in parse_studies("key: doe2020\n", "s.yaml").findings[0].message


# --- tables and timeline ------------------------------------------------------------


def test_a_page_shows_only_checked_studies_it_cites_with_its_facet():
    studies = {s.key: s for s in parse_studies(RECORD + RECORD.replace("doe2020", "roe2021").replace(
        "- key", "\n- key", 1) + RECORD.replace("doe2020", "zed2022"), "s").studies}
    entries = {"doe2020": entry("doe2020"), "roe2021": entry("roe2021", verification="unverified"),
               "zed2022": entry("zed2022", keywords="site:prostate, type:rct")}
    shown = tables.page_studies("site:lung", ["zed2022", "roe2021", "doe2020"], studies, entries)
    assert [s.key for s, _ in shown] == ["doe2020"]  # roe2021 unchecked, zed2022 another site
    assert tables.page_studies("site:lung", [], studies, entries) == []


def test_table_rows_link_to_the_reference_and_the_annotated_entry():
    [study] = parse_studies(RECORD, "s").studies
    html = tables.key_studies_markdown("site:lung", [(study, entry("doe2020"))], "../../references/", "../../data/")
    assert html.startswith("## Key studies {#key-studies}")
    row = re.search(r'<tr class="key-studies__row" id="study-doe2020">.*?</tr>', html, re.S)[0]
    assert 'href="#fn:doe2020"' in row and 'href="../../references/#ref-doe2020"' in row
    assert 'data-label="Patients" data-sort="420">420<' in row and "<em>versus</em>" in row
    assert 'href="../../data/studies.csv"' in html and "<script" not in html


def test_timeline_places_each_study_by_year_and_design_and_links_to_its_row():
    [study] = parse_studies(RECORD, "s").studies
    guideline = parse_studies(RECORD.replace("doe2020", "gui2018").replace("design: phase-3-rct", "design: guideline")
                              .replace("patients: 420", "patients: null"), "s").studies[0]
    svg = timeline.timeline_svg([(study, 2020), (guideline, 2018)])
    assert svg.count('class="study-timeline__link"') == 2 and 'href="#study-doe2020"' in svg
    assert 'data-patients="420"' in svg and 'class="study-timeline__guideline"' in svg
    assert "<title" in svg and "<desc" in svg and "Phase 3 RCT" in svg and "Guideline" in svg
    assert "2 studies published from 2018 to 2020" in timeline.describe([(study, 2020), (guideline, 2018)])
    assert timeline.timeline_svg([]) == ""


# --- particles ----------------------------------------------------------------------


@pytest.mark.parametrize("name, braced, short", [
    ("van Hagen, P.", "{van Hagen}, P.", "van Hagen P"),
    ("van As, N.", "{van As}, N.", "van As N"),
    ("van der Gaast, A.", "{van der Gaast}, A.", "van der Gaast A"),
    ("von Mises, R.", "{von Mises}, R.", "von Mises R"),
    ("de la Fuente, A.", "{de la Fuente}, A.", "de la Fuente A"),
    ("du Bois, W.", "{du Bois}, W.", "du Bois W"),
    ("dos Santos, J.", "{dos Santos}, J.", "dos Santos J"),
    ("Van As, N.", "Van As, N.", "Van As N"),  # capitalised: BibTeX keeps it with the family name
    ("Hamdy, F. C.", "Hamdy, F. C.", "Hamdy FC"),
])
def test_particles_stay_with_the_family_name(name, braced, short):
    assert brace_particles(f"{name} and Roe, R. and others") == f"{braced} and Roe, R. and others"
    assert short_name(braced) == short
    assert split_authors(f"{braced} and Roe, R. and others") == [braced, "Roe, R."]


def test_reference_lists_write_particles_as_ama_does(built_site):
    """pandoc, given the braced family names of bib/, prints "van Hagen P" (not "Hagen P van")."""
    page = html_path(built_site.site, "sites/esophageal.md").read_text(encoding="utf-8")
    assert "van Hagen P" in page and "Hagen P van" not in page and "Lanschot JJB van" not in page


def test_the_cite_box_and_downloads_keep_a_page_authors_particle(project_copy, tmp_path):
    from conftest import run_mkdocs_build

    page = project_copy / "docs" / "glossary.md"
    page.write_text(page.read_text(encoding="utf-8").replace("\nstatus:", "\nauthors:\n  - van der Berg, Anna\nstatus:", 1),
                    encoding="utf-8")
    build = run_mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.log[-3000:]
    html = (tmp_path / "site" / "glossary" / "index.html").read_text(encoding="utf-8")
    assert "van der Berg A" in html and "Berg A van der" not in html
    ris = (tmp_path / "site" / "prt-living-review-glossary.ris").read_text(encoding="utf-8")
    assert "AU  - van der Berg, Anna" in ris
    item = json.loads((tmp_path / "site" / "prt-living-review-glossary.json").read_text(encoding="utf-8"))[0]
    assert item["author"] == [{"family": "van der Berg", "given": "Anna"}]


# --- the site -----------------------------------------------------------------------


@pytest.mark.parametrize("source", SITE_PAGES + TECHNOLOGY_PAGES)
def test_every_topic_page_shows_its_key_studies_with_a_timeline(built_site, source):
    page = lxml_html.fromstring(html_path(built_site.site, source).read_text(encoding="utf-8"))
    rows = page.xpath("//table[@class='key-studies__table']//tr[@class='key-studies__row']")
    assert rows, f"{source}: no key studies"
    markers = page.xpath("//figure[@class='study-timeline']//a[@class='study-timeline__link']/@href")
    assert sorted(markers) == sorted("#" + r.get("id") for r in rows), "a marker per row, linking to it"
    ids = set(page.xpath("//@id"))
    for row in rows:
        reference = row.xpath(".//a[@class='key-studies__reference']/@href")[0]
        assert reference[1:] in ids, f"{source}: {reference} leads nowhere on the page"
    assert page.xpath("//figure[@class='study-timeline']//*[local-name()='desc']")


def test_the_dataset_downloads_validate_and_carry_the_version(built_site, bibliography):
    data = json.loads((built_site.site / "data" / "studies.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, DATASET_SCHEMA)
    published = json.loads((built_site.site / "data" / "studies.schema.json").read_text(encoding="utf-8"))
    assert published == DATASET_SCHEMA
    sources = load_sources(ROOT)
    assert data["review"]["version"] == sources.mkdocs.data["extra"]["review"]["version"]
    assert len(data["studies"]) == len(sources.studies.studies) >= 80
    entries = bibliography.by_key()
    assert all(is_checked(entries[s["key"]].fields) for s in data["studies"]), "only evidence is exported"
    assert all(s["cited_on"] for s in data["studies"])
    rows = list(csv.DictReader(io.StringIO((built_site.site / "data" / "studies.csv").read_text(encoding="utf-8"))))
    assert list(rows[0]) == [*DATASET_FIELDS, *dataset.CSV_REVIEW_COLUMNS]
    assert {r["review_version"] for r in rows} == {data["review"]["version"]}
    by_key = {s["key"]: s for s in data["studies"]}
    for row in rows:  # the CSV says what the JSON says
        study = by_key[row["key"]]
        assert row["doi"] == (study["doi"] or "") and row["result"] == study["result"]
        assert row["patients"] == ("" if study["patients"] is None else str(study["patients"]))
    assert all(s["design"] in DESIGNS for s in data["studies"])
    vanhagen = by_key.get("vanhagen2012cross")
    assert vanhagen is None or vanhagen["first_author"] == "van Hagen P"


def test_the_downloads_are_linked_from_the_evidence_map_and_the_methods(built_site):
    for source in ("evidence-map.md", "methods.md"):
        html = html_path(built_site.site, source).read_text(encoding="utf-8")
        assert "data/studies.csv" in html and "data/studies.json" in html, source


def test_unchecked_records_are_never_counted_and_always_marked(built_site, bibliography):
    unchecked = [e for e in bibliography.by_key().values() if not is_checked(e.fields)]
    assert unchecked
    page = lxml_html.fromstring(html_path(built_site.site, "evidence-map.md").read_text(encoding="utf-8"))
    apart = page.xpath("//h2[@id='not-counted']/following-sibling::ul[1]/li")
    assert len(apart) == len(unchecked) and all(li.xpath(".//span[contains(@class, 'ref-status')]") for li in apart)
    counted = page.xpath("//h2[@id='entries']/following-sibling::*")
    listed = {a.get("href").split("#ref-")[1] for el in counted for a in el.xpath(".//a[contains(@href, '#ref-')]")
              if el.getprevious() is not None}
    counted_keys = {k for k in listed} - {e.key for e in unchecked}
    assert counted_keys, "the counted lists hold checked entries"
    # Wherever an unchecked record is listed (reference lists, annotated bibliography, print page), its mark is.
    for path in (built_site.site / "print_page" / "index.html", html_path(built_site.site, "references.md")):
        tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        for item in tree.xpath("//*[@id and (starts-with(@id, 'fn:') or starts-with(@id, 'ref-') or contains(@id, '-fn:')"
                               " or contains(@id, '-ref-'))]"):
            key = re.sub(r"^.*?(fn:|ref-)", "", item.get("id"))
            if key in {e.key for e in unchecked}:
                assert item.xpath(".//span[contains(@class, 'ref-status--not-found') or contains(@class, "
                                  "'ref-status--unverified')]"), f"{path.name}: {item.get('id')} unmarked"


def test_the_evidence_report_prints_each_topic_page():
    result = subprocess.run([sys.executable, "-m", "livingreview", "evidence-report"], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for source in SITE_PAGES + TECHNOLOGY_PAGES:
        row = next(line for line in lines if line.startswith(source))
        checked, unchecked, own, studies = map(int, row.split()[2:6])
        assert checked >= own and studies <= checked
    assert re.search(r"bib/: \d+ records, \d+ checked", result.stdout)
