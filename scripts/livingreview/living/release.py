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
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from livingreview.citing.records import CitingConfigError, Review, review_from_config, versioned_url
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

    rows = text.split("\n")
    preferred_from = next((n for n, row in enumerate(rows) if row.startswith("preferred-citation:")), len(rows))

    def expect(where: dict, key: str, wanted: str | None, label: str) -> None:
        value = where.get(key)
        shown = None if value is None else _cff_date(value)
        if shown != wanted:
            start = preferred_from if label else 0
            line = next((n for n, row in enumerate(rows[start:], start + 1) if row.strip().startswith(f"{key}:")), 1)
            findings.append(Finding(path, line, "error", f"{label}{key} is {shown!r}, mkdocs.yml says {wanted!r}",
                                    CHECK))

    preferred = data.get("preferred-citation") or {}
    if not preferred:
        findings.append(Finding(path, 1, "error", "no preferred-citation", CHECK))
    for where, label in ((data, ""), (preferred, "preferred-citation.")):
        expect(where, "title", review.title, label)
        expect(where, "version", review.version, label)
        expect(where, "date-released", review.released.isoformat(), label)
        # The project lives at the site; its preferred citation is this version's frozen copy.
        expect(where, "url", review.url if label else review.site, label)
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


# --- Making a release ------------------------------------------------------------------

MKDOCS_VERSION = re.compile(r"^(?P<indent>\s+)version: *(?P<value>[0-9.]+)(?P<rest>.*)$", re.M)
MKDOCS_RELEASED = re.compile(r"^(?P<indent>\s+)released: *(?P<value>\d{4}-\d{2}-\d{2})(?P<rest>.*)$", re.M)


class ReleaseError(RuntimeError):
    """A release refused: the message says why; nothing was changed."""


@dataclass(frozen=True)
class ReleasePlan:
    version: str
    previous: str
    released: datetime.date
    files: dict[str, str]  # project-relative path -> new text
    summary: str


def _replace_once(pattern: re.Pattern[str], text: str, value: str, where: str) -> str:
    found = list(pattern.finditer(text))
    if len(found) != 1:
        raise ReleaseError(f"{where}: expected one line to update, found {len(found)}")
    match = found[0]
    return text[:match.start()] + f"{match['indent']}{match.group(0).split(':')[0].strip()}: {value}{match['rest']}" \
        + text[match.end():]


def bumped_mkdocs_yml(text: str, version: str, released: datetime.date) -> str:
    """mkdocs.yml with `extra.review`'s version and released date changed, everything else (comments) kept."""
    review = text.index("\n  review:")
    head, tail = text[:review], text[review:]
    tail = _replace_once(MKDOCS_VERSION, tail, version, "mkdocs.yml extra.review.version")
    tail = _replace_once(MKDOCS_RELEASED, tail, released.isoformat(), "mkdocs.yml extra.review.released")
    return head + tail


def bumped_cff(text: str, version: str, released: datetime.date, url: str) -> str:
    text = re.sub(r"(?m)^(\s*)version: .*$", rf"\g<1>version: {version}", text)
    text = re.sub(r"(?m)^(\s*)date-released: .*$", rf"\g<1>date-released: {released.isoformat()}", text)
    text = re.sub(r"(?m)^(\s*)year: .*$", rf"\g<1>year: {released.year}", text)
    text = re.sub(r"(?m)^(\s*)month: .*$", rf"\g<1>month: {released.month}", text)
    # The project's url is the site; the preferred citation points at this version's frozen copy.
    return re.sub(r'(?m)^(\s+)url: ".*"$', rf'\g<1>url: "{url}"', text)


def changelog_with(text: str, version: str, released: datetime.date, summary: str, changes_markdown: str,
                   previous: str) -> str:
    """The changelog with the new version's entry on top: the maintainer's summary, then what changed."""
    anchor = "v" + version.replace(".", "-")
    entry = "\n".join([
        f"## Version {version} ({released.isoformat()}) {{#{anchor}}}", "",
        summary.strip(), "",
        f"### What changed since version {previous} {{#{anchor}-changes}}", "",
        "Generated from the release manifests (published/manifests/): sections by their stable id, compared by "
        "text. <!-- no-claim -->", "",
        changes_markdown, "", ""])
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if ENTRY.match(line)), len(lines))
    front = split_front_matter(text)
    head = "\n".join(lines[:first])
    head = re.sub(r"(?m)^updated: .*$", f"updated: {released.isoformat()}", head, count=1) if front.data else head
    return head.rstrip("\n") + "\n\n" + entry + "\n".join(lines[first:])  # a blank line before the entry


