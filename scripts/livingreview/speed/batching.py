"""Formatted reference text: one batch per build (a pandoc run per core), a cache on disk, clean output.

mkdocs-bibtex 4.4.0 runs pandoc once per page and hands it the whole .bib. Here
every citation of every page is formatted in one batch, with only the cited
entries (shared by two pandoc processes when there are many), through the
plugin's own pandoc routine (so the text is identical to what it would have
produced page by page), and kept in a cache keyed by the entry's content, the
CSL file and the pandoc, pybtex and mkdocs-bibtex versions.
Only numeric styles are batched (`batching_refusal`); LIVINGREVIEW_NO_BATCH=1
turns batching off. Measured by `make bench` (PERFORMANCE.md).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import re
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

import pybtex
import pypandoc
from pybtex.database import BibliographyData, Entry
from pybtex.database.output.bibtex import Writer as BibtexWriter

from livingreview.core.digest_cache import DigestCache
from livingreview.speed import switch

BATCH_OFF_ENV = switch.ALL_OFF_ENV



BIBLIOGRAPHY_ELEMENT = re.compile(r"(?P<open><bibliography\b[^>]*>).*?</bibliography>", re.DOTALL)


def batching_refusal(csl_file: str) -> str | None:
    """Why formatting entries apart from their pages would change the text, or None when it is safe.

    Numeric styles format each entry on its own. An author-date style also
    formats the in-text citation per page (mkdocs-bibtex's inline cache, which
    batching does not fill); `subsequent-author-substitute` makes an entry
    depend on the one before it; and a number printed in the entry's text
    (numeric style without second-field-align, which mkdocs-bibtex strips)
    would be its place in the batch instead of on the page.
    """
    text = Path(csl_file).read_text(encoding="utf-8", errors="replace")
    if 'citation-format="author-date"' in text:
        return "the CSL style is author-date"
    if "subsequent-author-substitute" in text:
        return "the CSL style substitutes repeated authors"
    bibliography = BIBLIOGRAPHY_ELEMENT.search(text)
    if bibliography and "citation-number" in bibliography[0] and "second-field-align" not in bibliography["open"]:
        return "the CSL style prints each entry's number in its text"
    return None


def style_fingerprint(csl_file: str) -> str:
    """What, besides the entry, decides its formatted text: CSL file, pandoc, pybtex, mkdocs-bibtex."""
    import mkdocs_bibtex

    digest = hashlib.sha256(Path(csl_file).read_bytes())
    for version in (pypandoc.get_pandoc_version(), pybtex.__version__, mkdocs_bibtex.__version__):
        digest.update(b"\0" + version.encode())
    return digest.hexdigest()


def entry_digest(entry: Entry, key: str, fingerprint: str) -> str:
    """Digest of everything pybtex writes for the entry (type, fields, names), plus the style."""
    persons = [[role, [[p.first_names, p.middle_names, p.prelast_names, p.last_names, p.lineage_names]
                       for p in people]] for role, people in entry.persons.items()]
    content = json.dumps([fingerprint, key, entry.type, list(entry.fields.items()), persons], ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


class _BibtexWriter(BibtexWriter):
    """pybtex's BibTeX writer, skipping its per-character work where that changes nothing.

    With UTF-8 output the LaTeX encoding only rewrites a few ASCII characters
    (# % & _ ~, found below by asking the encoder itself): text that is ASCII
    without them comes out unchanged; everything else still goes through
    pybtex. Likewise the brace check only scans text that has braces. Same
    text as `BibliographyData.to_string("bibtex")`, about ten times faster.
    """

    def _encode(self, text: str) -> str:
        if self.encoding == "UTF-8" and text.isascii() and not _LATEX_REWRITTEN.intersection(text):
            return text
        return super()._encode(text)

    def check_braces(self, s: str) -> None:
        if "{" in s or "}" in s:  # without braces there is nothing to match (pybtex scans char by char)
            super().check_braces(s)


_LATEX_REWRITTEN = frozenset(c for c in map(chr, range(128)) if BibtexWriter(encoding="UTF-8")._encode(c) != c)


def bibtex_text(bib_data: BibliographyData) -> str:
    """What pybtex's `bib_data.to_string("bibtex")` returns, the text mkdocs-bibtex hands to pandoc."""
    return _BibtexWriter().to_string(bib_data)


# BibTeX fields no CSL style can print through pandoc: its BibTeX reader drops these project fields (a test
# asks pandoc), and turns these into a CSL variable that is printed only where a style names it.
DROPPED_BY_PANDOC = frozenset({"verification", "verification_source", "verification_date", "listed", "missing"})
PRINTED_BY_NAME = {"annote": "annote", "keywords": "keyword"}
CSL_VARIABLES = re.compile(r"""\bvariable\s*=\s*["']([^"']*)["']""")


def unprinted_fields(csl_file: str) -> frozenset[str]:
    """The fields pandoc cannot print with this style (their text is long: leaving them out of its input
    saves a tenth of its time)."""
    named = {v for found in CSL_VARIABLES.findall(Path(csl_file).read_text(encoding="utf-8", errors="replace"))
             for v in found.split()}
    return DROPPED_BY_PANDOC | {field for field, variable in PRINTED_BY_NAME.items() if variable not in named}


def _without(entry: Entry, fields: frozenset[str]) -> Entry:
    if fields.isdisjoint(name.lower() for name in entry.fields):
        return entry
    kept = [(name, value) for name, value in entry.fields.items() if name.lower() not in fields]
    return Entry(entry.original_type, fields=kept, persons=entry.persons)


def _format_with_pandoc(registry, keys: list[str]) -> dict[str, str]:
    """The plugin's own pandoc routine on a copy of `registry` holding only `keys`, without the fields the
    style cannot print."""
    from mkdocs_bibtex.citation import Citation, CitationBlock

    unprinted = unprinted_fields(registry.csl_file)
    subset = copy.copy(registry)  # same CSL and settings, only the entries we need
    subset.bib_data = BibliographyData(entries={k: _without(registry.bib_data.entries[k], unprinted) for k in keys})
    subset.__dict__["bib_data_bibtex"] = bibtex_text(subset.bib_data)  # the plugin's cached_property
    _, formatted = subset._process_with_pandoc([CitationBlock([Citation(k)]) for k in keys])
    return formatted


MIN_ENTRIES_PER_RUN = 60  # a second pandoc process only for a batch this size each (chosen, not measured)


def _pandoc_runs(entries: int) -> int:
    """How many pandoc processes share `entries`: one per core, up to two, each with enough to do. A numeric
    style formats each entry on its own (`batching_refusal`), so any split gives the same texts."""
    return min(2, os.cpu_count() or 1, max(1, entries // MIN_ENTRIES_PER_RUN)) if entries else 0


# GHC's runtime option for pandoc: an old generation of at least 128 MB, so that a batch's parse is not
# collected again and again. Measured on a 1,500-entry batch: a quarter less CPU time, 56 MB more memory.
PANDOC_HEAP = "-O128m"


@functools.lru_cache(maxsize=1)
def _pandoc_takes(option: str) -> bool:
    """Whether this pandoc accepts a GHC runtime option from GHCRTS (official builds do; one built without
    runtime options would warn on every run)."""
    try:
        done = subprocess.run([pypandoc.get_pandoc_path(), "--version"], capture_output=True, text=True,
                              timeout=60, env={**os.environ, "GHCRTS": option})
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and not done.stderr.strip()


def use_pandoc_heap() -> None:
    """Every pandoc this process starts from now on (the batch, the citation styles) gets PANDOC_HEAP, unless
    GHCRTS is set already; the option changes pandoc's memory use, not its output."""
    if switch.enabled("pandoc-heap") and "GHCRTS" not in os.environ and _pandoc_takes(PANDOC_HEAP):
        os.environ["GHCRTS"] = PANDOC_HEAP


PENDING = "LIVINGREVIEW-PENDING-REFERENCE"  # a reference's text while its pandoc run is going


class PendingFormat:
    """Formatted text for a mkdocs-bibtex PandocRegistry, from the cache and one pandoc run in the background.

    The pandoc run (seconds, on a cold cache; two runs on two cores) is a subprocess: started in a
    thread, it overlaps the build's other work until `finish` is called. Until
    then each entry it formats has `PENDING` as its text in the registry, so
    mkdocs-bibtex writes the pages' footnotes without waiting (and without
    running pandoc itself); the hooks put the real text in after `finish`.
    """

    def __init__(self, registry, keys: Iterable[str], cache: DigestCache, digests: dict[str, str] | None = None):
        """`digests`: every entry's entry_digest, when the caller has them (kept between builds)."""
        self.registry, self.cache = registry, cache
        entries = registry.bib_data.entries
        texts = registry._reference_cache
        cited = {k for k in keys if k in entries}
        wanted = sorted(k for k in cited if texts.get(k, PENDING) == PENDING)  # PENDING: a failed serve rebuild
        self.complete = len(wanted) == len(cited)  # every key looked up: the cache may drop the others
        if digests is None:
            fingerprint = style_fingerprint(registry.csl_file)
            digests = {k: entry_digest(entries[k], k, fingerprint) for k in wanted}
        self.digests = {k: digests[k] for k in wanted}
        self.missing = []
        for key, digest in self.digests.items():
            text = cache.get(digest)
            if text is None:
                self.missing.append(key)
            texts[key] = PENDING if text is None else text
        runs = _pandoc_runs(len(self.missing))
        if runs:
            use_pandoc_heap()
        self._pool = ThreadPoolExecutor(max_workers=runs) if runs else None
        self._formatted = [self._pool.submit(_format_with_pandoc, registry, self.missing[run::runs])
                           for run in range(runs)]

    def then(self, use: Callable[[dict[str, str]], None]) -> None:
        """use(texts) in pandoc's thread as each run ends, with the texts it formatted (before `finish`
        returns); a run that failed, or a `use` that raises, is left to `finish`."""
        def done(run: Future[dict[str, str]]) -> None:
            try:
                if run.exception() is None:
                    use(run.result())
            except Exception:  # what `use` prepares is then done later, in place
                pass

        for run in self._formatted:
            run.add_done_callback(done)

    def finish(self) -> int:
        """Wait for pandoc, fill the registry and the cache; how many entries pandoc formatted (0 when warm).

        An entry pandoc returned no text for leaves the registry, as if never formatted.
        """
        if self._pool is not None:
            try:
                formatted = {key: text for run in self._formatted for key, text in run.result().items()}
            except BaseException:
                self._forget_pending()
                raise
            finally:
                self._pool.shutdown()
                self._pool = None
            for key in self.missing:
                if key in formatted:
                    self.cache.put(self.digests[key], formatted[key])
                    self.registry._reference_cache[key] = formatted[key]
            self._forget_pending()
        # A `mkdocs serve` rebuild finds most entries in the registry already: keep the rest of the cache then.
        self.cache.save(prune=self.complete)
        return len(self.missing)

    def _forget_pending(self) -> None:
        texts = self.registry._reference_cache
        for key in self.missing:
            if texts.get(key) == PENDING:
                del texts[key]
