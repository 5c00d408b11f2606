"""The checks' result kept between builds (livingreview.speed.checks_cache): reused only while no input changed."""

from __future__ import annotations

import json

import pytest

from livingreview.core import digest_cache, project
from livingreview.speed import checks_cache
from livingreview.checks import run_checks

LUNG = "docs/sites/lung.md"


def kept(root) -> checks_cache.KeptFindings:
    """The kept findings for the inputs `root` has now (as a build's first step takes them)."""
    return checks_cache.KeptFindings(root, root / ".cache" / "checks.json")


def test_unchanged_inputs_reuse_the_findings(project_copy):
    findings = run_checks(project_copy)
    assert kept(project_copy).get() is None, "nothing is kept before a build keeps it"
    kept(project_copy).keep(findings)
    assert kept(project_copy).get() == findings


@pytest.mark.parametrize("edit", [
    (LUNG, "\nA new claim cites a key nobody defined [@nosuchkey2099].\n"),
    ("bib/references.bib", "\n@article{broken,\n"),
    ("mkdocs.yml", "\n# a comment\n"),
    ("overrides/partials/review-notice.html", "\n"),
    ("scripts/livingreview/checks/cite.py", "\n"),
])
def test_any_input_edit_runs_the_checks_again(project_copy, monkeypatch, request, edit):
    path, text = edit
    monkeypatch.setattr(project, "PACKAGE", project_copy / "scripts" / "livingreview")  # the copy's code
    request.addfinalizer(digest_cache.code_digest.cache_clear)  # the digest of the copy is not this checkout's
    digest_cache.code_digest.cache_clear()
    kept(project_copy).keep(run_checks(project_copy))
    with open(project_copy / path, "a", encoding="utf-8") as handle:
        handle.write(text)
    digest_cache.code_digest.cache_clear()  # a new build process reads the code afresh
    assert kept(project_copy).get() is None, f"editing {path} did not invalidate the kept findings"


def test_a_new_finding_is_reported_after_an_edit(project_copy):
    kept(project_copy).keep(run_checks(project_copy))
    with open(project_copy / LUNG, "a", encoding="utf-8") as handle:
        handle.write("\nA new claim cites a key nobody defined [@nosuchkey2099].\n")
    assert kept(project_copy).get() is None
    findings = run_checks(project_copy)
    kept(project_copy).keep(findings)
    assert any(f.path == LUNG and f.check == "citation-unknown-key" for f in kept(project_copy).get()), findings


@pytest.mark.parametrize("damage", ["{", '{"key": KEY}', '{"key": KEY, "findings": [{"path": 1}]}'])
def test_a_damaged_cache_is_not_trusted(project_copy, damage):
    lookup = kept(project_copy)
    lookup.cache_file.parent.mkdir(parents=True, exist_ok=True)
    lookup.cache_file.write_text(damage.replace("KEY", json.dumps(lookup.key)), encoding="utf-8")
    assert lookup.get() is None


def test_the_date_is_part_of_the_key(project_copy, monkeypatch):
    today = checks_cache.inputs_digest(project_copy)

    class Tomorrow:
        @staticmethod
        def today():
            import datetime
            return datetime.date.today() + datetime.timedelta(days=1)

    monkeypatch.setattr(checks_cache, "date", Tomorrow)
    assert checks_cache.inputs_digest(project_copy) != today
