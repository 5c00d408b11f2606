"""The speed layer's build steps (livingreview.build.pipeline lists them among the others).

Each is a no-op when the layer is off (LIVINGREVIEW_NO_BATCH=1) or its patch is
refused (livingreview.speed.patches); the product's steps then do all the work.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme

from livingreview.build.state import BuildState
from livingreview.checks import Check, run_some
from livingreview.checks.sources import Sources
from livingreview.core.findings import Finding
from livingreview.core import parse_cache
from livingreview.core.digest_cache import DigestCache, kept_or_made
from livingreview.core.markers import ANNOTATED_BIBLIOGRAPHY
from livingreview.core.short_markdown import ShortMarkdown
from livingreview.references.render import clean_reference_text
from livingreview.reader import search
from livingreview.speed import batching, nav_items, offload, patches, print_site_links, pybtex_cache, switch
from livingreview.speed.links_ahead import ScanAhead
from livingreview.speed.patches import (BATCHED_REFERENCES, COMPILED_TEMPLATES, KEPT_PYBTEX_PARSE,
                                        NAV_ITEMS_ONCE, PRINT_SITE_ONE_PASS, usable)

log = get_plugin_logger("livingreview.speed")
T = TypeVar("T")


def enabled(mechanism: str | None = None) -> bool:
    """The one switch (LIVINGREVIEW_NO_BATCH=1 turns the whole speed layer off), or one mechanism of it."""
    return switch.enabled(mechanism)


def _cache(state: BuildState) -> Path:
    return state.root / ".cache"


def configure(state: BuildState, config: MkDocsConfig) -> None:
    """Caches on (parsed bib/ files, print-site rewrites, compiled templates), and
    mkdocs-bibtex's pybtex parse started in a child process, beside the checks."""
    offload.new_build(enabled("helper"))
    parse_cache.enable_disk(_cache(state) / "parsed" if enabled("parse-cache") else None)
    reuse = enabled("pybtex-parse") and usable(KEPT_PYBTEX_PARSE)
    pybtex_cache.reuse_parsed_bib_files(reuse)
    if reuse:
        pybtex_cache.parse_in_background(_plugin_bib_files(config))
    print_site_links.install(enabled("print-site") and usable(PRINT_SITE_ONE_PASS),
                             _cache(state) / "print-pages.pickle")
    if enabled("templates") and usable(COMPILED_TEMPLATES):
        _keep_compiled_templates(config.theme, _cache(state) / "jinja")
    if enabled("nav-items") and usable(NAV_ITEMS_ONCE):
        nav_items.install(config.theme)
    if enabled("link-scans"):
        state.speed.link_scans = DigestCache(_cache(state) / "links.pickle")
        state.speed.scan_ahead = ScanAhead(state.speed.link_scans)


def _plugin_bib_files(config: MkDocsConfig) -> list[str]:
    """The .bib files mkdocs-bibtex 4.4.0 will parse, named as it names them (its on_config)."""
    bibtex = config.plugins.get("bibtex")
    if bibtex is None or bibtex.config.bib_file is not None or bibtex.config.bib_dir is None:
        return []  # a single file (or URL) is left to the plugin
    from mkdocs_bibtex.utils import get_path_relative_to_mkdocs_yaml

    folder = Path(get_path_relative_to_mkdocs_yaml(bibtex.config.bib_dir, config))
    return [os.fspath(path) for path in folder.rglob("*.bib")]


def _keep_compiled_templates(theme: Theme, folder: Path) -> None:
    """Give every Jinja environment `theme.get_env()` makes (MkDocs' and print-site's) a bytecode cache."""
    make_env = theme.get_env

    def get_env() -> Environment:
        env = make_env()
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    theme.get_env = get_env  # type: ignore[method-assign]  # this theme object only, i.e. this build


