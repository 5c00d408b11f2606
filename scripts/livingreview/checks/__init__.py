"""Source checks: every broken citation, record, page or marker as a finding with file and line.

Plain Python, no MkDocs and no build: `python -m livingreview check` (make check),
the build (livingreview.build.checks) and the tests all call run_checks().
Checks only read files. The built site's links are checked separately by
livingreview.checks.links, which needs a build.

May import: core, references, citing, reader, evidence. No MkDocs.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable

from livingreview.checks.bib import check_bib_syntax, check_bibliography
from livingreview.checks.cite import check_citations
from livingreview.checks.claims import check_claims
from livingreview.checks.content import check_content
from livingreview.checks.markup import check_markup
from livingreview.checks.page_checks import check_nav, check_pages
from livingreview.checks.page_links import check_page_links
from livingreview.checks.sources import Sources, load_sources
from livingreview.checks.studies import check_studies
from livingreview.core.findings import Finding

Check = Callable[[Sources], list[Finding]]
CHECKS: tuple[Check, ...] = (
    check_bib_syntax,
    check_citations,
    check_bibliography,
    check_pages,
    check_nav,
    check_claims,
    check_markup,
    check_page_links,
    check_content,
    check_studies,
)


def run_checks(root: Path) -> list[Finding]:
    """All findings for the project at `root`, sorted by file and line; never raises."""
    try:
        sources = load_sources(root)
    except Exception as exc:  # a bug here must still end in a finding, not a traceback
        return [_internal("load_sources", exc)]
    return ordered([*sources.findings, *run_some(sources, CHECKS)])


def run_some(sources: Sources, checks: tuple[Check, ...]) -> list[Finding]:
    """The findings of `checks` on sources already read (the build runs them in two parts); never raises."""
    findings: list[Finding] = []
    for check in checks:
        try:
            findings += check(sources)
        except Exception as exc:
            findings.append(_internal(check.__name__, exc))
    return findings


def ordered(findings: list[Finding]) -> list[Finding]:
    """Each finding once, by file, line, check and message."""
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.check, f.message))


def _internal(name: str, exc: Exception) -> Finding:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    where = f"{Path(frame.filename).name}:{frame.lineno}"
    return Finding("scripts/livingreview/checks", 1, "error",
                   f"check {name} failed on this input ({type(exc).__name__}: {exc} at {where}); please report it",
                   "internal")
