"""One version everywhere: mkdocs.yml `extra.review` is the source; CITATION.cff and the changelog follow it.

- docs/changelog.md: entries `## Version X.Y.Z (YYYY-MM-DD) {#vX-Y-Z}`, newest
  first, each with a summary; the newest is the configured version and date.
- CITATION.cff: valid CFF 1.2.0 (cffconvert), with the same title, version,
  release date, URL and DOI (none when none is configured), and a preferred-citation
  that agrees too.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from livingreview.citing.records import CitingConfigError, Review, review_from_config
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import split_front_matter
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml

CHANGELOG = "docs/changelog.md"
CFF = "CITATION.cff"
CHECK = "release"
ENTRY = re.compile(r"^## Version (?P<version>\S+) \((?P<date>[^)]*)\)(?P<rest>.*)$")
VERSION_KEY = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: str
    line: int
    anchor: str | None
    summary: str


def changelog_entries(text: str) -> list[ChangelogEntry]:
    """The `## Version ...` entries of the changelog, in file order, with their summary text."""
    lines = text.split("\n")
    start = split_front_matter(text).body_start
    found: list[tuple[int, re.Match[str]]] = [(i, m) for i in range(start, len(lines))
                                              if (m := ENTRY.match(lines[i].rstrip()))]
    entries: list[ChangelogEntry] = []
    for n, (i, match) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        body = "\n".join(lines[i + 1:end])
        body = body.split("\n## ", 1)[0]  # stop at any other second-level heading
        anchor = re.search(r"\{#([\w-]+)\}", match["rest"])
        entries.append(ChangelogEntry(match["version"], match["date"], i + 1, anchor[1] if anchor else None,
                                      body.strip()))
    return entries


def version_key(version: str) -> tuple[int, ...] | None:
    match = VERSION_KEY.match(version)
    return tuple(int(part) for part in match.groups()) if match else None


def check_changelog(text: str, review: Review, path: str = CHANGELOG) -> list[Finding]:
    entries = changelog_entries(text)
    if not entries:
        return [Finding(path, 1, "error", "no entry such as `## Version 0.1.0 (2026-11-27) {#v0-1-0}`", CHECK)]
    findings: list[Finding] = []
    newest = entries[0]
    if newest.version != review.version or newest.date != review.released.isoformat():
        findings.append(Finding(path, newest.line, "error", f"newest entry is {newest.version} ({newest.date}); "
                                f"mkdocs.yml extra.review says {review.version} ({review.released.isoformat()})", CHECK))
    previous: tuple[tuple[int, ...], datetime.date] | None = None
    for entry in entries:
        key = version_key(entry.version)
        try:
            day = datetime.date.fromisoformat(entry.date)
        except ValueError:
            findings.append(Finding(path, entry.line, "error", f"'{entry.date}' is not a date YYYY-MM-DD", CHECK))
            continue
        if key is None:
            findings.append(Finding(path, entry.line, "error", f"'{entry.version}' is not a version X.Y.Z", CHECK))
            continue
        if not entry.summary:
            findings.append(Finding(path, entry.line, "error", f"version {entry.version} has no summary of what "
                                    "changed", CHECK))
        if previous and (key >= previous[0] or day > previous[1]):
            findings.append(Finding(path, entry.line, "error", f"version {entry.version} is out of order: newest "
                                    "first, each older than the one above", CHECK))
        if entry.anchor is None:
            findings.append(Finding(path, entry.line, "error", f"give the entry a stable id: "
                                    f"{{#v{entry.version.replace('.', '-')}}}", CHECK))
        previous = (key, day)
    return findings


def _cff_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def check_cff(text: str, review: Review, path: str = CFF) -> list[Finding]:
    from cffconvert import Citation

    try:
        Citation(text).validate()
    except Exception as exc:  # cffconvert raises jsonschema / ruamel errors of several kinds
        return [Finding(path, 1, "error", f"not valid CFF 1.2.0: {str(exc).splitlines()[0]}", CHECK)]
    data = yaml.safe_load(text)
    findings: list[Finding] = []

    def expect(where: dict, key: str, wanted: str | None, label: str) -> None:
        value = where.get(key)
        shown = None if value is None else _cff_date(value)
        if shown != wanted:
            line = next((n for n, row in enumerate(text.split("\n"), 1) if row.strip().startswith(f"{key}:")), 1)
            findings.append(Finding(path, line, "error", f"{label}{key} is {shown!r}, mkdocs.yml says {wanted!r}",
                                    CHECK))

    preferred = data.get("preferred-citation") or {}
    if not preferred:
        findings.append(Finding(path, 1, "error", "no preferred-citation", CHECK))
    for where, label in ((data, ""), (preferred, "preferred-citation.")):
        expect(where, "title", review.title, label)
        expect(where, "version", review.version, label)
        expect(where, "date-released", review.released.isoformat(), label)
        expect(where, "url", review.url, label)
        expect(where, "doi", review.doi, label)
    return findings


def check_release(root: Path) -> list[Finding]:
    """CITATION.cff and the changelog agree with mkdocs.yml's extra.review."""
    config = load_mkdocs_yaml(root / "mkdocs.yml")
    if config.findings:
        return config.findings
    try:
        review = review_from_config(config.data.get("extra"), site_name=str(config.data.get("site_name", "")),
                                    site_url=config.data.get("site_url"))
    except CitingConfigError as exc:
        return [Finding("mkdocs.yml", 1, "error", str(exc), CHECK)]
    findings: list[Finding] = []
    for name, check in ((CHANGELOG, check_changelog), (CFF, check_cff)):
        path = root / name
        if not path.exists():
            findings.append(Finding(name, 1, "error", f"{name} is missing", CHECK))
        else:
            findings += check(path.read_text(encoding="utf-8"), review, name)
    return findings
