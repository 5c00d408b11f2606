"""One version everywhere: mkdocs.yml extra.review, CITATION.cff and the changelog agree."""

from __future__ import annotations

import datetime

import pytest
from cffconvert import Citation

from livingreview.living import release
from livingreview.citing.records import review_from_config
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.project import ROOT


@pytest.fixture(scope="module")
def review():
    data = load_mkdocs_yaml(ROOT / "mkdocs.yml").data
    return review_from_config(data["extra"], site_name=data["site_name"], site_url=data["site_url"])


def test_the_project_agrees_with_itself():
    findings = release.check_release(ROOT)
    assert not findings, "\n".join(map(str, findings))


def test_citation_cff_is_valid_and_carries_the_version(review):
    citation = Citation((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    citation.validate()  # raises on anything that is not CFF 1.2.0
    assert citation.cffobj["cff-version"] == "1.2.0"
    assert citation.cffobj["version"] == review.version
    assert str(citation.cffobj["date-released"]) == review.released.isoformat()
    assert citation.cffobj["preferred-citation"]["version"] == review.version
    assert ("doi" in citation.cffobj) == (review.doi is not None)


def test_changelog_newest_entry_is_the_version(review):
    entries = release.changelog_entries((ROOT / "docs" / "changelog.md").read_text(encoding="utf-8"))
    assert (entries[0].version, entries[0].date) == (review.version, review.released.isoformat())
    assert entries[-1].version == "0.1.0" and entries[-1].date == "2026-11-27"  # the first version
    assert all(entry.summary for entry in entries)


CHANGELOG = """---
title: Changelog
---

# Changelog

## Version 0.2.0 (2027-03-01) {#v0-2-0}

- Added a page.

## Version 0.1.0 (2026-11-27) {#v0-1-0}

First version.
"""


def test_changelog_behind_the_config_is_reported(review):
    findings = release.check_changelog(CHANGELOG.replace("## Version 0.2.0 (2027-03-01) {#v0-2-0}\n\n- Added a "
                                                         "page.\n\n", ""), _bumped(review), "docs/changelog.md")
    [finding] = findings
    assert finding.line == 7 and "newest entry is 0.1.0 (2026-11-27)" in finding.message
    assert "says 0.2.0 (2027-03-01)" in finding.message


def _bumped(review):
    from dataclasses import replace

    return replace(review, version="0.2.0", released=datetime.date(2027, 3, 1))


@pytest.mark.parametrize("broken, message", [
    (CHANGELOG.replace("- Added a page.\n", ""), "has no summary"),
    (CHANGELOG.replace("0.1.0 (2026-11-27)", "0.3.0 (2026-11-27)"), "out of order"),
    (CHANGELOG.replace(" {#v0-1-0}", ""), "stable id"),
    (CHANGELOG.replace("(2026-11-27)", "(Nov 2026)"), "not a date"),
])
def test_changelog_problems_name_the_line(review, broken, message):
    findings = release.check_changelog(broken, _bumped(review))
    assert any(message in f.message and f.line > 1 for f in findings), findings


def test_cff_that_disagrees_is_reported(review):
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    findings = release.check_cff(text.replace(f"version: {review.version}", "version: 9.9.9"), review)
    assert {f.message.split(" is ")[0] for f in findings} == {"version", "preferred-citation.version"}
    assert all(f.line > 1 for f in findings)
    findings = release.check_cff(text.replace("cff-version: 1.2.0", "cff-version: 1.2.0\nnot-a-key: 1"), review)
    assert findings and "not valid CFF 1.2.0" in findings[0].message


def test_a_doi_in_the_config_must_be_in_the_cff(review):
    from dataclasses import replace

    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    findings = release.check_cff(text, replace(review, doi="10.5281/zenodo.1234567"))
    assert {f.message.split(" is ")[0] for f in findings} == {"doi", "preferred-citation.doi"}
