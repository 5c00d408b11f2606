"""The corpus in tests/cases/checks/: one folder per bad input, applied to a copy of a base project.

A case folder holds `case.yaml`:

    about: what is wrong
    base: minimal | real      # default minimal (tests/cases/checks/_minimal); real = this project
    edits:                    # exact replacements in the base's files (each `find` must occur once)
      - {path: docs/sites/alpha.md, find: "...", replace: "..."}
    remove: [path, ...]       # files of the base to delete
    expect:                   # every error finding the fault causes
      - {path: docs/sites/alpha.md, line: 13, check: citation-unknown-key}

and optionally `files/`, copied over the base (new files, or whole-file replacements).
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from livingreview.core.project import ROOT

CASES_DIR = Path(__file__).parent / "cases" / "checks"
MINIMAL = CASES_DIR / "_minimal"
# What the checks read of the real project.
REAL_PARTS = ("mkdocs.yml", "docs", "bib", "overrides")


@dataclass
class Case:
    name: str
    folder: Path
    spec: dict

    @property
    def base(self) -> str:
        return self.spec.get("base", "minimal")

    @property
    def expected(self) -> set[tuple[str, int, str]]:
        return {(e["path"], int(e["line"]), e["check"]) for e in self.spec.get("expect") or []}


def load_cases() -> list[Case]:
    return [Case(folder.name, folder, yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8")))
            for folder in sorted(CASES_DIR.iterdir()) if (folder / "case.yaml").is_file()]


def copy_base(base: str, target: Path) -> Path:
    if base == "minimal":
        shutil.copytree(MINIMAL, target)
    else:
        target.mkdir(parents=True)
        for part in REAL_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, target / part)
            else:
                shutil.copy2(source, target / part)
    return target


def make_project(case: Case, target: Path) -> Path:
    """The base project with the case's fault applied, in `target`."""
    project = copy_base(case.base, target)
    for edit in case.spec.get("edits") or []:
        path = project / edit["path"]
        text = path.read_text(encoding="utf-8")
        count = text.count(edit["find"])
        assert count == 1, f"{case.name}: 'find' occurs {count} times in {edit['path']}: {edit['find']!r}"
        path.write_text(text.replace(edit["find"], edit["replace"]), encoding="utf-8")
    for relative in case.spec.get("remove") or []:
        (project / relative).unlink()
    overlay = case.folder / "files"
    if overlay.is_dir():
        shutil.copytree(overlay, project, dirs_exist_ok=True)
    return project


def tree_digest(folder: Path) -> str:
    """One hash of every file's path, bytes and mode under `folder`: any change on disk changes it."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes() + oct(path.stat().st_mode).encode() + b"\0")
    return digest.hexdigest()
