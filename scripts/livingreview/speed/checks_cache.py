"""The source checks' findings kept between builds while none of their inputs changed.

Every build runs the checks (livingreview/build/checks.py); at 200 pages and 3,000
entries they take about 2 s, and a `mkdocs serve` rebuild after an edit of one
page runs them all again. Their result depends only on what they
read (mkdocs.yml, every file under docs/, bib/ and the theme's overrides/),
on their own code (the livingreview package) and on the date (dates in the
future are findings), so it is kept in .cache/checks.json under a digest of
all of these and reused while the digest is unchanged. `make check` always
runs them afresh.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

from livingreview.core.atomic import write_cache
from livingreview.core.digest_cache import code_digest
from livingreview.core.findings import Finding
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml

def inputs_digest(root: Path) -> str:
    """Digest of everything the checks' result depends on."""
    mkdocs = load_mkdocs_yaml(root / "mkdocs.yml")
    folders = (root / mkdocs.docs_dir(), root / mkdocs.bib_dir(), root / mkdocs.custom_dir())
    files = [root / "mkdocs.yml", *(f for folder in folders for f in _files(folder))]
    digest = hashlib.sha256(date.today().isoformat().encode() + code_digest())  # the checks' own code too
    for path in files:
        digest.update(b"\0" + str(path).encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            digest.update(f"unreadable: {exc.errno}".encode())  # the checks report it; rerun them
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


class KeptFindings:
    """The findings kept in `cache_file` for the inputs `root` has now (the digest is taken at once)."""

    def __init__(self, root: Path, cache_file: Path):
        self.key, self.cache_file = inputs_digest(root), cache_file

    def get(self) -> list[Finding] | None:
        """The kept findings, or None when the file holds none for these inputs."""
        try:
            kept = json.loads(self.cache_file.read_text(encoding="utf-8"))
            if kept.get("key") == self.key:
                return [Finding(**f) for f in kept["findings"]]
        except (OSError, ValueError, TypeError, KeyError):
            pass  # missing or damaged: run the checks
        return None

    def keep(self, findings: list[Finding]) -> None:
        write_cache(self.cache_file, json.dumps({"key": self.key, "findings": [asdict(f) for f in findings]}))
