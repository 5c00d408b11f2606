"""The speed layer's patches of third-party internals: each names the version it was written for; another
version is refused with one message and the plain path builds the same site."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from livingreview.speed import patches
from test_batching import NO_BATCH, _build, assert_same_site

# A build in which every distribution reports a version no patch was written for.
REFUSING_BUILD = """
import sys
from livingreview.speed import patches
patches.installed_version = lambda distribution: "0.0.0-other"
from mkdocs.__main__ import cli
cli(["build", "--strict", "--site-dir", sys.argv[1]])
"""


def test_every_patch_names_the_installed_version_it_was_written_for():
    for patch in patches.PATCHES:
        for distribution, version in patch.written_for:
            assert patches.installed_version(distribution) == version, (
                f"{patch.name}: written for {distribution} {version}, {patches.installed_version(distribution)} "
                "is installed: read the new version's code, check the patch, then update speed/patches.py")


def test_another_version_is_refused_once_with_a_message(monkeypatch, caplog):
    monkeypatch.setattr(patches, "installed_version", lambda distribution: "99.0")
    monkeypatch.setattr(patches, "_refused", set())
    caplog.set_level("INFO")
    assert not patches.usable(patches.BATCHED_REFERENCES)
    assert not patches.usable(patches.BATCHED_REFERENCES)
    messages = [r.getMessage() for r in caplog.records if "is off" in r.getMessage()]
    assert len(messages) == 1 and "written for mkdocs-bibtex 4.4.0, and 99.0 is installed" in messages[0]


@pytest.mark.slow
def test_refused_patches_build_the_same_site_as_the_plain_path(project_copy, tmp_path):
    refused = subprocess.run([sys.executable, "-c", REFUSING_BUILD, str(tmp_path / "refused")], cwd=project_copy,
                             capture_output=True, text=True,
                             env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1",
                                  "PYTHONPATH": str(project_copy / "scripts")})
    assert refused.returncode == 0, refused.stderr[-3000:]
    log = refused.stdout + refused.stderr
    for patch in patches.PATCHES:
        assert f"speed: {patch.name} is off" in log, patch.name
    plain = _build(project_copy, tmp_path / "plain", NO_BATCH)
    assert_same_site(tmp_path / "refused", plain)


def test_single_mechanisms_turn_off_by_name(monkeypatch):
    from livingreview.speed import switch

    monkeypatch.delenv(switch.ALL_OFF_ENV, raising=False)
    monkeypatch.setenv(switch.SOME_OFF_ENV, "helper, print-site")
    assert switch.enabled() and switch.enabled("templates")
    assert not switch.enabled("helper") and not switch.enabled("print-site")
    monkeypatch.setenv(switch.ALL_OFF_ENV, "1")
    assert not switch.enabled() and not switch.enabled("templates")


def test_the_bench_can_weigh_every_mechanism_against_its_code():
    from livingreview.speed.switch import MECHANISMS
    from livingreview.tools.bench import MECHANISM_CODE, code_lines

    assert set(MECHANISM_CODE) == set(MECHANISMS)
    for name, specs in MECHANISM_CODE.items():
        assert code_lines(specs) > 5, name  # every module and function listed still exists


@pytest.mark.slow
def test_each_mechanism_off_alone_builds_the_same_site(project_copy, tmp_path):
    from livingreview.speed.switch import MECHANISMS, SOME_OFF_ENV

    plain = _build(project_copy, tmp_path / "plain", NO_BATCH)
    for name in MECHANISMS:
        assert_same_site(_build(project_copy, tmp_path / name, {SOME_OFF_ENV: name}), plain)


# Loaded by every Python process started with it on PYTHONPATH: says when exit handlers run and when Python's
# teardown frees the module's objects.
TEARDOWN_PROBE = """
import atexit, os
atexit.register(lambda: os.write(1, b"probe: exit handlers ran\\n"))
class _Freed:
    def __del__(self):
        os.write(1, b"probe: teardown freed objects\\n")
