"""MkDocs hooks: run the project's checks during every build, so `mkdocs build --strict` fails on any finding.

Thin adapter: the checks are plain Python in livingreview.checks (sources, before
the build) and livingreview.links (the built site's links and anchors, after it;
cheap enough for every `mkdocs serve` rebuild too). Each finding is logged as
`path:line: message [check]`: errors with log.error, warnings with log.warning;
strict mode turns either into a failed build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from livingreview.checks.cache import cached_checks
from livingreview.digest_cache import DigestCache
from livingreview.findings import Finding
from livingreview.formatting import batching_enabled
from livingreview.links import ScanAhead, check_site

log = get_plugin_logger(__name__)
_kept_scans: DigestCache | None = None  # this build's (on_pre_build)
_scan_ahead: ScanAhead | None = None


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _log(findings: Iterable[Finding]) -> None:
    for finding in findings:
        emit = log.error if finding.severity == "error" else log.warning
        emit("%s:%d: %s [%s]", finding.path, finding.line, finding.message, finding.check)


# Start definition of MkDocs hooks


@event_priority(110)  # before mkdocs-bibtex (and hook_references) read bib/
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    findings = cached_checks(_root(config), _root(config) / ".cache" / "checks.json")  # reused until an input changes
    _log(findings)
    unreadable = [f for f in findings if f.check == "bib-syntax" and f.severity == "error"]
    if unreadable:  # mkdocs-bibtex would stop with a traceback (pybtex) that names no line
        raise PluginError(f"{len(unreadable)} BibTeX syntax error(s), first {unreadable[0].path}:"
                          f"{unreadable[0].line}: fix them before building (make check lists them)")
    return config


def on_pre_build(*, config: MkDocsConfig) -> None:
    # The ids and links of unchanged pages are kept (LIVINGREVIEW_NO_BATCH=1 turns the build's caches off).
    global _kept_scans, _scan_ahead
    _kept_scans = DigestCache(_root(config) / ".cache" / "links.pickle") if batching_enabled() else None
    _scan_ahead = ScanAhead(_kept_scans) if _kept_scans is not None else None


@event_priority(-200)  # the page as written
def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> None:
    if _scan_ahead is not None:
        _scan_ahead(output)


@event_priority(-200)  # after every other plugin and hook has written its files (hook_reader fixes the print page at -100)
def on_post_build(*, config: MkDocsConfig) -> None:
    _log(check_site(Path(config.site_dir), _root(config), config.site_url, _kept_scans))
    if _kept_scans is not None:
        _kept_scans.save()


# End definition of MkDocs hooks