def plan_release(root: Path, version: str, summary: str, released: datetime.date) -> ReleasePlan:
    """Everything a release writes, checked first; raises ReleaseError (changing nothing) when it must refuse."""
    from livingreview.checks import run_checks
    from livingreview.core.findings import has_errors
    from livingreview.living import changes, manifest

    if version_key(version) is None:
        raise ReleaseError(f"'{version}' is not a version number X.Y.Z")
    if not summary.strip():
        raise ReleaseError("give a one-line summary: make release VERSION=X.Y.Z SUMMARY=\"...\"")
    config = load_mkdocs_yaml(root / "mkdocs.yml")
    try:
        review = review_from_config(config.data.get("extra"), site_name=str(config.data.get("site_name", "")),
                                    site_url=config.data.get("site_url"))
    except CitingConfigError as exc:
        raise ReleaseError(str(exc)) from exc
    if version_key(version) <= version_key(review.version):
        raise ReleaseError(f"version {version} is not newer than the current version {review.version}")
    if released < review.released:
        raise ReleaseError(f"release date {released} is before the current version's ({review.released})")
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True)
    if status.returncode != 0:
        raise ReleaseError(f"{root} is not a git checkout: a release commits and tags")
    if status.stdout.strip():
        raise ReleaseError("the working tree has uncommitted changes: commit or stash them first\n"
                           + status.stdout.rstrip())
    if subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/v{version}"], cwd=root,
                      capture_output=True).returncode == 0:
        raise ReleaseError(f"the tag v{version} exists already")
    findings = run_checks(root)
    if has_errors(findings):
        errors = [str(f) for f in findings if f.severity == "error"]
        raise ReleaseError(f"make check fails ({len(errors)} errors), first: {errors[0]}")
    recorded = manifest.load_manifests(root)
    before = [m for m in recorded if manifest.version_key(m.version) < manifest.version_key(version)]
    new = manifest.build_manifest(root, version, released.isoformat())
    found = changes.compare(before[-1] if before else None, new)
    previous = review.version
    url = versioned_url(review.site, version)
    files = {
        "mkdocs.yml": bumped_mkdocs_yml((root / "mkdocs.yml").read_text(encoding="utf-8"), version, released),
        CFF: bumped_cff((root / CFF).read_text(encoding="utf-8"), version, released, url),
        CHANGELOG: changelog_with((root / CHANGELOG).read_text(encoding="utf-8"), version, released, summary,
                                  changes.to_markdown(found), previous),
        manifest.manifest_path(root, version).relative_to(root).as_posix(): new.to_json(),
    }
    return ReleasePlan(version, previous, released, files, summary)


def make_release(root: Path, version: str, summary: str, released: datetime.date, *, say=print) -> None:
    """Bump the version everywhere it lives, record the manifest and the published anchors, commit, tag."""
    from livingreview.citing.anchors import publish as publish_anchors
    from livingreview.core.atomic import write_atomic

    plan = plan_release(root, version, summary, released)
    originals = {path: (root / path).read_bytes() if (root / path).exists() else None for path in plan.files}
    try:
        for path, text in plan.files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(root / path, text)
        anchor_findings, anchor_summary = publish_anchors(root)
        say(f"release: {anchor_summary}")
        problems = check_release(root) + [f for f in anchor_findings if f.severity == "error"]
        if problems:
            raise ReleaseError("the release files disagree: " + "; ".join(map(str, problems[:3])))
        for args in (["add", "-A"], ["commit", "-q", "-m", f"Release {version}: {summary.strip()}"],
                     ["tag", "-a", f"v{version}", "-m", f"Version {version} ({released.isoformat()})"]):
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
            if done.returncode != 0:
                raise ReleaseError(f"git {args[0]} failed: {(done.stderr or done.stdout).strip()[-400:]}")
    except BaseException:
        for path, data in originals.items():  # a refused release leaves the tree as it was
            if data is None:
                (root / path).unlink(missing_ok=True)
            else:
                (root / path).write_bytes(data)
        subprocess.run(["git", "checkout", "--", "published/anchors.json"], cwd=root, capture_output=True)
        raise
    say(f"release: version {version} ({released.isoformat()}) committed and tagged v{version}")
