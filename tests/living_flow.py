"""The release flow a maintainer runs, in a fresh git copy of the project: publish, edit, release.

`run_flow` returns the copy, the two versions and the gh-pages branch checked out as a folder, so that
tests (and the browser tests) can read and serve both versions side by side.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from livingreview.core.project import ROOT

IGNORE = shutil.ignore_patterns(".venv", "site", ".cache", "node_modules", ".git", "__pycache__", ".pytest_cache",
                                "mike-mkdocs*.yml")
EDITED_PAGE = "docs/sites/lung.md"
NEW_SECTION = "## A section added for the release test {#release-test}"


@dataclass
class Flow:
    project: Path
    first: str
    second: str
    pages: Path  # the gh-pages branch's files
    release_log: str


def run(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project / "scripts"), "NO_MKDOCS_2_WARNING": "1",
           "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org"}
    result = subprocess.run(list(args), cwd=project, capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-2000:]}\n"
                             f"{result.stderr[-3000:]}")
    return result


def git_copy(target: Path) -> Path:
    """The project's sources in `target`, as a git repository with one commit."""
    shutil.copytree(ROOT, target, ignore=IGNORE)
    run(target, "git", "init", "-q", "-b", "main")
    run(target, "git", "add", "-A")
    run(target, "git", "commit", "-q", "-m", "Initial copy")
    return target


def livingreview(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return run(project, sys.executable, "-m", "livingreview", *args, check=check)


def current_version(project: Path) -> str:
    return re.search(r"(?m)^    version: *([0-9.]+)", (project / "mkdocs.yml").read_text(encoding="utf-8"))[1]


def next_patch(version: str) -> str:
    major, minor, patch = map(int, version.split("."))
    return f"{major}.{minor}.{patch + 1}"


def run_flow(workdir: Path) -> Flow:
    project = git_copy(workdir / "project")
    first = current_version(project)
    livingreview(project, "publish")
    page = project / EDITED_PAGE
    text = page.read_text(encoding="utf-8")
    marker = "## Related pages {#related-pages}"
    page.write_text(text.replace(marker, f"{NEW_SECTION}\n\nThe release test adds this paragraph to check the change "
                                 f"summary [@rtog0617].\n\n{marker}", 1), encoding="utf-8")
    run(project, "git", "commit", "-q", "-am", "Edit the lung page")
    second = next_patch(first)
    released = livingreview(project, "release", "--version", second, "--summary", "A test release.",
                            "--date", "2026-12-31")
    livingreview(project, "publish")
    pages = workdir / "gh-pages"
    pages.mkdir()
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=project, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(pages)], input=archive, check=True)
    return Flow(project, first, second, pages, released.stderr)
