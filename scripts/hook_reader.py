"""MkDocs hooks for reader aids: glossary, evidence map, the whole-review print page.

Thin adapters; the logic lives in livingreview.glossary, livingreview.evidence_map
and livingreview.print_page. Each generated part is made once per build, on the
one page that carries its marker.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from livingreview import bibliography, evidence_map, glossary, print_page, print_site_links
from livingreview.digest_cache import DigestCache, kept_or_made
from livingreview.formatting import batching_enabled
from livingreview.html_slots import HtmlSlots
from livingreview.short_markdown import ShortMarkdown

log = get_plugin_logger(__name__)

REFERENCES_PAGE = "references.md"

_state: dict[str, object] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _print_site_enabled(config: MkDocsConfig) -> bool:
    plugin = config.plugins.get("print-site")
    return bool(plugin and plugin.config.get("enabled"))


# Start definition of MkDocs hooks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    snippets = config.mdx_configs.get("pymdownx.snippets") or {}
    wanted = glossary.ABBREVIATIONS.name
    if wanted not in (snippets.get("auto_append") or []):
        raise PluginError(f"pymdownx.snippets must auto_append '{wanted}' (the abbreviations every page shows)")
    abbreviations, findings = glossary.load_abbreviations(Path(config.docs_dir) / "includes" / wanted, _root(config))
    if findings:  # every page shows this file: stop before building any of them
        raise PluginError("\n".join(f"{f.path}:{f.line}: {f.message} [{f.check}]" for f in findings))
    _state.clear()
    _state["abbreviations"] = abbreviations
    return config


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    if glossary.MARKER in markdown:
        markdown = markdown.replace(glossary.MARKER, glossary.glossary_markdown(_state["abbreviations"]))
    if evidence_map.MARKER in markdown:
        root = _root(config)
        bibtex = config.plugins.get("bibtex")  # its bib_dir when it is on (the bench's floor turns it off)
        bib_dir = root / (bibtex.config.bib_dir if bibtex and bibtex.config.bib_dir else "bib")
        # The Markdown link is relative to this page's file (MkDocs checks and rewrites it); the lists,
        # HTML, link to the annotated bibliography's URL relative to this page's URL.
        references = posixpath.relpath(REFERENCES_PAGE, posixpath.dirname(page.file.src_uri) or ".")
        target = files.get_file_from_path(REFERENCES_PAGE)
        if target is None:
            raise PluginError(f"{page.file.src_uri}: the evidence map links to {REFERENCES_PAGE}, which is missing")
        references_url = get_relative_url(target.url, page.url)
        bib_files = bibliography.bib_files(bib_dir)
        abbreviations = _state["abbreviations"]

        def make() -> tuple[str, dict[str, str]]:
            entries = bibliography.load_bibliography(bib_files, root).by_key()
            return evidence_map.evidence_map_markdown(list(entries.values()), references, references_url)

        # Made from the bibliography's files and the two links: kept while they are unchanged.
        kept = DigestCache(root / ".cache" / "evidence-map.pickle") if batching_enabled() else None
        inputs = [references, references_url,
                  *(part for path in bib_files for part in (str(path.relative_to(root)), path.read_bytes()))]
        generated, lists = kept_or_made(kept, inputs, make)
        if kept is not None:
            kept.save()
        # The lists are converted at on_page_context, by the helper process meanwhile if there is much to do.
        to_html = ShortMarkdown.for_site(abbreviations, root / ".cache" / "evidence-map-html.json")
        to_html.convert_ahead(lists.values())
        _state.setdefault("lists", {})[page.file.src_uri] = lists, to_html
        markdown = markdown.replace(evidence_map.MARKER, generated)
    return markdown


@event_priority(90)  # after hook_references (100) has put the references in, before search (0) indexes the page
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    html = page.content
    lists = _state.get("lists", {}).pop(page.file.src_uri, None)
    if lists is not None:
        markdown_lists, to_html = lists
        html = HtmlSlots({HtmlSlots.slot(name): to_html(text) for name, text in markdown_lists.items()}).fill(html)
        to_html.save()
    html = glossary.focusable_first_abbreviations(html)
    # print-site keeps each page's HTML as `page.html` for its combined page, but
    # it takes it at on_page_content, before the references are in: give it the final HTML, with
    # the page's reader notice (status, dates) that the theme shows on each page.
    if _print_site_enabled(config):
        if "notice" not in _state:
            _state["notice"] = config.theme.get_env().get_template(print_page.NOTICE_TEMPLATE)
        notice = _state["notice"].render(page=page, config=config)
        page.html = print_page.with_notice(html, notice, page.title or "")
        if print_site_links.as_rendered(page.html, page.meta.get("tags")):  # rewritten for the print page now
            if "heading numbers" not in _state:
                _state["heading numbers"] = print_site_links.heading_numbers(
                    config.plugins["print-site"].renderer._get_items())
            print_site_links.rewrite_ahead(page.html, page.url, config.use_directory_urls,
                                           _state["heading numbers"].get(page.file.src_uri))
    page.content = html
    return context


@event_priority(-100)  # after print-site has written its page
def on_post_build(*, config: MkDocsConfig) -> None:
    if not _print_site_enabled(config):
        return
    plugin = config.plugins["print-site"]
    path = Path(plugin.print_page.file.abs_dest_path)
    text = path.read_text(encoding="utf-8")
    kept = DigestCache(_root(config) / ".cache" / "print-anchors.pickle") if batching_enabled() else None
    renames, unresolved = kept_or_made(kept, [text], lambda: print_page.anchor_renames(text))
    if kept is not None:
        kept.save()
    fixed = print_page.apply_renames(text, renames)
    fixed = print_page.relative_base(fixed, urlsplit(config.site_url or "/").path or "/",
                                     get_relative_url(".", plugin.print_file.url))
    for href in unresolved:
        log.warning("%s: link to '#%s' has no target in the print page", plugin.print_file.src_uri, href)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")


# End definition of MkDocs hooks
