"""A new contributor's first change, end to end, on a fresh copy of the project (no .venv, node_modules or git):
add a paper by DOI (against the local registry stand-in), start a page from the template, cite the paper on it,
then run the checks and a strict build, as CONTRIBUTING.md tells them to."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_mkdocs_build

pytestmark = pytest.mark.slow


def python(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m livingreview ...` as the Makefile runs it (PYTHONPATH=scripts), inside the copy."""
    return subprocess.run([sys.executable, "-m", "livingreview", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(project / "scripts")})


def start_page_from_template(project: Path, key: str) -> Path:
    page = project / "docs" / "technologies" / "new-topic.md"
    text = (project / "templates" / "page.md").read_text(encoding="utf-8")
    text = re.sub(r"<!-- Copy this file.*?-->\n\n", "", text, flags=re.DOTALL)
    text = text.replace("Page title in sentence case", "A new topic").replace("replace-with-key", key)
    # The template's placeholder facet fails `make check`; a contributor picks one no page has yet.
    page.write_text(text.replace("site:replace-with-site", "site:oligometastatic"), encoding="utf-8")
    mkdocs = project / "mkdocs.yml"
    nav_line = "      - Dose and fractionation: technologies/dose-and-fractionation.md\n"
    assert nav_line in mkdocs.read_text(encoding="utf-8")
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace(
        nav_line, nav_line + "      - A new topic: technologies/new-topic.md\n"), encoding="utf-8")
    return page


def test_add_a_paper_by_doi_cite_it_on_a_new_page_and_build(project_copy, registry, tmp_path):
    assert not (project_copy / ".venv").exists() and not (project_copy / ".git").exists()
    before = {p.name for p in (project_copy / "bib").iterdir()}

    added = python(project_copy, "add-ref", "10.1056/NEJMoa053422")
    assert added.returncode == 0, added.stderr
    key = re.search(r"Cite it as \[@([a-z0-9_-]+)\]", added.stdout)[1]
    assert key == "bonner2006radiotherapy"
    assert {p.name for p in (project_copy / "bib").iterdir()} == before  # no stray temporary files

    uncited = python(project_copy, "check", "--root", str(project_copy))
    assert uncited.returncode == 1 and f"{key}: cited on no page" in uncited.stdout  # the checks say what is next

    page = start_page_from_template(project_copy, key)
    thin = python(project_copy, "check", "--root", str(project_copy))
    assert thin.returncode == 1 and "docs/technologies/new-topic.md:1: error: too thin" in thin.stdout, thin.stdout
    # The contributor writes the page out (here: paragraphs of filler, each cited).
    filler = (f"Each paragraph of this page states one finding of the trials it cites and nothing stronger "
              f"than the papers report about their patients, endpoints and follow-up [@{key}; @rtog0617; "
              "@antonia2017pacific].\n\n")
    # A site page must cite the key studies of its site: the checks name them.
    owed = re.findall(r"error: ([a-z0-9_-]+): it concerns site:oligometastatic but docs/technologies/new-topic\.md",
                      thin.stdout)
    assert owed, thin.stdout
    trials = "The trials of this site are cited here [" + "; ".join(f"@{k}" for k in owed) + "].\n\n"
    page.write_text(page.read_text(encoding="utf-8") + filler * 16 + trials, encoding="utf-8")
    checked = python(project_copy, "check", "--root", str(project_copy))
    assert checked.returncode == 0, checked.stdout + checked.stderr

    build = run_mkdocs_build(project_copy, tmp_path / "site")
    assert build.returncode == 0, build.log[-3000:]
    html = (tmp_path / "site" / "technologies" / "new-topic" / "index.html").read_text(encoding="utf-8")
    assert "Bonner JA, Harari PM, Giralt J, et al. Radiotherapy plus cetuximab" in html
    assert "https://doi.org/10.1056/NEJMoa053422" in html
    assert "Checked against registry" in html
    assert page.read_text(encoding="utf-8").count(f"[@{key}]") == 3


def test_a_failed_add_leaves_the_copy_as_it_was(project_copy, registry):
    bib = project_copy / "bib" / "references.bib"
    before = bib.read_bytes()
    registry.routes.clear()  # the stand-in now knows nothing: Crossref answers 404
    failed = python(project_copy, "add-ref", "10.1056/NEJMoa053422")
    assert failed.returncode == 1, failed.stdout
    assert "Crossref does not know DOI 10.1056/NEJMoa053422" in failed.stderr and "nothing was written" in failed.stderr
    assert bib.read_bytes() == before
