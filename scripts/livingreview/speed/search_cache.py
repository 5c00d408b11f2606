"""The search index's entries of a page kept while the page is unchanged (Material for MkDocs 9's search).

Material's search plugin parses every page's HTML with html.parser on every
build: 1.3 s of a 200-page, 3,000-entry build, most of it on the annotated
bibliography and the reference lists, which rarely change. The entries it makes
for a page depend only on the page (its HTML, table of contents, URL, title and
`search`/`tags` front matter) and on the plugin's code, so they are kept under
a digest of these, in .cache/search.pickle (a DigestCache), and a page whose
digest is known gets its entries without a parse.

The entries of a page not kept are made by Material's own code from those same
fields (`page_data`, `entries_of`): in place, or, in a build with many such
pages, in the helper process (livingreview.speed.offload) while the main thread goes
on; the index takes them, in page order, just before Material writes it.
`tests/test_batching.py` requires the same search_index.json with and without.
"""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from livingreview.speed import offload
from livingreview.core.digest_cache import DigestCache

PARSED_PER_SECOND = 6e6  # characters of HTML Material's parser indexes per second, about (for offload)
_kept = DigestCache(None)  # digest -> the page's entries (install gives it its file)
_material = ""  # Material's version, part of every digest (set by install)
_patched: dict[str, Any] = {}  # SearchIndex's own methods, by name, while ours are in place


def _toc(items) -> list:
    return [[item.id, item.url, item.title, _toc(item.children)] for item in items]


def page_digest(page) -> str:
    meta = page.meta
    content = json.dumps([_material, page.url, page.title, meta.get("title"),
                          meta.get("search"), meta.get("tags"), _toc(page.toc), page.content], default=str)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def page_data(page) -> dict[str, Any]:
    """What Material's indexing reads of a page, as plain (picklable) data."""
    meta = {key: page.meta[key] for key in ("search", "tags", "title") if key in page.meta}
    return {"meta": meta, "content": page.content, "toc": _toc(page.toc), "url": page.url, "title": page.title}


def _toc_items(items: list) -> list[SimpleNamespace]:
    return [SimpleNamespace(id=id_, url=url, title=title, children=_toc_items(children))
            for id_, url, title, children in items]


@functools.cache
def _material_index():
    """Material's SearchIndex and its own add_entry_from_context (looked up before install swaps it)."""
    from material.plugins.search.plugin import SearchIndex

    return SearchIndex, SearchIndex.add_entry_from_context


def entries_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Material's search entries for a page given as `page_data`."""
    search_index, add_entry_from_context = _material_index()
    index = search_index()
    page = SimpleNamespace(meta=data["meta"], content=data["content"], toc=_toc_items(data["toc"]),
                           url=data["url"], title=data["title"])
    add_entry_from_context(index, page)
    return index.entries


def _copy(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return pickle.loads(pickle.dumps(entries))  # what is kept is never the index's own objects


@dataclass
class _Pending:
    """A page's place in the index while the helper process makes its entries."""

    digest: str
    data: dict[str, Any]
    future: Future


def _offloadable() -> bool:
    """Material segments Chinese text with jieba's dictionaries, set up in this process only."""
    from material.plugins.search import plugin

    return getattr(plugin, "jieba", None) is None


def add_entry_from_context(self, page) -> None:
    digest = page_digest(page)
    kept = _kept.get(digest)
    if kept is not None:
        self.entries.extend(_copy(kept))
        return
    data = page_data(page)
    future = offload.submit(entries_of, data, cost=len(page.content) / PARSED_PER_SECOND) if _offloadable() else None
    if future is not None:
        self.entries.append(_Pending(digest, data, future))
        return
    entries = entries_of(data)
    _kept.put(digest, _copy(entries))
    self.entries.extend(entries)


def generate_search_index(self, prev):
    """Material's own, once the pages indexed in the helper process have their entries in place."""
    entries = []
    for item in self.entries:
        if isinstance(item, _Pending):
            made = offload.result(item.future, lambda: entries_of(item.data))
            _kept.put(item.digest, _copy(made))
            entries.extend(made)
        else:
            entries.append(item)
    self.entries[:] = entries
    return _patched["generate_search_index"](self, prev)


def install(enabled: bool, cache_file: Path | None) -> bool:
    """Use the kept entries in Material's search plugin (False: Material's own indexing)."""
    global _kept, _material
    try:
        search_index, _ = _material_index()
    except ImportError:
        return False
    for name, method in _patched.items():
        setattr(search_index, name, method)
    _patched.clear()
    if not enabled:
        return False
    _material = metadata.version("mkdocs-material")
    _kept = DigestCache(cache_file)
    for method in (add_entry_from_context, generate_search_index):
        _patched[method.__name__] = getattr(search_index, method.__name__)
        setattr(search_index, method.__name__, method)
    return True


def save() -> None:
    """Keep this build's pages only (written when that changed what the file holds)."""
    _kept.save()
