"""The source checks (livingreview.checks): the corpus of bad inputs, the real project, the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from check_cases import MINIMAL, load_cases, make_project, tree_digest
from livingreview.checks import run_checks
from livingreview.core.findings import Finding
from livingreview.core.project import ROOT

CASES = load_cases()
LINE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+): (?P<severity>error|warning): .+ \[(?P<check>[a-z-]+)\]$")


def errors(findings: list[Finding]) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.check) for f in findings if f.severity == "error"}


def shown(findings: list[Finding]) -> str:
    return "\n".join(map(str, findings)) or "(no findings)"


@pytest.fixture(scope="module")
def real_findings() -> list[Finding]:
    return run_checks(ROOT)


def test_corpus_is_large_and_varied():
    """At least 30 cases, covering every kind of check."""
    assert len(CASES) >= 30
    checks = {check for case in CASES for _, _, check in case.expected}
    for family in ("citation-", "bib-", "front-matter", "nav", "heading-id", "claim-citation", "marker",
                   "unsafe-html", "markdown-fence"):
        assert any(c.startswith(family) for c in checks), family


def test_minimal_base_is_clean():
    """The base the cases break has no finding at all, so each case's findings are its own."""
    assert run_checks(MINIMAL) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, tmp_path, real_findings):
    """Each bad input gives exactly its expected errors (file, line, check), and changes nothing on disk."""
    project = make_project(case, tmp_path / "project")
    before = tree_digest(project)
    findings = run_checks(project)
    assert tree_digest(project) == before, "a check modified a file"
    assert not [f for f in findings if f.check == "internal"], shown(findings)
    got = errors(findings)
    if case.base == "real":  # the real project may have findings of its own while pages are written
        got -= errors(real_findings)
    assert got == case.expected, f"{case.spec['about']}\n{shown(findings)}"
    for finding in findings:
        assert LINE.match(str(finding)), str(finding)


def test_real_project_has_no_errors(real_findings):
    """The project as it stands passes every check."""
    assert not errors(real_findings), shown(real_findings)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "livingreview", *args], cwd=cwd, env=env, capture_output=True,
                          text=True)


@pytest.mark.parametrize("name", ["cite-unknown-key", "bib-syntax-error", "fm-truncated", "heading-without-id",
                                  "claim-uncited-paragraph", "unsafe-script"])
def test_cli_fails_on_an_injected_fault(name, tmp_path):
    """`python -m livingreview check` (make check) exits 1 and prints path:line for the fault."""
    case = next(c for c in CASES if c.name == name)
    project = make_project(case, tmp_path / "project")
    before = tree_digest(project)
    result = run_cli("check", "--root", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert all(LINE.match(line) for line in lines), result.stdout
    for path, line, check in case.expected:
        assert any(x.startswith(f"{path}:{line}: error:") and x.endswith(f"[{check}]") for x in lines), result.stdout
    assert "Traceback" not in result.stderr
    assert tree_digest(project) == before


def test_cli_passes_a_clean_project(tmp_path):
    result = run_cli("check", "--root", str(MINIMAL))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_format_bib_fixes_order_and_is_idempotent(tmp_path):
    """format-bib --check fails on a file out of canonical form; format-bib fixes it, keeping every field."""
    case = next(c for c in CASES if c.name == "bib-not-canonical")
    project = make_project(case, tmp_path / "project")
    bib = project / "bib" / "references.bib"
    original = bib.read_text(encoding="utf-8")
    check = run_cli("format-bib", "--check", "--root", str(project))
    assert check.returncode == 1 and "bib/references.bib:2: error:" in check.stdout
    assert bib.read_text(encoding="utf-8") == original, "--check wrote the file"
    assert run_cli("format-bib", "--root", str(project)).returncode == 0
    formatted = bib.read_text(encoding="utf-8")
    assert formatted == (MINIMAL / "bib" / "references.bib").read_text(encoding="utf-8")
    assert run_cli("format-bib", "--root", str(project)).returncode == 0
    assert bib.read_text(encoding="utf-8") == formatted
    assert errors(run_checks(project)) == set()


def test_format_bib_refuses_what_it_would_lose(tmp_path):
    """A comment or a syntax error: format-bib names the line and leaves the file alone."""
    for name, line in (("bib-comment", 1), ("bib-syntax-error", 30)):
        case = next(c for c in CASES if c.name == name)
        project = make_project(case, tmp_path / name)
        before = tree_digest(project)
        result = run_cli("format-bib", "--root", str(project))
        assert result.returncode == 1
        assert f"bib/references.bib:{line}: error:" in result.stdout
        assert tree_digest(project) == before
