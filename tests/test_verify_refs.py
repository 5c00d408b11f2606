"""`python -m livingreview verify-refs`: mismatches and retractions reported on the entry's lines, nothing rewritten."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from livingreview import cli
from livingreview.references.bibliography import Entry, format_bibliography, parse_bibtex
from livingreview.contrib.verify_refs import journal_matches

CHHIP = {
    "author": "Dearnaley, D. and Syndikus, I. and Mossop, H. and others",
    "title": "Conventional versus hypofractionated high-dose intensity-modulated radiotherapy for prostate cancer: "
             "5-year outcomes of the randomised, non-inferiority, phase 3 {CHHiP} trial",
    "journal": "Lancet Oncol", "year": "2016", "volume": "17", "pages": "1047--1060",
    "doi": "10.1016/S1470-2045(16)30102-4", "pmid": "27339115",
    "keywords": "site:prostate, tech:fractionation, type:rct", "annote": "A test entry.",
    "verification": "seen-in-sources", "verification_source": "test", "verification_date": "2026-01-01",
}


def bib_with(project: Path, **variants: dict[str, str]) -> str:
    """Replace the copy's bibliography with variants of the CHHiP entry; return the text written."""
    made = [Entry(key, "article", {**CHHIP, **changes}, "bib/references.bib", 0) for key, changes in variants.items()]
    text = format_bibliography(made)
    (project / "bib" / "references.bib").write_text(text, encoding="utf-8")
    return text


def line_of(text: str, key: str, field: str) -> int:
    entry = {e.key: e for e in parse_bibtex(text, "x").entries}[key]
    return entry.field_lines[field]


def run(project: Path, capsys) -> tuple[int, list[str], str]:
    status = cli.main(["verify-refs", "--root", str(project)])
    out = capsys.readouterr()
    return status, out.out.splitlines(), out.err


def test_a_matching_record_gives_no_finding(project_copy, registry, capsys):
    bib_with(project_copy, good={})
    status, lines, err = run(project_copy, capsys)
    assert (status, lines) == (0, [])
    assert "checked 1 entries: 0 errors, 0 warnings" in err
    assert {p.split("?")[0] for p, _ in registry.requests} == {
        "/crossref/works/10.1016/S1470-2045%2816%2930102-4", "/eutils/efetch.fcgi"}


def test_mismatches_are_reported_on_the_field_lines(project_copy, registry, capsys):
    text = bib_with(
        project_copy,
        wrongyear={"year": "2015"},
        shorttitle={"title": "Conventional versus hypofractionated high-dose intensity-modulated radiotherapy"},
        wrongjournal={"journal": "Lancet"},
        wrongdoi={"pmid": "27339115", "doi": "10.1056/NEJMoa053422"},
    )
    before = hashlib.sha256((project_copy / "bib" / "references.bib").read_bytes()).digest()
    status, lines, err = run(project_copy, capsys)
    assert status == 1
    path = "bib/references.bib"
    expected = [
        f"{path}:{line_of(text, 'wrongyear', 'year')}: error: wrongyear: year 2015 but Crossref gives 2016 "
        "[verify-refs]",
        f"{path}:{line_of(text, 'wrongyear', 'year')}: error: wrongyear: year 2015 but PubMed gives 2016 "
        "[verify-refs]",
        f"{path}:{line_of(text, 'wrongdoi', 'pmid')}: error: wrongdoi: PMID 27339115 belongs to DOI "
        "10.1016/S1470-2045(16)30102-4 in PubMed, not 10.1056/NEJMoa053422 [verify-refs]",
    ]
    for line in expected:
        assert line in lines
    short = [x for x in lines if x.startswith(f"{path}:{line_of(text, 'shorttitle', 'title')}: warning: "
                                              "shorttitle: title differs from Crossref (ours is shorter)")]
    assert short, lines
    assert any(re.match(rf"{path}:{line_of(text, 'wrongjournal', 'journal')}: warning: wrongjournal: journal "
                        r"'Lancet' matches none of PubMed's", x) for x in lines), lines
    assert hashlib.sha256((project_copy / "bib" / "references.bib").read_bytes()).digest() == before
    assert "(bib/ was not changed)" in err


def test_retractions_and_unknown_identifiers_are_errors(project_copy, registry, capsys):
    text = bib_with(
        project_copy,
        retracteddoi={"doi": "10.5555/12345678", "pmid": "", "title": "Toward a unified theory of high-energy "
                      "metaphysics: silly string theory", "journal": "Journal of Psychoceramics", "year": "2008"},
        retractedpmid={"doi": "", "pmid": "90000001", "title": "A fabricated cohort study of adaptive "
                       "radiotherapy, used only to test retraction warnings", "journal": "J Imag Radiother",
                       "year": "2019"},
        unknown={"doi": "10.9999/unknown", "pmid": ""},
    )
    status, lines, _ = run(project_copy, capsys)
    assert status == 1
    path = "bib/references.bib"
    assert f"{path}:{line_of(text, 'retracteddoi', 'title')}: error: retracteddoi: Crossref marks the paper as " \
           "retracted: retraction notice 10.5555/666655554444 [verify-refs]" in lines
    assert f"{path}:{line_of(text, 'retractedpmid', 'title')}: error: retractedpmid: PubMed marks the paper as " \
           "retracted: PubMed publication type 'Retracted Publication' [verify-refs]" in lines
    assert any(x.startswith(f"{path}:{line_of(text, 'unknown', 'doi')}: error: unknown: Crossref does not know "
                            "DOI 10.9999/unknown") for x in lines), lines
    assert len(lines) == 4  # the PubMed retraction also names its notice (CommentsCorrections RetractionIn)


def test_no_network_checks_nothing_and_says_so(project_copy, capsys, monkeypatch):
    monkeypatch.setenv("CROSSREF_API_URL", "http://127.0.0.1:9")
    bib_with(project_copy, good={})
    status, lines, err = run(project_copy, capsys)
    assert status == 2 and lines == []
    assert "cannot reach 127.0.0.1:9" in err and "nothing was checked" in err


@pytest.mark.parametrize("ours, theirs, match", [
    ("Lancet Oncol", ["The Lancet Oncology"], True),
    ("N Engl J Med", ["New England Journal of Medicine"], True),
    ("Int J Radiat Oncol Biol Phys", ["International Journal of Radiation Oncology*Biology*Physics"], True),
    ("Phys Med Biol", ["Physics in Medicine and Biology"], True),
    ("J Natl Cancer Inst", ["Journal of the National Cancer Institute"], True),
    ("Cancers (Basel)", ["Cancers"], True),
    ("Lancet", ["The Lancet Oncology"], False),
    ("Radiother Oncol", ["Radiation Oncology"], False),
])
def test_journal_abbreviations_match_full_names(ours, theirs, match):
    assert journal_matches(ours, theirs) is match
