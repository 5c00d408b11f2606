"""The checks inside the build: `mkdocs build --strict` fails naming file and line; the built site's links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import run_mkdocs_build
from livingreview.checks.links import check_site
from livingreview.core.project import ROOT

pytestmark = pytest.mark.slow
LUNG = "docs/sites/lung.md"


def _append(project: Path, page: str, text: str) -> int:
    """Append `text` (one line) as its own block at the end of a page; return its line number."""
    path = project / page
    body = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    path.write_text(body + text + "\n", encoding="utf-8")
    return body.count("\n") + 1


def _first_line(project: Path, page: str, pattern: str) -> int:
    lines = (project / page).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if re.search(pattern, line))


def _copy_project(target: Path) -> Path:
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
        ".venv", "site", ".cache", "node_modules", ".git", "__pycache__", ".pytest_cache", ".hypothesis"))
    if (ROOT / ".cache" / "references.json").is_file():  # formatted references: saves a pandoc run
        (target / ".cache").mkdir()
        shutil.copy2(ROOT / ".cache" / "references.json", target / ".cache")
    return target


@pytest.fixture(scope="module")
def broken_build(tmp_path_factory: pytest.TempPathFactory):
    """One strict build of a copy of the project with four faults, each on its own page and line."""
    project = _copy_project(tmp_path_factory.mktemp("broken") / "project")
    faults = {}
    faults["citation-unknown-key"] = ("docs/sites/prostate.md", _append(
        project, "docs/sites/prostate.md", "Prostate radiotherapy was tested once more [@nosuchkey2099]."))
    status = _first_line(project, "docs/sites/rectal.md", r"^status:")
    text = (project / "docs/sites/rectal.md").read_text(encoding="utf-8").split("\n")
    text[status - 1] = "status: reviewed-by-nobody"
    (project / "docs/sites/rectal.md").write_text("\n".join(text), encoding="utf-8")
    faults["front-matter"] = ("docs/sites/rectal.md", status)
    heading = _first_line(project, "docs/sites/esophageal.md", r"^## .*\{#")
    text = (project / "docs/sites/esophageal.md").read_text(encoding="utf-8").split("\n")
    text[heading - 1] = re.sub(r"\s*\{#[^}]*\}\s*$", "", text[heading - 1])
    (project / "docs/sites/esophageal.md").write_text("\n".join(text), encoding="utf-8")
    faults["heading-id"] = ("docs/sites/esophageal.md", heading)
    # Raw HTML: MkDocs' own link validation does not look inside it; the link check reads the built page.
    faults["links"] = (LUNG, _append(project, LUNG, '<a href="#no-such-section">Jump</a> <!-- no-claim -->'))
    return run_mkdocs_build(project, project / "site"), faults


@pytest.mark.parametrize("check", ["citation-unknown-key", "front-matter", "heading-id", "links"])
def test_strict_build_fails_naming_file_and_line(broken_build, check):
    build, faults = broken_build
    path, line = faults[check]
    assert build.returncode != 0
    assert re.search(rf"ERROR\s+-\s+.*{re.escape(path)}:{line}: .*\[{check}\]", build.log), build.log[-4000:]


def test_bibtex_syntax_error_stops_the_build_with_its_line(tmp_path):
    """mkdocs-bibtex (pybtex) would stop with a traceback naming no line; the checks stop first, naming it."""
    project = _copy_project(tmp_path / "project")
    bib = project / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("@", text.index("\n}\n") + 1)  # the second entry: drop its closing brace
    end = text.index("\n}\n", start)
    bib.write_text(text[:end] + "\n" + text[end + 3:], encoding="utf-8")
    line = text.count("\n", 0, start) + 1
    build = run_mkdocs_build(project, project / "site")
    assert build.returncode != 0
    assert f"bib/references.bib:{line}: BibTeX syntax error" in build.log, build.log[-3000:]
    assert "Traceback" not in build.log


def test_built_site_has_no_broken_link_or_anchor(built_site):
    """Over the real build: every link and #anchor resolves (raw HTML and templates too)."""
    assert built_site.returncode == 0, built_site.log[-3000:]
    findings = check_site(built_site.site, ROOT)
    assert not findings, "\n".join(map(str, findings))


def test_link_check_catches_a_broken_fragment_in_generated_html(built_site, tmp_path):
    """A #fragment with no target, written straight into generated HTML, is reported with file and line."""
    site = tmp_path / "site"
    shutil.copytree(built_site.site, site)
    page = site / "references" / "index.html"
    lines = page.read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if "<article" in text)
    lines[line - 1] = lines[line - 1].replace("<article", '<a href="#ref-nobody2099">x</a><article', 1)
    page.write_text("\n".join(lines), encoding="utf-8")
    findings = check_site(site, ROOT)
    assert [(f.path, f.line, f.check) for f in findings] == [(str(page), line, "links")], findings
    assert "#ref-nobody2099" in findings[0].message and "fragment" in findings[0].message.lower()
