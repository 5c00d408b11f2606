"""A cache of values by digest of what they were made from, kept in one file under .cache/."""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent  # scripts/livingreview

from livingreview.atomic import write_cache


class DigestCache:
    """Values by digest, persisted as one file: JSON for text (formatted entries, HTML snippets),
    pickle when the file name ends in .pickle (any value this project's code made).

    `save` keeps what was asked for or added since the file was read (what the
    build still uses), so entries of edited or removed texts do not pile up,
    unless told the build asked for only part of what it uses (`prune=False`);
    it writes only when that changes the file.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.data: dict[str, Any] = {}
        self._pickled = bool(path and path.suffix == ".pickle")
        if path and path.exists():
            try:
                data = pickle.loads(path.read_bytes()) if self._pickled else \
                    json.loads(path.read_text(encoding="utf-8"))  # noqa: S301 - our own .cache/
            except Exception:
                data = None
            self.data = data if isinstance(data, dict) else {}  # a damaged cache is rebuilt, never trusted
        self._used: set[str] = set()
        self._dirty = False

    def get(self, digest: str) -> Any:
        self._used.add(digest)
        return self.data.get(digest)

    def put(self, digest: str, value: Any) -> None:
        self._used.add(digest)
        if self.data.get(digest) != value:
            self.data[digest] = value
            self._dirty = True

    def save(self, prune: bool = True) -> None:
        unused = self.data.keys() - self._used if prune else set()
        if not (self.path and (self._dirty or unused)):
            return
        kept = {digest: value for digest, value in self.data.items() if digest not in unused}
        data = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL) if self._pickled else \
            json.dumps(kept, sort_keys=True, indent=0)
        if write_cache(self.path, data):
            self.data, self._dirty = kept, False


# Libraries whose output the package's generated text depends on (parses, Markdown conversion).
LIBRARIES = ("bibtexparser", "markdown", "mkdocs", "pybtex")


@functools.cache
def code_digest() -> bytes:
    """Digest of the livingreview package's code and of the libraries it builds on: what it makes from
    the same input may change with them."""
    from importlib import metadata

    digest = hashlib.sha256(" ".join(f"{name}={metadata.version(name)}" for name in LIBRARIES).encode())
    for path in sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def kept_or_made(kept: DigestCache | None, inputs: Iterable[str | bytes], make: Callable[[], T]) -> T:
    """make(), or what it returned before for the same inputs and package code (kept=None: always make())."""
    if kept is None:
        return make()
    digest = hashlib.sha256(code_digest())
    for part in inputs:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    key = digest.hexdigest()
    value = kept.get(key)
    if value is None:
        value = make()
        kept.put(key, value)
    return value
