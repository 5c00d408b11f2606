"""`python -m livingreview add-ref`: entries from registry records, duplicates refused, bib/ untouched on failure."""

from __future__ import annotations

import datetime
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from livingreview.contrib import add_ref
from livingreview.core import atomic
from livingreview import cli
from livingreview.references.bibliography import format_bibliography, parse_bibtex
from registry_server import Answer


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the folder (temporary files included) and a hash of its bytes."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def entries(project: Path) -> dict:
    text = (project / "bib" / "references.bib").read_text(encoding="utf-8")
    return {e.key: e for e in parse_bibtex(text, "bib/references.bib").entries}


def add(project: Path, *args: str) -> int:
    return cli.main(["add-ref", "--root", str(project), *args])


def test_adding_by_doi_from_the_command_line(project_copy, registry):
    before = entries(project_copy)
    result = subprocess.run([sys.executable, "-m", "livingreview", "add-ref", "10.1056/NEJMoa053422"],
                            cwd=project_copy, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(project_copy / "scripts")})
    assert result.returncode == 0, result.stderr
    assert "Cite it as [@bonner2006radiotherapy]" in result.stdout
    text = (project_copy / "bib" / "references.bib").read_text(encoding="utf-8")
    parsed = parse_bibtex(text, "bib/references.bib")
    assert format_bibliography(parsed.entries) == text  # the whole file stays canonical
    after = {e.key: e for e in parsed.entries}
    assert set(after) - set(before) == {"bonner2006radiotherapy"}
    assert all(after[k].fields == before[k].fields for k in before)  # nothing else changed
    entry = after["bonner2006radiotherapy"]
    assert entry.type == "article"
    assert entry.fields["author"] == "Bonner, J. A. and Harari, P. M. and Giralt, J. and others"
    assert entry.fields["title"] == "Radiotherapy plus Cetuximab for Squamous-Cell Carcinoma of the Head and Neck"
    assert (entry.get("journal"), entry.get("year"), entry.get("volume"), entry.get("number"),
            entry.get("pages"), entry.get("doi")) == ("N Engl J Med", "2006", "354", "6", "567--578",
                                                      "10.1056/NEJMoa053422")
    assert entry.get("verification") == "registry-checked"
    assert entry.get("verification_source") == f"Crossref {registry.url}/crossref/works/10.1056/NEJMoa053422"
    assert entry.get("verification_date") == datetime.date.today().isoformat()
    assert entry.keywords[0] == "type:cohort"  # Crossref names no design: the default guess, announced
    assert "type:cohort is a default" in result.stdout
    assert entry.get("annote") == add_ref.ANNOTE_PLACEHOLDER


def test_adding_by_pmid_and_by_nct(project_copy, registry, capsys):
    assert add(project_copy, "27626136") == 0
    assert add(project_copy, "NCT01584258") == 0
    added = entries(project_copy)
    paper = added["hamdy2016outcomes"]
    assert (paper.get("pmid"), paper.get("doi"), paper.get("pages")) == ("27626136", "10.1056/NEJMoa1606220",
                                                                         "1415--1424")
    assert paper.keywords == ["type:rct", "site:prostate"]
    assert paper.get("verification_source").startswith("PubMed " + registry.url + "/eutils/efetch.fcgi?")
    assert "email=" not in paper.get("verification_source")  # the contact address is not stored
    trial = added["royal2012international"]
    assert trial.type == "misc"
    assert (trial.get("author"), trial.get("nct"), trial.get("howpublished"), trial.get("url")) == (
        "{Royal Marsden NHS Foundation Trust}", "NCT01584258", "ClinicalTrials.gov",
        "https://clinicaltrials.gov/study/NCT01584258")
    assert trial.keywords[0] == "type:rct"


def test_a_taken_key_gets_a_letter(project_copy, registry):
    assert add(project_copy, "--key", "placeholder2006radiotherapy", "27626136") == 0
    bib = project_copy / "bib" / "references.bib"
    bib.write_text(bib.read_text().replace("placeholder2006radiotherapy", "bonner2006radiotherapy"))
    assert add(project_copy, "10.1056/NEJMoa053422") == 0
    assert {"bonner2006radiotherapy", "bonner2006radiotherapyb"} <= set(entries(project_copy))


@pytest.mark.parametrize("identifier, message", [
    ("10.1016/S1470-2045(16)30102-4", "bib/references.bib:{doi}: error: DOI 10.1016/S1470-2045(16)30102-4 is "
                                      "already in the bibliography as dearnaley2016chhip [add-ref]"),
    ("https://doi.org/10.1016/s1470-2045(16)30102-4", "as dearnaley2016chhip"),  # DOIs ignore case
    ("27339115", "bib/references.bib:{pmid}: error: PMID 27339115 is already in the bibliography as "
                 "dearnaley2016chhip [add-ref]"),
])
def test_duplicates_are_refused_naming_the_entry(project_copy, registry, capsys, identifier, message):
    chhip = entries(project_copy)["dearnaley2016chhip"]
    before = snapshot(project_copy / "bib")
    assert add(project_copy, identifier) == 1
    err = capsys.readouterr().err
    assert message.format(doi=chhip.field_lines["doi"], pmid=chhip.field_lines["pmid"]) in err
    assert snapshot(project_copy / "bib") == before
    assert registry.requests == []  # refused before asking anyone


