"""Build steps for reader aids: the glossary, the evidence map, the whole-review print page
(livingreview.reader). Each generated part is made on the one page that carries its marker."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from livingreview.build.references import bib_dir
from livingreview.build.state import BuildState, ReaderState
from livingreview.core.html_slots import HtmlSlots
from livingreview.core.short_markdown import ShortMarkdown
from livingreview.evidence import dataset, tables
from livingreview.evidence.studies import load_studies, studies_path
from livingreview.reader import evidence_map, glossary, print_page, search
from livingreview.references import bibliography, export
from livingreview.references.citations import cited_keys
from livingreview.speed import steps as speed

log = get_plugin_logger(__name__)

REFERENCES_PAGE = "references.md"


def print_site_enabled(config: MkDocsConfig) -> bool:
    plugin = config.plugins.get("print-site")
    return bool(plugin and plugin.config.get("enabled"))


def configure(state: BuildState, config: MkDocsConfig) -> None:
    """The abbreviations every page shows, read (and checked) once and given to Python-Markdown's abbr
    extension as its glossary."""
    if "abbr" not in config.markdown_extensions:
        raise PluginError("mkdocs.yml: markdown_extensions must list 'abbr' (the abbreviations every page shows)")
    wanted = glossary.ABBREVIATIONS.name
    abbreviations, findings = glossary.load_abbreviations(Path(config.docs_dir) / "includes" / wanted, state.root)
    if findings:  # every page shows this file: stop before building any of them
        raise PluginError("\n".join(f"{f.path}:{f.line}: {f.message} [{f.check}]" for f in findings))
    abbr = config.mdx_configs.setdefault("abbr", {})
    abbr["glossary"] = {**{a.term: a.meaning for a in abbreviations}, **(abbr.get("glossary") or {})}
    path = studies_path(bib_dir(config, state.root))
    shown = path.relative_to(state.root).as_posix() if path.is_relative_to(state.root) else str(path)
    studies = load_studies(path, shown)
    state.reader = ReaderState(abbreviations, studies)  # the checks report a broken record; the sound ones show


def add_dataset(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """The downloads under data/: the study dataset (studies.csv, .json, .schema.json, from every checked
    study) and the bibliography for reference managers (references.bib)."""
    pages = [(file.url, file.content_string) for file in files.documentation_pages()]
    review = state.citing.review
    info = dataset.ReviewInfo(title=review.title, version=review.version, released=review.released.isoformat(),
                              url=review.url, doi=review.doi)

    def make() -> dict[str, str]:
        cited_on: dict[str, list[str]] = {}
        for url, text in pages:
            for key in cited_keys(text):
                cited_on.setdefault(key, []).append(url)
        data = dataset.rows(state.reader.studies.studies, state.references.entries, cited_on)
        generated = dict(dataset.downloads(data, info))
        generated[export.PATH] = export.export_bibtex(
            state.references.entries.values(),
            header=f"{review.title}, version {review.version} ({review.released.isoformat()}), {review.url}: "
                   "its bibliography")
        return generated

    # A function of the studies and bibliography files, the pages and the release (the speed layer may keep it).
    bib_folder = bib_dir(config, state.root)
    studies_file = studies_path(bib_folder)
    inputs = [repr(info), studies_file.read_bytes() if studies_file.is_file() else b""]
    inputs += [data for path in bibliography.bib_files(bib_folder) for data in (path.name, path.read_bytes())]
    inputs += [part for page in pages for part in page]
    for path, content in speed.kept(state, "dataset", inputs, make).items():
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content))


def replace_markers(state: BuildState, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """The glossary table and the evidence map in place of their markers."""
    reader = state.reader
    if glossary.MARKER in markdown:
        markdown = markdown.replace(glossary.MARKER, glossary.glossary_markdown(reader.abbreviations))
    if evidence_map.MARKER in markdown:
        # The Markdown link is relative to this page's file (MkDocs checks and rewrites it); the lists,
        # HTML, link to the annotated bibliography's URL relative to this page's URL.
        references = posixpath.relpath(REFERENCES_PAGE, posixpath.dirname(page.file.src_uri) or ".")
        target = files.get_file_from_path(REFERENCES_PAGE)
        if target is None:
            raise PluginError(f"{page.file.src_uri}: the evidence map links to {REFERENCES_PAGE}, which is missing")
        references_url = get_relative_url(target.url, page.url)
        bib_files = bibliography.bib_files(bib_dir(config, state.root))

        def make() -> tuple[str, dict[str, str]]:
            entries = bibliography.load_bibliography(bib_files, state.root).by_key()
            return evidence_map.evidence_map_markdown(list(entries.values()), references, references_url)

        # A function of the bibliography's files and the two links (the speed layer may keep it).
        inputs = [references, references_url]
        for path in bib_files:
            inputs += [path.relative_to(state.root).as_posix(), path.read_bytes()]
        generated, lists = speed.kept(state, "evidence-map", inputs, make)
        to_html = ShortMarkdown.for_site(reader.abbreviations, state.root / ".cache" / "evidence-map-html.json")
        speed.convert_ahead(to_html, lists.values())
        reader.lists[page.file.src_uri] = lists, to_html
        markdown = markdown.replace(evidence_map.MARKER, generated)
    if tables.MARKER in markdown:
        facet = page.meta.get("facet")
        shown = tables.page_studies(facet, cited_keys(markdown), reader.studies.by_key(), state.references.entries)
        references_page = files.get_file_from_path(REFERENCES_PAGE)
        references_url = get_relative_url(references_page.url, page.url) if references_page else REFERENCES_PAGE
        data_url = get_relative_url(dataset.FOLDER, page.url)
        markdown = markdown.replace(tables.MARKER, tables.key_studies_markdown(facet, shown, references_url,
                                                                              data_url.rstrip("/") + "/"), 1)
    return markdown


def finish_page(state: BuildState, page: Page, config: MkDocsConfig) -> None:
    """Generated lists into their slots, first uses of abbreviations focusable; print-site's copy of the
    page is the final HTML with the reader notice (it takes `page.html` at on_page_content, before the
    references are in)."""
    reader = state.reader
    html = page.content
    lists = reader.lists.pop(page.file.src_uri, None)
    if lists is not None:
        markdown_lists, to_html = lists
        html = HtmlSlots({HtmlSlots.slot(name): to_html(text) for name, text in markdown_lists.items()}).fill(html)
        to_html.save()
    html = glossary.focusable_first_abbreviations(html)
    if print_site_enabled(config):
        if reader.notice is None:
            reader.notice = config.theme.get_env().get_template(print_page.NOTICE_TEMPLATE)
        page.html = print_page.with_notice(html, reader.notice.render(page=page, config=config), page.title or "")
    page.content = html


def fix_print_page(state: BuildState, config: MkDocsConfig) -> None:
    """The print page's ids made unique and its links pointed at them; its base made relative."""
    if not print_site_enabled(config):
        return
    # The print page's file as print-site names it (its `print_page_basename` setting).
    basename = config.plugins["print-site"].config.get("print_page_basename") or "print_page"
    print_file = File(f"{basename}.md", config.docs_dir, config.site_dir, config.use_directory_urls)
    path = Path(print_file.abs_dest_path)
    text = path.read_text(encoding="utf-8")
    renames, unresolved = speed.kept(state, "print-anchors", [text], lambda: print_page.anchor_renames(text))
    fixed = print_page.apply_renames(text, renames)
    fixed = print_page.relative_base(fixed, urlsplit(config.site_url or "/").path or "/",
                                     get_relative_url(".", print_file.url))
    for href in unresolved:
        log.warning("%s: link to '#%s' has no target in the print page", print_file.src_uri, href)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")


def search_index(state: BuildState, config: MkDocsConfig) -> None:
    """The site's search index (Pagefind), from the pages as written (unless the speed layer kept it)."""
    if state.speed.search_index_kept:
        return
    site = Path(config.site_dir)

    def index(started: search.Started | None = None) -> None:
        try:
            search.index_site(site, started)
        except search.SearchIndexError as exc:
            raise PluginError(f"search index: {exc}") from exc

    if not speed.index_beside(state, index):
        index()
