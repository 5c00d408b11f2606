"""The build's source-check step (livingreview.build.checks): the checks whose faults stop the build first,
the others perhaps in the helper process beside the build; either way each finding of `make check` is
reported once, and kept for the next build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from livingreview.build import checks as build_checks
from livingreview.build.state import BuildState
from livingreview.checks import run_checks
from livingreview.speed import offload
from livingreview.speed.checks_cache import KeptFindings
from livingreview.speed.switch import SOME_OFF_ENV


@pytest.fixture
def helper_at_once(monkeypatch):
    """Work goes to a fresh helper process from the first second (closed after the test)."""
    monkeypatch.setattr(offload, "_helper", None)
    monkeypatch.setattr(offload, "_cores", lambda: 2)
    monkeypatch.setenv("LIVINGREVIEW_OFFLOAD_AFTER", "0")
    offload.new_build(True)
    yield
    if offload._helper is not None:
        offload._helper.close()


def _break_front_matter(project: Path) -> None:
    """A fault that does not stop the build: a page status outside the vocabulary."""
    page = project / "docs/sites/rectal.md"
    page.write_text(re.sub(r"(?m)^status: .*$", "status: reviewed-by-nobody", page.read_text(encoding="utf-8"),
                           count=1), encoding="utf-8")


def _reported(caplog) -> list[str]:
    return sorted(r.getMessage().split(": ", 1)[1] for r in caplog.records if r.name.endswith("livingreview.checks"))


def _as_reported(findings) -> list[str]:
    return sorted(f"{f.path}:{f.line}: {f.message} [{f.check}]" for f in findings)


@pytest.mark.parametrize("beside", [True, False], ids=["in the helper", "in place"])
def test_the_checks_that_cannot_stop_the_build_report_what_make_check_reports(project_copy, helper_at_once,
                                                                               monkeypatch, caplog, beside):
    _break_front_matter(project_copy)
    if not beside:
        monkeypatch.setenv(SOME_OFF_ENV, "checks-beside")
    expected = run_checks(project_copy)
    assert any(f.check == "front-matter" for f in expected)
    state = BuildState(project_copy)
    caplog.set_level("WARNING")
    build_checks.source_checks(state, config=None)
    if not beside:
        assert _reported(caplog) == _as_reported(expected), "run in place, they are reported at once"
    build_checks.finish_source_checks(state)  # at post_build, once every page is written
    assert _reported(caplog) == _as_reported(expected)
    assert offload.answered().get("livingreview.checks.run_some", 0) == (1 if beside else 0)
    kept = KeptFindings(project_copy, project_copy / ".cache" / "checks.json").get()
    assert kept == expected, "the next build would not find every finding kept"


def test_a_fault_that_stops_the_build_reports_every_finding_first(project_copy, helper_at_once, caplog):
    _break_front_matter(project_copy)
    lung = project_copy / "docs/sites/lung.md"
    lung.write_text(lung.read_text(encoding="utf-8") + "\nA claim cites nothing known [@nosuchkey2099].\n",
                    encoding="utf-8")
    caplog.set_level("WARNING")
    with pytest.raises(PluginError, match="unknown citation key first at docs/sites/lung.md"):
        build_checks.source_checks(BuildState(project_copy), config=None)
    assert _reported(caplog) == _as_reported(run_checks(project_copy))
    assert offload._helper is None, "a build that stops needs no helper"