def test_a_duplicate_found_only_in_the_fetched_record_is_refused(project_copy, registry, capsys):
    bib = project_copy / "bib" / "references.bib"
    bib.write_text(bib.read_text().replace("  pmid = {27339115},\n", ""))  # CHHiP now known by DOI only
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "27339115") == 1  # PubMed's record carries the DOI we already have
    assert "DOI 10.1016/S1470-2045(16)30102-4 is already in the bibliography as dearnaley2016chhip" \
        in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


def test_the_same_work_recorded_without_identifiers_is_refused(project_copy, registry, capsys):
    bib = project_copy / "bib" / "references.bib"
    bib.write_text(bib.read_text() + "\n@article{bonner2006cetuximab,\n  author = {Bonner, J. A.},\n"
                   "  title = {Radiotherapy plus cetuximab for squamous-cell carcinoma of the head and neck},\n"
                   "  journal = {N Engl J Med},\n  year = {2006}\n}\n")
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "10.1056/NEJMoa053422") == 1
    assert "bonner2006cetuximab has the same title and year: the same work?" in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


FAILURES = {
    "unknown DOI (404)": ("10.9999/does-not-exist", None, "Crossref does not know DOI 10.9999/does-not-exist"),
    "unknown PMID": ("99999999", None, "PubMed does not know PMID 99999999"),
    "unknown NCT (404)": ("NCT00000000", None, "ClinicalTrials.gov does not know NCT00000000"),
    "timeout": ("10.1056/NEJMoa053422", Answer(200, b"{}", delay=1.5), "no answer within 0.3 s"),
    "malformed JSON": ("10.1056/NEJMoa053422", Answer(200, b"<html>maintenance</html>"), "is not JSON"),
    "not a work": ("10.1056/NEJMoa053422", Answer(200, b'{"status": "ok", "message-type": "work-list", '
                                                       b'"message": {}}'), "is not a work record"),
    "server errors": ("10.1056/NEJMoa053422", Answer(503, b"down"), "gave up after 2 attempts"),
    "forbidden": ("10.1056/NEJMoa053422", Answer(403, b"no"), "answered HTTP 403"),
    "retracted paper": ("10.5555/12345678", None, "is retracted"),
    "retraction notice": ("10.5555/666655554444", None, "is a retraction notice"),
    "not an identifier": ("ISRCTN97182923", None, "is not a DOI"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_every_failure_leaves_bib_untouched(project_copy, registry, monkeypatch, capsys, case):
    identifier, scripted, message = FAILURES[case]
    monkeypatch.setenv("LIVINGREVIEW_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("LIVINGREVIEW_HTTP_RETRIES", "1")
    if scripted:
        registry.script("/crossref/works/", *[scripted] * 3)
    before = snapshot(project_copy / "bib")
    assert add(project_copy, identifier) == 1
    err = capsys.readouterr().err
    assert message in err and "nothing was written" in err
    assert snapshot(project_copy / "bib") == before


def test_no_network_leaves_bib_untouched(project_copy, monkeypatch, capsys):
    monkeypatch.setenv("CROSSREF_API_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "10.1056/NEJMoa053422") == 1
    assert "cannot reach 127.0.0.1:9" in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


@pytest.mark.parametrize("damage, message", [
    ("% a stray comment\n", "a % comment would be lost"),
    ("@article{broken,\n  title = {no closing brace\n", "the bibliography has errors"),
])
def test_a_bibliography_that_cannot_be_rewritten_safely_is_left_alone(project_copy, registry, capsys, damage,
                                                                      message):
    bib = project_copy / "bib" / "references.bib"
    bib.write_text(damage + bib.read_text())
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "10.1056/NEJMoa053422") == 1
    assert message in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


def test_a_taken_explicit_key_is_refused(project_copy, registry, capsys):
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "--key", "dearnaley2016chhip", "10.1056/NEJMoa053422") == 1
    assert "key dearnaley2016chhip is already taken" in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(project_copy, registry, monkeypatch, capsys):
    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)  # the write add-ref goes through
    before = snapshot(project_copy / "bib")
    assert add(project_copy, "10.1056/NEJMoa053422") == 1
    assert "No space left on device" in capsys.readouterr().err
    assert snapshot(project_copy / "bib") == before


def test_the_written_file_keeps_its_permissions(project_copy, registry):
    bib = project_copy / "bib" / "references.bib"
    bib.chmod(0o664)
    assert add(project_copy, "10.1056/NEJMoa053422") == 0
    assert bib.stat().st_mode & 0o777 == 0o664
