"""Build steps for the checks: the source checks before anything is built, the built site's links and
anchors after everything is written (livingreview.checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from livingreview.build.state import BuildState, ChecksState
from livingreview.checks import CHECKS, ordered, run_checks, run_some
from livingreview.checks.bib import check_bib_syntax
from livingreview.checks.cite import check_citations
from livingreview.checks.links import check_site
from livingreview.checks.page_links import check_page_links
from livingreview.checks.sources import load_sources
from livingreview.core.findings import Finding
from livingreview.speed import checks_cache
from livingreview.speed.steps import check_beside, enabled as speed_enabled, result_of

log = get_plugin_logger("livingreview.checks")

# Faults after which a later step or plugin would fail without naming the file and line (pybtex on a
# broken .bib, mkdocs-bibtex on an unknown key), or report the same fault again (MkDocs' link validation,
# the built site's link check): the build stops at once, each fault said once, by the checks.
STOPS_THE_BUILD = {"bib-syntax": "BibTeX syntax error", "citation-unknown-key": "unknown citation key",
                   "links": "broken link"}
# The checks that find them run first; the others after, perhaps beside the build (their findings are then
# reported once every page is converted).
FIRST = (check_bib_syntax, check_citations, check_page_links)
LATER = tuple(check for check in CHECKS if check not in FIRST)


def log_findings(findings: Iterable[Finding]) -> None:
    """Each finding once, `path:line: message [check]`; strict mode turns errors and warnings into a failure."""
    for finding in findings:
        emit = log.error if finding.severity == "error" else log.warning
        emit("%s:%d: %s [%s]", finding.path, finding.line, finding.message, finding.check)


def _stopping(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.check in STOPS_THE_BUILD and f.severity == "error"]


def _stop_on_faults(findings: list[Finding]) -> None:
    if stopping := _stopping(findings):
        first = stopping[0]
        raise PluginError(f"{len(stopping)} fault(s) the build cannot go past ({STOPS_THE_BUILD[first.check]} "
                          f"first at {first.path}:{first.line}): fix them (make check lists them all)")


def source_checks(state: BuildState, config: MkDocsConfig) -> None:
    """Every source check (make check); a fault that would end in another tool's traceback stops the build.

    The findings kept from a build with the same inputs are reported at once. Otherwise the checks that
    find such faults run first; if they find one, all the others run too and the build stops. If not, the
    others run now, or in the helper process while the pages are built (finish_source_checks reports
    them then): each finding is reported once either way, and all are kept for the next build."""
    root = state.root
    kept = checks_cache.KeptFindings(root, root / ".cache" / "checks.json") if speed_enabled("checks-cache") \
        else None
    findings = kept.get() if kept is not None else None
    if findings is not None:
        log_findings(findings)
        _stop_on_faults(findings)
        return
    try:
        sources = load_sources(root)
    except Exception:  # a bug: run_checks reports it as a finding
        log_findings(run_checks(root))
        return
    first = ordered([*sources.findings, *run_some(sources, FIRST)])
    if _stopping(first):  # the build stops here
        findings = ordered([*first, *run_some(sources, LATER)])
        log_findings(findings)
        if kept is not None:
            kept.keep(findings)
        _stop_on_faults(findings)  # raises
    log_findings(first)
    state.checks = ChecksState(first, sources, kept, check_beside(sources, LATER))
    if state.checks.beside is None:
        finish_source_checks(state)


def finish_source_checks(state: BuildState) -> None:
    """The checks left after the first ones: reported (from the helper process, when it ran them), and every
    finding kept for the next build."""
    checks, state.checks = state.checks, None
    if checks is None:
        return
    later = ordered(result_of(checks.beside, lambda: run_some(checks.sources, LATER)))
    log_findings(later)
    if checks.kept is not None:
        checks.kept.keep(ordered([*checks.reported, *later]))


def link_check(state: BuildState, config: MkDocsConfig) -> None:
    """Every link and #anchor of the built site, raw HTML and generated pages included, offline."""
    log_findings(check_site(Path(config.site_dir), state.root, config.site_url, state.speed.link_scans))
