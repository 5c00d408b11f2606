"""The checks' result kept between builds (livingreview.speed.checks_cache): reused only while no input changed."""

from __future__ import annotations

import json

import pytest

from livingreview.core import digest_cache, project
from livingreview.speed import checks_cache
from livingreview.checks import run_checks

LUNG = "docs/sites/lung.md"


@pytest.fixture
def counted(monkeypatch):
    """run_checks as the cache calls it, counting the calls."""
    calls = []

    def counting(root):
        calls.append(root)
        return run_checks(root)

    monkeypatch.setattr(checks_cache, "run_checks", counting)
    return calls


def test_unchanged_inputs_reuse_the_findings(project_copy, counted):
    cache_file = project_copy / ".cache" / "checks.json"
    first = checks_cache.cached_checks(project_copy, cache_file)
    assert checks_cache.cached_checks(project_copy, cache_file) == first == run_checks(project_copy)
    assert len(counted) == 1, "the second call ran the checks again"


@pytest.mark.parametrize("edit", [
    (LUNG, "\nA new claim cites a key nobody defined [@nosuchkey2099].\n"),
    ("bib/references.bib", "\n@article{broken,\n"),
    ("mkdocs.yml", "\n# a comment\n"),
    ("overrides/partials/review-notice.html", "\n"),
    ("scripts/livingreview/checks/cite.py", "\n"),
])
def test_any_input_edit_runs_the_checks_again(project_copy, counted, monkeypatch, request, edit):
    path, text = edit
    cache_file = project_copy / ".cache" / "checks.json"
    monkeypatch.setattr(project, "PACKAGE", project_copy / "scripts" / "livingreview")  # the copy's code
    request.addfinalizer(digest_cache.code_digest.cache_clear)  # the digest of the copy is not this checkout's
    digest_cache.code_digest.cache_clear()
    checks_cache.cached_checks(project_copy, cache_file)
    with open(project_copy / path, "a", encoding="utf-8") as handle:
        handle.write(text)
    digest_cache.code_digest.cache_clear()  # a new build process reads the code afresh
    after = checks_cache.cached_checks(project_copy, cache_file)
    assert len(counted) == 2, f"editing {path} did not invalidate the kept findings"
    assert after == run_checks(project_copy)


def test_a_new_finding_is_reported_after_an_edit(project_copy):
    cache_file = project_copy / ".cache" / "checks.json"
    assert not [f for f in checks_cache.cached_checks(project_copy, cache_file) if f.severity == "error"]
    with open(project_copy / LUNG, "a", encoding="utf-8") as handle:
        handle.write("\nA new claim cites a key nobody defined [@nosuchkey2099].\n")
    findings = checks_cache.cached_checks(project_copy, cache_file)
    assert any(f.path == LUNG and f.check == "citation-unknown-key" for f in findings), findings


@pytest.mark.parametrize("damage", ["{", json.dumps({"key": "x"}), json.dumps({"findings": [{"path": 1}]})])
def test_a_damaged_cache_runs_the_checks(project_copy, counted, damage):
    cache_file = project_copy / ".cache" / "checks.json"
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(damage, encoding="utf-8")
    assert checks_cache.cached_checks(project_copy, cache_file) == run_checks(project_copy)
    assert len(counted) == 1


def test_the_date_is_part_of_the_key(project_copy, monkeypatch):
    today = checks_cache.inputs_digest(project_copy)

    class Tomorrow:
        @staticmethod
        def today():
            import datetime
            return datetime.date.today() + datetime.timedelta(days=1)

    monkeypatch.setattr(checks_cache, "date", Tomorrow)
    assert checks_cache.inputs_digest(project_copy) != today
