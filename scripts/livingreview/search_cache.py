"""The search index's entries of a page kept while the page is unchanged (Material for MkDocs 9's search).

Material's search plugin parses every page's HTML with html.parser on every
build: 1.3 s of a 200-page, 3,000-entry build, most of it on the annotated
bibliography and the reference lists, which rarely change. The entries it makes
for a page depend only on the page (its HTML, table of contents, URL, title and
`search`/`tags` front matter) and on the plugin's code, so they are kept under
a digest of these, in .cache/search.pickle (a DigestCache), and a page whose
digest is known gets its entries without a parse.
`tests/test_batching.py` requires the same search_index.json with and without.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

from livingreview.digest_cache import DigestCache

_original = None  # Material's SearchIndex.add_entry_from_context
_kept = DigestCache(None)  # digest -> the page's entries (install gives it its file)
_material = ""  # Material's version, part of every digest (set by install)


def _toc(items) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items]


def page_digest(page) -> str:
    meta = page.meta
    content = json.dumps([_material, page.url, page.title, meta.get("title"),
                          meta.get("search"), meta.get("tags"), _toc(page.toc), page.content], default=str)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _copy(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return pickle.loads(pickle.dumps(entries))  # what is kept is never the index's own objects


def add_entry_from_context(self, page) -> None:
    digest = page_digest(page)
    kept = _kept.get(digest)
    if kept is not None:
        self.entries.extend(_copy(kept))
        return
    start = len(self.entries)
    _original(self, page)
    _kept.put(digest, _copy(self.entries[start:]))


def install(enabled: bool, cache_file: Path | None) -> bool:
    """Use the kept entries in Material's search plugin (False: Material's own indexing)."""
    global _original, _kept, _material
    try:
        from material.plugins.search.plugin import SearchIndex
    except ImportError:
        return False
    if _original is None:
        _original = SearchIndex.add_entry_from_context
        _material = metadata.version("mkdocs-material")
    if not enabled:
        SearchIndex.add_entry_from_context = _original
        return False
    _kept = DigestCache(cache_file)
    SearchIndex.add_entry_from_context = add_entry_from_context
    return True


def save() -> None:
    """Keep this build's pages only (written when that changed what the file holds)."""
    _kept.save()
