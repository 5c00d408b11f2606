"""MkDocs hooks: thin adapters between MkDocs events and the livingreview package.

Loaded by file path from mkdocs.yml (`hooks:`), so sibling modules are imported
absolutely: MkDocs puts this file's folder on sys.path while importing it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from livingreview import bibliography, code_guard, formatting, glossary, render
from livingreview.digest_cache import DigestCache
from livingreview.formatting import clean_reference_text
from livingreview.markers import ANNOTATED_BIBLIOGRAPHY
from livingreview.project import find_csl
from livingreview.short_markdown import ShortMarkdown

log = get_plugin_logger(__name__)

FOOTNOTES_DIV = re.compile(r'<div class="footnote">')

_state: dict[str, object] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _entries(config: MkDocsConfig) -> dict[str, bibliography.Entry]:
    bib_dir = _root(config) / (config.plugins["bibtex"].config.bib_dir or "bib")  # the folder mkdocs-bibtex reads
    loaded = bibliography.load_bibliography(bibliography.bib_files(bib_dir), _root(config))
    return loaded.by_key()


def _short_markdown(config: MkDocsConfig) -> ShortMarkdown:
    """Markdown to HTML for reference texts and annotations, with the abbreviations every page gets."""
    abbreviations, _ = glossary.load_abbreviations(Path(config.docs_dir) / "includes" / glossary.ABBREVIATIONS.name)
    return ShortMarkdown.for_site(abbreviations, _root(config) / ".cache" / "entry-html.json")


# Start definition of MkDocs hooks


@event_priority(100)  # before mkdocs-bibtex reads its settings
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    bibtex = config.plugins.get("bibtex")
    if bibtex is None:
        raise PluginError("the 'bibtex' plugin (mkdocs-bibtex) must be enabled")
    if bibtex.config.enable_inline_citations:
        raise PluginError("mkdocs-bibtex: set 'enable_inline_citations: false' (inline @key mangles e-mail addresses and code)")
    try:
        bibtex.config.csl_file = str(find_csl(bibtex.config.csl_file or "american-medical-association.csl"))
    except FileNotFoundError as exc:
        raise PluginError(str(exc)) from exc
    # One pandoc run for all pages (on_files) is safe for numeric styles only.
    _state["refusal"] = formatting.batching_refusal(bibtex.config.csl_file) if formatting.batching_enabled() else None
    _state["entries"] = _entries(config)
    _state["to_html"] = _short_markdown(config)
    _state["annotated"], _state["footnotes"] = {}, {}  # per page, from on_page_markdown to on_page_context
    return config


@event_priority(-100)  # after mkdocs-bibtex has loaded the bibliography
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    if not formatting.batching_enabled():
        return files
    if _state["refusal"]:
        log.info("references are formatted page by page by mkdocs-bibtex: %s, so formatting them "
                 "in one batch would change their text", _state["refusal"])
        return files
    from mkdocs_bibtex.citation import CitationBlock

    keys: set[str] = set()
    for file in files.documentation_pages():
        if ANNOTATED_BIBLIOGRAPHY in file.content_string:
            keys |= set(_state["entries"])
        for block in CitationBlock.from_markdown(file.content_string):
            keys |= {c.key for c in block.citations}
    cache = DigestCache(_root(config) / ".cache" / "references.json")
    # pandoc runs while MkDocs converts the pages (their footnotes read PENDING); on_page_context waits for it.
    _state["pending"] = (formatting.PendingFormat(config.plugins["bibtex"].registry, keys, cache), len(keys))
    return files


def _finish_formatting(config: MkDocsConfig) -> None:
    pending, wanted = _state.pop("pending", (None, 0))
    if pending is not None:
        formatted = pending.finish()
        log.debug("formatted %d entries with pandoc, %d from cache", formatted, wanted - formatted)
        _convert_ahead(config.plugins["bibtex"].registry._reference_cache)


def _convert_ahead(texts: dict[str, str]) -> None:
    """Every reference text and annotation the pages will convert, in the order they are written
    (that of on_page_markdown), to ShortMarkdown's convert_ahead."""
    wanted: list[str] = []
    for uri, footnotes in _state["footnotes"].items():
        wanted += [clean_reference_text(texts.get(key, "") if text == formatting.PENDING else text)
                   for key, text in footnotes.items()]
        if uri in _state["annotated"]:
            wanted += _state["annotated"][uri].markdown_texts(lambda key: texts.get(key, ""))
    _state["to_html"].convert_ahead(wanted)


@event_priority(-100)  # after mkdocs-bibtex has written the footnotes
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = code_guard.restore(markdown)  # "@" in code, hidden from mkdocs-bibtex by hook_code_guard.py
    entries = _state["entries"]
    if ANNOTATED_BIBLIOGRAPHY in markdown:
        registry = config.plugins["bibtex"].registry
        missing = [k for k in entries if k not in registry._reference_cache]
        if missing:  # batching switched off: let the plugin format them
            from mkdocs_bibtex.citation import Citation, CitationBlock

            registry.validate_citation_blocks([CitationBlock([Citation(k)]) for k in missing])
        annotated = render.annotated_bibliography(list(entries.values()))
        _state["annotated"][page.file.src_uri] = annotated
        markdown = markdown.replace(ANNOTATED_BIBLIOGRAPHY, annotated.markdown)
    markdown, _state["footnotes"][page.file.src_uri] = render.decorate_footnotes(markdown, entries, formatting.PENDING)
    return markdown


@event_priority(50)  # before print-site (0) keeps the page's HTML for the print page
def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    annotated = _state["annotated"].get(page.file.src_uri)
    if annotated is not None:
        page.present_anchor_ids = (page.present_anchor_ids or set()) | annotated.anchors  # links to entries
    # Footnotes carry the references: give that list a heading readers can find.
    return FOOTNOTES_DIV.sub('<h2 id="references">References</h2>\n<div class="footnote">', html, count=1)


@event_priority(100)  # before the search plugin (0) indexes the page and hook_reader (90) finishes it
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    # The pages' Markdown was converted while pandoc ran; the first page to be written waits for it.
    _finish_formatting(config)
    texts = config.plugins["bibtex"].registry._reference_cache
    entries, to_html = _state["entries"], _state["to_html"]

    def text_of(key: str, written: str) -> str:
        text = texts.get(key) if written == formatting.PENDING else written
        if text is None:
            raise PluginError(f"{page.file.src_uri}: pandoc returned no text for the reference '{key}'")
        return text

    footnotes = _state["footnotes"].pop(page.file.src_uri, {})
    html = render.fill_footnotes(page.content, {key: render.footnote_html(text_of(key, text), entries.get(key), to_html)
                                                for key, text in footnotes.items()})
    annotated = _state["annotated"].pop(page.file.src_uri, None)
    if annotated is not None:
        html = annotated.fill(html, lambda key: texts.get(key, ""), to_html)
    page.content = html
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    _finish_formatting(config)  # a site without pages still saves what pandoc formatted
    _state["to_html"].save()  # the HTML of references and annotations, for the next build


# End definition of MkDocs hooks
