"""Build steps for references: mkdocs-bibtex's footnotes made into reference lists with status badges,
and the annotated bibliography.

mkdocs-bibtex (pinned, 4.4.0) is used through its public behaviour only: it
turns `[@key]` into footnotes, and `\\full_bibliography` into a footnote
definition for every entry. Its internals are touched only by livingreview.speed.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

from livingreview.build.state import BuildState, ReferencesState
from livingreview.core.markers import ANNOTATED_BIBLIOGRAPHY
from livingreview.core.project import find_csl
from livingreview.core.short_markdown import ShortMarkdown
from livingreview.reader import glossary
from livingreview.references import bibliography, code_guard, render

REFERENCES_HEADING = '<h2 id="references">References</h2>\n<div class="footnote">'


def bib_dir(config: MkDocsConfig, root: Path) -> Path:
    """The folder mkdocs-bibtex reads (`bib` when the plugin is off, as in the bench's floor)."""
    bibtex = config.plugins.get("bibtex")
    return root / (bibtex.config.bib_dir if bibtex and bibtex.config.bib_dir else "bib")


def configure(state: BuildState, config: MkDocsConfig) -> None:
    """mkdocs-bibtex's settings checked, its CSL name resolved; the bibliography and Markdown for its texts."""
    bibtex = config.plugins.get("bibtex")
    if bibtex is None:
        raise PluginError("the 'bibtex' plugin (mkdocs-bibtex) must be enabled")
    if bibtex.config.enable_inline_citations:
        raise PluginError("mkdocs-bibtex: set 'enable_inline_citations: false' (inline @key mangles e-mail "
                          "addresses and code)")
    try:
        bibtex.config.csl_file = str(find_csl(bibtex.config.csl_file or "american-medical-association.csl"))
    except FileNotFoundError as exc:
        raise PluginError(str(exc)) from exc
    root = state.root
    entries = bibliography.load_bibliography(bibliography.bib_files(bib_dir(config, root)), root).by_key()
    abbreviations, _ = glossary.load_abbreviations(Path(config.docs_dir) / "includes" / glossary.ABBREVIATIONS.name)
    to_html = ShortMarkdown.for_site(abbreviations, root / ".cache" / "entry-html.json")
    state.references = ReferencesState(entries, to_html)


def before_bibtex(state: BuildState, markdown: str, page: Page, config: MkDocsConfig) -> str:
    """Citation-like text in code hidden from mkdocs-bibtex; the annotated bibliography's page asks it for
    every entry's text (its full bibliography)."""
    markdown = code_guard.protect(markdown)
    if ANNOTATED_BIBLIOGRAPHY in markdown:
        markdown += "\n\n" + config.plugins["bibtex"].config.full_bib_command + "\n"
    return markdown


def after_bibtex(state: BuildState, markdown: str, page: Page) -> str:
    """Code restored; each reference footnote's text taken out of the Markdown (its HTML goes in after
    conversion); the annotated bibliography's headings in place of its marker."""
    refs = state.references
    markdown = code_guard.restore(markdown)
    src = page.file.src_uri
    if ANNOTATED_BIBLIOGRAPHY in markdown:
        markdown, texts = render.take_footnotes(markdown, refs.entries, keep_slots=False)
        annotated = render.annotated_bibliography(list(refs.entries.values()))
        refs.annotated[src] = annotated
        markdown = markdown.replace(ANNOTATED_BIBLIOGRAPHY, annotated.markdown)
        refs.texts[src] = texts
        return markdown
    markdown, refs.texts[src] = render.take_footnotes(markdown, refs.entries)
    return markdown


def add_references_heading(state: BuildState, html: str, page: Page) -> str:
    """A "References" heading over the footnotes; the annotated entries' ids known to MkDocs' anchor check."""
    annotated = state.references.annotated.get(page.file.src_uri)
    if annotated is not None:
        page.present_anchor_ids = (page.present_anchor_ids or set()) | annotated.anchors
    return html.replace('<div class="footnote">', REFERENCES_HEADING, 1)


def fill_references(state: BuildState, page: Page) -> None:
    """Each reference's HTML (text and status badge) into its footnote, every entry into the annotated
    bibliography."""
    refs = state.references
    src = page.file.src_uri
    texts = refs.texts.pop(src, {})
    for key, text in texts.items():
        if not text:
            raise PluginError(f"{src}: no formatted text for the reference '{key}'")
    annotated = refs.annotated.pop(src, None)
    if annotated is not None:
        page.content = annotated.fill(page.content, lambda key: texts.get(key, ""), refs.to_html)
        return
    page.content = render.fill_footnotes(page.content, {
        key: render.footnote_html(text, refs.entries.get(key), refs.to_html) for key, text in texts.items()})


def save(state: BuildState) -> None:
    if state.references is not None:
        state.references.to_html.save()  # the HTML of references and annotations, for the next build