def start_formatting(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """Every reference cited anywhere formatted in one pandoc run, in the background while MkDocs converts
    the pages (mkdocs-bibtex writes their footnotes with a placeholder meanwhile)."""
    if not (enabled("batched-references") and usable(BATCHED_REFERENCES)):
        return
    registry = config.plugins["bibtex"].registry
    refusal = batching.batching_refusal(registry.csl_file)
    if refusal:
        log.info("references are formatted page by page by mkdocs-bibtex: %s, so formatting them in one batch "
                 "would change their text", refusal)
        return
    from mkdocs_bibtex.citation import CitationBlock

    keys: set[str] = set()
    for file in files.documentation_pages():
        if ANNOTATED_BIBLIOGRAPHY in file.content_string:
            keys |= set(state.references.entries)
        for block in CitationBlock.from_markdown(file.content_string):
            keys |= {c.key for c in block.citations}
    # Every entry's digest, a function of the .bib files the plugin read and of the style: kept while they are
    # (when the plugin reads one file or a URL, its input is not known here: computed every build).
    fingerprint = batching.style_fingerprint(registry.csl_file)
    bib_files = _plugin_bib_files(config)
    inputs = [fingerprint, *(data for path in bib_files for data in (path, Path(path).read_bytes()))]
    digests = kept_or_made(memo(state, "entry-digests") if bib_files else None, inputs, lambda: {
        key: batching.entry_digest(entry, key, fingerprint) for key, entry in registry.bib_data.entries.items()})
    state.speed.pending = batching.PendingFormat(registry, keys, DigestCache(_cache(state) / "references.json"),
                                                 digests)
    # The helper converts each text's Markdown as soon as pandoc has it, while MkDocs still converts the pages.
    to_html = state.references.to_html
    state.speed.pending.then(lambda texts: offload.convert_ahead(to_html, map(clean_reference_text, texts.values())))


def finish_formatting(state: BuildState, config: MkDocsConfig) -> None:
    """The first page to be written waits for pandoc; every placeholder gets its reference's text, and the
    helper process converts ahead of the pages the texts it was not given as pandoc made them
    (annotations, verification sources)."""
    pending, state.speed.pending = state.speed.pending, None
    if pending is None:
        return
    pending.finish()
    formatted = config.plugins["bibtex"].registry._reference_cache
    wanted: list[str] = []
    for src, texts in state.references.texts.items():
        for key, text in texts.items():
            if text == batching.PENDING:
                texts[key] = formatted.get(key, "")
        wanted += [clean_reference_text(text) for text in texts.values()]
        if src in state.references.annotated:
            wanted += state.references.annotated[src].markdown_texts(lambda key: texts.get(key, ""))
    offload.convert_ahead(state.references.to_html, wanted)


# Characters of pages and .bib files the later source checks read per second, about (200 pages and 3,000
# entries: 3.4 million characters in 1.3 s on the project's machine).
CHECKED_PER_SECOND = 2.5e6


def check_beside(sources: Sources, checks: tuple[Check, ...]) -> Future[list[Finding]] | None:
    """The helper process runs these source checks while the build goes on (None: the caller runs them)."""
    if not enabled("checks-beside"):
        return None
    size = sum(len(page.text) for page in sources.pages) + sum(len(bib.text) for bib in sources.bib_files)
    return offload.submit(run_some, sources, checks, cost=size / CHECKED_PER_SECOND)


def result_of(future: Future[T] | None, compute: Callable[[], T]) -> T:
    """What the helper process made, or compute() now when it made nothing."""
    return offload.result(future, compute)


def kept(state: BuildState, name: str, inputs: Iterable[str | bytes], make: Callable[[], T]) -> T:
    """make(), or what it made in the last build from the same inputs (the evidence map's generated part,
    the print page's anchor renames: pure functions of their inputs), kept in memo(state, name)."""
    return kept_or_made(memo(state, name), inputs, make)


def convert_ahead(to_html: ShortMarkdown, texts: Iterable[str]) -> None:
    """The helper process converts these texts' Markdown before the page asks for them."""
    offload.convert_ahead(to_html, texts)


def scan_ahead(state: BuildState, output: str) -> None:
    """The helper process reads the page's ids and links for the link check while MkDocs goes on."""
    if state.speed.scan_ahead is not None:
        state.speed.scan_ahead(output)


def rewrite_print_page_ahead(state: BuildState, page: Page, config: MkDocsConfig) -> None:
    """The helper process makes print-site's rewrite of the page before print-site asks for it."""
    if not print_site_links.installed() or not print_site_links.as_rendered(page.html, page.meta.get("tags")):
        return
    if state.speed.heading_numbers is None:
        state.speed.heading_numbers = print_site_links.heading_numbers(
            config.plugins["print-site"].renderer._get_items())
    print_site_links.rewrite_ahead(page.html, page.url, config.use_directory_urls,
                                   state.speed.heading_numbers.get(page.file.src_uri))


def save(state: BuildState) -> None:
    """What this build made, kept for the next (only this build's entries)."""
    if enabled():
        print_site_links.save()
        if state.speed.link_scans is not None:
            state.speed.link_scans.save()
        for cache in state.speed.memos.values():
            cache.save()


def memo(state: BuildState, name: str) -> DigestCache | None:
    """Values by digest of their inputs, kept in .cache/<name>.pickle for the next build (for kept_or_made);
    None with the layer off, and the caller computes them."""
    if not enabled("generated-parts"):
        return None
    if name not in state.speed.memos:
        state.speed.memos[name] = DigestCache(_cache(state) / f"{name}.pickle")
    return state.speed.memos[name]


# --- the search index made beside the last steps ------------------------------------------------

_command = ""  # the MkDocs command this process runs (its startup event); a `serve` rebuild does not wait
# for its search index (the next one does)
_unfinished: "Beside | None" = None  # a serve rebuild's index, still being made


class Beside:
    """Work in a thread (its own process does the work: Pagefind's binary, handed to `started`), waited for
    later, or stopped."""

    def __init__(self, work: Callable[[search.Started], None]):
        self.error: BaseException | None = None
        self._process: subprocess.Popen | None = None
        self._stopped = False
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(work,), name="search-index", daemon=True)
        self.thread.start()

    def _run(self, work: Callable[[search.Started], None]) -> None:
        try:
            work(self._started)
        except BaseException as exc:  # handed to the step that waits
            self.error = exc

    def _started(self, process: subprocess.Popen) -> None:
        with self._lock:
            self._process = process
            if self._stopped:
                process.kill()

    def done(self) -> bool:
        return not self.thread.is_alive()

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        """End the work now (its process killed, its failure dropped)."""
        with self._lock:
            self._stopped = True
            if self._process is not None:
                self._process.kill()
        self.thread.join()


