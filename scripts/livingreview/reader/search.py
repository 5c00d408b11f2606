"""The site's search index: Pagefind (https://pagefind.app), a static index in chunks, made from the
built pages after every build.

Material's own search puts every page into one search_index.json that each
reader downloads on their first page (222 KB for 22 pages, growing with every
page). Pagefind writes the index in small chunks; the reader's browser fetches
only the chunks for the words typed, and nothing before the reader types
(docs/javascripts/search.js). `pagefind` on PyPI bundles its binary
(pagefind_bin), pinned in requirements.lock.

Only each page's article is indexed (overrides/main.html marks it with
data-pagefind-body); the whole-review print page and pages whose front matter
says `search: {exclude: true}` are left out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

BUNDLE = "pagefind"  # the index's folder in the site
INDEXED_MARK = b"data-pagefind-body"  # on the element Pagefind indexes; pages without it are left out


class SearchIndexError(RuntimeError):
    pass


TIMEOUT = 600  # seconds
Started = Callable[[subprocess.Popen], None]  # told of the Pagefind process as soon as it runs


def index_site(site: Path, started: Started | None = None) -> None:
    """Write the search index of the built site into site/pagefind/ (replacing an older one).

    `started` gets the Pagefind process as soon as it runs, for a caller that may have to stop it (a
    `mkdocs serve` rebuild whose site MkDocs is about to empty: Pagefind can hang when its pages vanish)."""
    shutil.rmtree(site / BUNDLE, ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", BUNDLE, "--silent"]
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            if started is not None:
                started(process)
            try:
                stdout, stderr = process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                process.kill()
                process.communicate()
                raise SearchIndexError(f"Pagefind did not finish in {TIMEOUT} s") from exc
    except OSError as exc:
        raise SearchIndexError(f"Pagefind did not run: {exc}") from exc
    if process.returncode != 0 or not (site / BUNDLE / "pagefind.js").is_file():
        detail = (stderr or stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed" + (f": {detail[-1]}" if detail else f" (exit {process.returncode})"))
