"""Literature surveillance (make surveil) against a local stand-in for NCBI E-utilities."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse

import pytest

from check_cases import tree_digest
from registry_server import Answer


def surveil(project, env) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "livingreview", "surveil"], cwd=project, capture_output=True,
                          text=True, env={**os.environ, **env, "PYTHONPATH": str(project / "scripts")})


def topic_pages(project) -> int:
    return sum("\npubmed_query:" in p.read_text(encoding="utf-8") for p in (project / "docs").rglob("*.md"))


def test_each_topic_page_gets_its_new_papers_and_known_ones_are_left_out(project_copy, registry):
    before = tree_digest(project_copy)
    result = surveil(project_copy, registry.env())
    assert result.returncode == 0, result.stderr
    report = result.stdout
    pages = topic_pages(project_copy)
    assert pages == 13 and report.count("\n## ") == pages
    assert report.count("[91000001](https://pubmed.ncbi.nlm.nih.gov/91000001/)") == pages
    assert "27339115" not in report, "a paper in bib/ by its PMID is left out"
    assert "91000002" not in report, "a paper in bib/ by its DOI is left out"
    assert "| A stand-in cohort without a DOI. | Radiotherapy and oncology | 2026 Dec 2 |" in report
    assert "adaptive radiotherapy \\| with a pipe." in report, "a pipe in a title does not break the table"
    assert "4 found, 2 new, 2 already in bib/" in report
    assert tree_digest(project_copy) == before, "surveillance writes nothing"
    searches = [urllib.parse.parse_qs(urllib.parse.urlsplit(path).query) for path, _ in registry.requests
                if path.startswith("/eutils/esearch.fcgi")]
    assert len(searches) == pages
    lung = next(q for q in searches if "lung neoplasms" in q["term"][0])
    assert lung["retmode"] == ["json"] and lung["datetype"] == ["edat"] and lung["db"] == ["pubmed"]
    assert lung["mindate"][0] == "2026/12/05" and "api_key" not in lung


def test_the_api_key_is_sent_when_given(project_copy, registry):
    result = surveil(project_copy, {**registry.env(), "NCBI_API_KEY": "k3y"})
    assert result.returncode == 0, result.stderr
    assert all("api_key=k3y" in path for path, _ in registry.requests if path.startswith("/eutils/"))
    assert "k3y" not in result.stdout


@pytest.mark.parametrize("answer, words", [
    (Answer(503, b"down", {"Content-Type": "text/plain"}), "could not be asked"),
    (Answer(200, b"<html>not json</html>", {"Content-Type": "text/html"}), "not JSON"),
    (Answer(200, b'{"esearchresult": {"ERROR": "Invalid query"}}', {"Content-Type": "application/json"}),
     "no id list"),
])
def test_a_service_down_or_talking_nonsense_is_one_clear_message(project_copy, registry, answer, words):
    registry.script("/eutils/esearch.fcgi", *[answer] * 5)
    result = surveil(project_copy, registry.env())
    assert result.returncode == 1 and words in result.stderr and "no report was written" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