def note_command(state: BuildState, command: str) -> None:
    global _command
    _command = command


def finish_unfinished(state: BuildState, config: MkDocsConfig) -> None:
    """The search index of the previous serve rebuild: its failure reported if it is done. If it is not (edits
    came in quick succession), it is stopped: this build makes its own, and MkDocs is about to empty the
    site folder under it (Pagefind 1.5 can then hang until its timeout: 600 s)."""
    global _unfinished
    if _unfinished is None:
        return
    if _unfinished.done():
        try:
            _unfinished.wait()
        except Exception as exc:  # that build is over: its failure is only reported
            log.warning("search index of the previous rebuild failed: %s", exc)
    else:
        _unfinished.stop()
        log.debug("search index of the previous rebuild stopped: this rebuild makes its own")
    _unfinished = None


def index_beside(state: BuildState, work: Callable[[search.Started], None]) -> bool:
    """Start making the search index while the build's last steps run (they read pages or rewrite the print
    page, which is not indexed; Pagefind only adds its own folder); False when the layer is off and the
    caller makes it in place."""
    if not enabled("search-beside"):
        return False
    state.speed.search_indexing = Beside(work)
    return True


def wait_for_search_index(state: BuildState) -> None:
    """The search index done (a `mkdocs serve` rebuild does not wait: the next build does)."""
    global _unfinished
    indexing, state.speed.search_indexing = state.speed.search_indexing, None
    if indexing is None:
        return
    if _command == "serve":
        _unfinished = indexing
        return
    indexing.wait()


def _search_pages_digest(site: Path) -> str:
    """Digest of what the search index is made from: every indexed page of the site, by path."""
    digest = hashlib.sha256(f"pagefind={patches.installed_version('pagefind')}".encode())
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if not relative.startswith(search.BUNDLE + "/") and search.INDEXED_MARK in data:
            digest.update(relative.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def reuse_search_index(state: BuildState, config: MkDocsConfig) -> None:
    """The search index of the last build, when every page is as it was then (a warm build)."""
    if not enabled("search-index"):
        return
    site, kept = Path(config.site_dir), _cache(state) / "pagefind"
    state.speed.search_pages_digest = _search_pages_digest(site)
    marker = kept / "pages.digest"
    if marker.is_file() and marker.read_text(encoding="utf-8") == state.speed.search_pages_digest:
        shutil.rmtree(site / search.BUNDLE, ignore_errors=True)
        shutil.copytree(kept / search.BUNDLE, site / search.BUNDLE)
        state.speed.search_index_kept = True


def keep_search_index(state: BuildState, config: MkDocsConfig) -> None:
    """This build's search index, for the next build with the same pages."""
    if not enabled("search-index") or state.speed.search_index_kept or state.speed.search_pages_digest is None \
            or _unfinished is not None:  # a serve rebuild's index, not yet made
        return
    kept = _cache(state) / "pagefind"
    shutil.rmtree(kept, ignore_errors=True)
    try:
        shutil.copytree(Path(config.site_dir) / search.BUNDLE, kept / search.BUNDLE)
        (kept / "pages.digest").write_text(state.speed.search_pages_digest, encoding="utf-8")
    except OSError:
        shutil.rmtree(kept, ignore_errors=True)  # a cache that cannot be written only costs time


# --- the end of the process ---------------------------------------------------------------------------


def _is_mkdocs_command() -> bool:
    """This process is the `mkdocs` command itself (`mkdocs ...` or `python -m mkdocs ...`), not a program that
    builds a site in its own process and goes on."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return (spec is not None and spec.name == "mkdocs.__main__") or Path(sys.argv[0]).name == "mkdocs"


def exit_at_once(state: BuildState) -> None:
    """A `mkdocs build` that built the site (MkDocs calls shutdown in a `finally`: no exception is being
    handled) ends here with exit status 0, as it would a moment later: exit handlers run (logging flushed,
    helper processes ended), but Python's teardown, which frees the build's objects one by one (half a
    second at 200 pages x 3,000 entries), is skipped. Every file is written and closed by then."""
    if not (enabled("fast-exit") and _command == "build" and sys.exc_info()[0] is None and _is_mkdocs_command()):
        return
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
