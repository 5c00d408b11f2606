"""The search index's entries of a page kept while the page is unchanged (Material for MkDocs 9's search).

Material's search plugin parses every page's HTML with html.parser on every
build: 1.3 s of a 200-page, 3,000-entry build, most of it on the annotated
bibliography and the reference lists, which rarely change. The entries it makes
for a page depend only on the page (its HTML, table of contents, URL, title and
`search`/`tags` front matter) and on the plugin's code, so they are kept under
a digest of these, in .cache/search.pickle and in memory across `mkdocs serve`
rebuilds, and a page whose digest is known gets its entries without a parse.
`tests/test_batching.py` requires the same search_index.json with and without.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from importlib import metadata
from pathlib import Path
from typing import Any

from livingreview.atomic import write_cache

_original = None  # Material's SearchIndex.add_entry_from_context
_kept: dict[str, list[dict[str, Any]]] = {}  # digest -> the page's entries
_used: set[str] = set()  # digests asked for in this build: what is saved
_saved: set[str] = set()  # digests in the cache file as last read or written
_loaded_from: Path | None = None
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
    _used.add(digest)
    if digest in _kept:
        self.entries.extend(_copy(_kept[digest]))
        return
    start = len(self.entries)
    _original(self, page)
    _kept[digest] = _copy(self.entries[start:])


def install(enabled: bool, cache_file: Path | None) -> bool:
    """Use the kept entries in Material's search plugin (False: Material's own indexing)."""
    global _original, _loaded_from, _material
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
    if cache_file is not None and _loaded_from != cache_file:  # a `mkdocs serve` rebuild keeps memory
        _kept.clear()
        _kept.update(_read(cache_file))
        _saved.clear()
        _saved.update(_kept)
        _loaded_from = cache_file
    _used.clear()
    SearchIndex.add_entry_from_context = add_entry_from_context
    return True


def save(cache_file: Path) -> None:
    """Keep this build's pages only; written (atomically) when that changed what the file holds."""
    current = {digest: _kept[digest] for digest in _used if digest in _kept}
    _kept.clear()
    _kept.update(current)
    if set(current) != _saved and write_cache(cache_file, pickle.dumps(current, protocol=pickle.HIGHEST_PROTOCOL)):
        _saved.clear()
        _saved.update(current)


def _read(cache_file: Path) -> dict[str, list[dict[str, Any]]]:
    try:
        data = pickle.loads(cache_file.read_bytes())  # noqa: S301 - written by this module into our .cache/
    except Exception:  # missing or damaged: index every page again
        return {}
    return data if isinstance(data, dict) else {}
