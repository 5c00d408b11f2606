"""mkdocs-bibtex's pybtex parse, kept (parse_cache) and made in another process while the checks run.

mkdocs-bibtex parses every .bib file with pybtex in every build (about 1.2 s
at 3,000 entries), right after the checks have parsed them with bibtexparser
(about 1 s). With `reuse_parsed_bib_files` the plugin's parse comes from the
parse cache; `parse_in_background`, called before the checks, parses the files
the cache lacks in a child process, on another core, into the cache's folder
on disk: the plugin then waits for that process instead of parsing. The result
is what pybtex parsed either way; the child's failure only means the plugin
parses, as before.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from pathlib import Path

import pybtex
from pybtex.database import parse_file

from livingreview.core import parse_cache, project

PYBTEX = parse_cache.ParseMemo("pybtex", pybtex.__version__)

_background: subprocess.Popen | None = None


def kept_parse_file(file, *args, **kwargs):
    """pybtex.database.parse_file, answered from the parse cache while the file's bytes are unchanged."""
    if args or kwargs or not isinstance(file, (str, os.PathLike)):
        return parse_file(file, *args, **kwargs)
    return PYBTEX.get(os.fspath(file), Path(file).read_bytes(), lambda: parse_file(file), wait=_wait_for_background)


def reuse_parsed_bib_files(enabled: bool) -> None:
    """Let mkdocs-bibtex's on_config take its pybtex data from the parse cache (it re-parses every build).

    The plugin looks `parse_file` up in its registry module at each call, so
    swapping that one name is enough; the data it gets is what pybtex parsed.
    """
    import mkdocs_bibtex.registry

    mkdocs_bibtex.registry.parse_file = kept_parse_file if enabled else parse_file


def parse_in_background(files: list[str]) -> bool:
    """Start parsing, in a child process, those of `files` (paths as the plugin will name them) that the
    cache on disk lacks; False when there is nothing to do or no disk cache."""
    global _background
    folder = parse_cache.disk_folder()
    if folder is None or _background is not None:
        return False
    todo = [f for f in files if not PYBTEX.is_kept(f, Path(f).read_bytes())]
    if not todo:
        return False
    path = os.pathsep.join(filter(None, [str(project.SCRIPTS), os.environ.get("PYTHONPATH")]))
    _background = subprocess.Popen([sys.executable, "-m", __name__, str(folder), *todo],
                                   env={**os.environ, "PYTHONPATH": path},
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def _wait_for_background() -> None:
    global _background
    if _background is not None:
        try:
            _background.wait(timeout=300)
        except subprocess.TimeoutExpired:
            _background.kill()  # the caller parses by itself
        _background = None


atexit.register(_wait_for_background)  # a build stopped by the checks leaves no child writing behind it


def main(argv: list[str]) -> int:
    """The child: parse each file into the parse cache in folder argv[0]."""
    parse_cache.enable_disk(Path(argv[0]))
    for file in argv[1:]:
        PYBTEX.get(file, Path(file).read_bytes(), lambda: parse_file(file))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
