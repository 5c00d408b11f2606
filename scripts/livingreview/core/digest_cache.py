"""A cache of values by digest of what they were made from, kept in one file under .cache/."""

from __future__ import annotations

import functools
import hashlib
import json
import pickle
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")

from livingreview.core import project
from livingreview.core.atomic import write_cache


class DigestCache:
    """Values by digest, persisted as one file: JSON for text (formatted entries, HTML snippets),
    pickle when the file name ends in .pickle (any value this project's code made).

    `save` keeps what was asked for or added since the file was read (what the
    build still uses), so entries of edited or removed texts do not pile up,
    unless told the build asked for only part of what it uses (`prune=False`);
    it writes only when that changes the file. A value can be promised (`promise`):
    made elsewhere (in livingreview.speed.offload's helper process), it is taken when
    first asked for: waited for if its maker has started on it, withdrawn if not (the
    asker makes it then, and the maker never does), so no value is made twice.
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
        self._promised: dict[str, Future] = {}

    def get(self, digest: str) -> Any:
        self._used.add(digest)
        promised = self._promised.pop(digest, None)
        if promised is not None and digest not in self.data:
            value = _promised_value(promised)
            if value is not None:
                self.put(digest, value)
        return self.data.get(digest)

    def get_or_make(self, digest: str, make: Callable[[], T]) -> T:
        """The value for `digest`, made (and kept) if there is none."""
        value = self.get(digest)
        if value is None:
            value = make()
            self.put(digest, value)
        return value

    def has(self, digest: str) -> bool:
        """Whether a value is kept or promised for `digest` (without counting it as used)."""
        return digest in self.data or digest in self._promised

    def promise(self, digest: str, future: Future) -> None:
        """The value for `digest` is what `future` returns; unused if nobody asks for it."""
        self._promised[digest] = future

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


PROMISE_TIMEOUT = 120  # seconds to wait for a promised value its maker has started on


def _promised_value(promised: Future) -> Any:
    """The promise's value; None (the asker makes it) when it failed, or was not started and is now withdrawn."""
    if promised.cancel():
        return None
    try:
        return promised.result(timeout=PROMISE_TIMEOUT)
    except Exception:  # failed, or too slow: the asker makes it
        return None


# Libraries whose output the package's generated text depends on (parses, Markdown conversion).
LIBRARIES = ("bibtexparser", "markdown", "mkdocs", "pybtex")


@functools.cache
def code_digest() -> bytes:
    """Digest of the livingreview package's files (code and data) and of the libraries it builds on: what it makes from
    the same input may change with them."""
    from importlib import metadata

    digest = hashlib.sha256(" ".join(f"{name}={metadata.version(name)}" for name in LIBRARIES).encode())
    for path in sorted(p for p in project.PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(project.PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def digest_of(inputs: Iterable[str | bytes]) -> str:
    """The key kept_or_made keeps a value under: the inputs' digest and the package code's."""
    digest = hashlib.sha256(code_digest())
    for part in inputs:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def kept_or_made(kept: DigestCache | None, inputs: Iterable[str | bytes], make: Callable[[], T]) -> T:
    """make(), or what it returned before for the same inputs and package code (kept=None: always make())."""
    return make() if kept is None else kept.get_or_make(digest_of(inputs), make)
