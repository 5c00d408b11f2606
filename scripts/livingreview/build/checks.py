"""Build steps for the checks: the source checks before anything is built, the built site's links and
anchors after everything is written (livingreview.checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from livingreview.build.state import BuildState
from livingreview.checks import run_checks
from livingreview.checks.links import check_site
from livingreview.core.findings import Finding
from livingreview.speed import checks_cache
from livingreview.speed.steps import enabled as speed_enabled

log = get_plugin_logger("livingreview.checks")

# Faults after which a later step or plugin would fail without naming the file and line (pybtex on a
# broken .bib, mkdocs-bibtex on an unknown key), or report the same fault again (MkDocs' link validation,
# the built site's link check): the build stops at once, each fault said once, by the checks.
STOPS_THE_BUILD = {"bib-syntax": "BibTeX syntax error", "citation-unknown-key": "unknown citation key",
                   "links": "broken link"}


def log_findings(findings: Iterable[Finding]) -> None:
    """Each finding once, `path:line: message [check]`; strict mode turns errors and warnings into a failure."""
    for finding in findings:
        emit = log.error if finding.severity == "error" else log.warning
        emit("%s:%d: %s [%s]", finding.path, finding.line, finding.message, finding.check)


def source_checks(state: BuildState, config: MkDocsConfig) -> None:
    """Every source check (make check); a fault that would end in another tool's traceback stops the build."""
    root = state.root
    findings = checks_cache.cached_checks(root, root / ".cache" / "checks.json") if speed_enabled("checks-cache") \
        else run_checks(root)
    log_findings(findings)
    stopping = [f for f in findings if f.check in STOPS_THE_BUILD and f.severity == "error"]
    if stopping:
        first = stopping[0]
        raise PluginError(f"{len(stopping)} fault(s) the build cannot go past ({STOPS_THE_BUILD[first.check]} "
                          f"first at {first.path}:{first.line}): fix them (make check lists them all)")


def link_check(state: BuildState, config: MkDocsConfig) -> None:
    """Every link and #anchor of the built site, raw HTML and generated pages included, offline."""
    log_findings(check_site(Path(config.site_dir), state.root, config.site_url, state.speed.link_scans))
