"""Formatted reference text: one pandoc call per build, a cache on disk, clean output.

mkdocs-bibtex 4.4.0 runs pandoc once per page and hands it the whole .bib. Here
every citation of every page is formatted in one batch, with only the cited
entries, through the plugin's own pandoc routine (so the text is identical to
what it would have produced page by page), and kept in a cache keyed by the
entry's content, the CSL file and the pandoc version.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Iterable

import pypandoc
from pybtex.database import BibliographyData

NOCASE = re.compile(r"\[([^\[\]]*)\]\{\.nocase\}")


def clean_reference_text(text: str) -> str:
    """Remove pandoc span markup that would reach the page as literal text.

    With the AMA CSL, pandoc 3 wraps author lists ending in "and others" as
    ``[Doe J, et al.]{.nocase}``; Python-Markdown does not know that syntax.
    """
    return NOCASE.sub(r"\1", text)


class ReferenceCache:
    """Formatted text per entry, persisted as one JSON file; written only on change."""

    def __init__(self, path: Path | None):
        self.path = path
        self.data: dict[str, str] = {}
        if path and path.exists():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, OSError):
                self.data = {}  # a corrupt cache is rebuilt, never trusted
        self._dirty = False

    def get(self, digest: str) -> str | None:
        return self.data.get(digest)

    def put(self, digest: str, text: str) -> None:
        if self.data.get(digest) != text:
            self.data[digest] = text
            self._dirty = True

    def save(self) -> None:
        if not (self.path and self._dirty):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, sort_keys=True, indent=0)
        os.replace(tmp, self.path)
        self._dirty = False


def style_fingerprint(csl_file: str) -> str:
    digest = hashlib.sha256(Path(csl_file).read_bytes())
    digest.update(pypandoc.get_pandoc_version().encode())
    return digest.hexdigest()


def entry_digest(bib_data: BibliographyData, key: str, fingerprint: str) -> str:
    single = BibliographyData(entries={key: bib_data.entries[key]})
    return hashlib.sha256((fingerprint + single.to_string("bibtex")).encode()).hexdigest()


def prefill_registry(registry, keys: Iterable[str], cache: ReferenceCache) -> int:
    """Put formatted text for `keys` into a mkdocs-bibtex PandocRegistry.

    Returns how many entries had to go through pandoc (0 on a warm cache).
    """
    from mkdocs_bibtex.citation import Citation, CitationBlock

    fingerprint = style_fingerprint(registry.csl_file)
    wanted = sorted({k for k in keys if k in registry.bib_data.entries} - set(registry._reference_cache))
    digests = {k: entry_digest(registry.bib_data, k, fingerprint) for k in wanted}
    missing = [k for k in wanted if cache.get(digests[k]) is None]
    if missing:
        subset = copy.copy(registry)  # same CSL and settings, only the entries we need
        subset.__dict__.pop("bib_data_bibtex", None)
        subset.bib_data = BibliographyData(entries={k: registry.bib_data.entries[k] for k in missing})
        _, formatted = subset._process_with_pandoc([CitationBlock([Citation(k)]) for k in missing])
        for key, text in formatted.items():
            if key in digests:
                cache.put(digests[key], text)
    for key in wanted:
        text = cache.get(digests[key])
        if text is not None:
            registry._reference_cache[key] = text
    cache.save()
    return len(missing)