probe = _Freed()
"""


@pytest.mark.slow
def test_a_built_site_ends_the_process_at_once_and_a_failed_build_exits_as_before(project_copy, tmp_path):
    from conftest import run_mkdocs_build
    from livingreview.speed.switch import SOME_OFF_ENV

    probe = tmp_path / "probe"
    probe.mkdir()
    (probe / "sitecustomize.py").write_text(TEARDOWN_PROBE, encoding="utf-8")
    env = {"PYTHONPATH": str(probe)}
    built = run_mkdocs_build(project_copy, tmp_path / "fast", env)
    assert built.returncode == 0, built.log[-3000:]
    assert "probe: exit handlers ran" in built.log and "teardown freed objects" not in built.log
    assert "Documentation built" in built.log
    plain = run_mkdocs_build(project_copy, tmp_path / "plain", {**env, SOME_OFF_ENV: "fast-exit"})
    assert plain.returncode == 0 and "probe: teardown freed objects" in plain.log
    page = project_copy / "docs" / "sites" / "lung.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[broken](no-such-page.md)\n", encoding="utf-8")
    failed = run_mkdocs_build(project_copy, tmp_path / "failed", env)
    assert failed.returncode == 1, failed.log[-3000:]
    assert "probe: exit handlers ran" in failed.log and "probe: teardown freed objects" in failed.log


def _serve_rebuild_left_indexing(work):
    """What a `mkdocs serve` rebuild leaves behind: its search index still being made by `work` (returned)."""
    from livingreview.build.state import BuildState
    from livingreview.speed import steps

    state = BuildState(Path("."))
    steps.note_command(state, "serve")
    indexing = state.speed.search_indexing = steps.Beside(work)
    steps.wait_for_search_index(state)  # serve: does not wait
    return indexing


def test_a_quick_rebuild_stops_the_last_index_and_reports_nothing_of_it(monkeypatch, caplog):
    """Pagefind can hang when MkDocs empties the site folder under it (seen: a serve rebuild waiting 600 s): an
    index still running when the next rebuild starts is stopped at once, its process killed."""
    from livingreview.speed import steps

    monkeypatch.setattr(steps, "_command", "")
    monkeypatch.setattr(steps, "_unfinished", None)
    caplog.set_level("DEBUG")
    processes: list[subprocess.Popen] = []

    def hanging(started) -> None:  # as Pagefind when its pages vanish
        with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]) as process:
            processes.append(process)
            started(process)
            if process.wait() != 0:
                raise RuntimeError("pagefind killed")

    _serve_rebuild_left_indexing(hanging)
    deadline = time.monotonic() + 30
    while not processes and time.monotonic() < deadline:
        time.sleep(0.01)
    returned = threading.Event()
    threading.Thread(target=lambda: (steps.finish_unfinished(None, None), returned.set()), daemon=True).start()
    assert returned.wait(30), "the next rebuild waited for the last rebuild's index"
    assert processes[0].poll() is not None, "the superseded index's process still runs"
    assert steps._unfinished is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "a stopped index was reported"

    def failing(started) -> None:
        raise RuntimeError("pagefind broke")

    with pytest.raises(RuntimeError):
        _serve_rebuild_left_indexing(failing).wait()
    steps.finish_unfinished(None, None)  # done before the next edit: its failure is said
    assert [r for r in caplog.records if "pagefind broke" in r.getMessage() and r.levelno == logging.WARNING]


def test_an_index_stopped_before_its_process_starts_never_runs_it():
    from livingreview.speed import steps

    go = threading.Event()
    killed: list[bool] = []

    class Process:
        def kill(self) -> None:
            killed.append(True)

    def late(started) -> None:
        go.wait(30)
        started(Process())

    indexing = steps.Beside(late)
    threading.Timer(0.2, go.set).start()
    indexing.stop()
    assert killed == [True]
