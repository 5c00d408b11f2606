"""Parsed bibliographies kept between parses: in memory always, on disk when a build asks for it.

Parsing 3,000 BibTeX entries takes about a second with bibtexparser and more
with pybtex, and a build parses the same files several times (checks, hooks,
mkdocs-bibtex). A parse result is kept pickled, keyed by the file's text, its
path and the parser's version: every hit is unpickled afresh, so no caller can
change what another one gets, and any edit of the file (or of the parser) is a
miss. The disk copy lives under the project's .cache/ (which only our own build
writes, like the scripts it runs) and only builds turn it on, through
`enable_disk`; the checks run on their own never write anything.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Callable, TypeVar

from livingreview.core.atomic import write_cache

T = TypeVar("T")

_disk: Path | None = None


def enable_disk(folder: Path | None) -> None:
    """Also keep parse results in `folder` (None: memory only)."""
    global _disk
    _disk = folder


def disk_folder() -> Path | None:
    return _disk


class ParseMemo:
    def __init__(self, name: str, version: str, size: int = 8):
        self.name = name
        self.version = version
        self.size = size
        self._memory: OrderedDict[str, bytes] = OrderedDict()

    def _digests(self, path: str, text: str | bytes) -> tuple[str, str]:
        data = text.encode("utf-8") if isinstance(text, str) else text
        content = hashlib.sha256(self.version.encode() + b"\0" + path.encode() + b"\0" + data).hexdigest()
        return hashlib.sha256(path.encode()).hexdigest()[:16], content[:40]

    def is_kept(self, path: str, text: str | bytes) -> bool:
        """Whether `get` would answer from memory or disk, without parsing."""
        slot, digest = self._digests(path, text)
        return digest in self._memory or (_disk is not None and self._file(slot, digest).is_file())

    def get(self, path: str, text: str | bytes, parse: Callable[[], T],
            wait: Callable[[], None] | None = None) -> T:
        """parse() once per distinct (path, text); afterwards a fresh copy of its result.

        wait: called before parsing, when another process may be writing the result to disk.
        """
        slot, digest = self._digests(path, text)
        result = self._kept(slot, digest)
        if result is None and wait is not None:
            wait()
            result = self._kept(slot, digest)
        if result is not None:
            return result[0]
        result = parse()
        blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        if _disk is not None:
            self._write(slot, digest, blob)
        self._remember(digest, blob)
        return result

    def _kept(self, slot: str, digest: str) -> tuple[object] | None:
        """(result,) from memory or disk; None when neither holds a readable one."""
        blob = self._memory.get(digest)
        if blob is None and _disk is not None:
            blob = self._read(slot, digest)
        if blob is None:
            return None
        try:
            result = pickle.loads(blob)  # noqa: S301 - written by this module into the project's own .cache/
        except Exception:  # a damaged cache file is parsed again, never trusted
            return None
        self._remember(digest, blob)
        return (result,)

    def _remember(self, digest: str, blob: bytes) -> None:
        self._memory[digest] = blob
        self._memory.move_to_end(digest)
        while len(self._memory) > self.size:
            self._memory.popitem(last=False)

    def _file(self, slot: str, digest: str) -> Path:
        assert _disk is not None
        return _disk / f"{self.name}-{slot}-{digest}.pickle"

    def _read(self, slot: str, digest: str) -> bytes | None:
        try:
            return self._file(slot, digest).read_bytes()
        except OSError:
            return None

    def _write(self, slot: str, digest: str, blob: bytes) -> None:
        """Atomic write; older results for the same file are removed (one per file is kept)."""
        target = self._file(slot, digest)
        if write_cache(target, blob):
            for old in target.parent.glob(f"{self.name}-{slot}-*.pickle"):
                if old != target:
                    old.unlink(missing_ok=True)
