"""Build steps for citing the review: a citation record and downloads per page, the cite box, a copy
button per section, the whole review's citation, the citation meta tags (livingreview.citing)."""

from __future__ import annotations

import html
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from livingreview.build.state import BuildState, CitingState
from livingreview.citing import anchors, page_html, records, styles
from livingreview.core.digest_cache import DigestCache
from livingreview.core.markdown_text import split_front_matter
from livingreview.core.markers import CITE_THE_REVIEW

log = get_plugin_logger(__name__)

HOW_TO_CITE = "how-to-cite.md"
HOME = "index.md"


def configure(state: BuildState, config: MkDocsConfig) -> None:
    """`extra.review` (version, release date, authors, DOI...) read and checked."""
    try:
        review = records.review_from_config(config.extra, site_name=config.site_name, site_url=config.site_url,
                                            language=str(config.theme.get("language") or "en"))
    except records.CitingConfigError as exc:
        raise PluginError(str(exc)) from exc
    state.citing = CitingState(review)


def add_records(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """One citation record per page (front matter, first publication from published/anchors.json) and its
    downloads (BibTeX, RIS, CSL-JSON) as generated files; the whole review's record and downloads."""
    citing = state.citing
    first_published = anchors.first_published(state.root)
    for file in list(files.documentation_pages()):
        if file.src_uri == HOME:
            continue  # the home page stands for the whole review: it gets the review's record below
        meta = split_front_matter(file.content_string).data or {}
        try:
            record = records.page_record(citing.review, src_uri=file.src_uri, url=file.url, meta=meta,
                                         published=first_published.get(file.src_uri))
        except records.CitingConfigError as exc:
            log.warning("%s (no citation for this page)", exc)
            continue
        citing.records[file.src_uri] = record
        citing.download_uris[file.src_uri] = _add_downloads(files, config, record)
    duplicates = records.duplicate_keys(citing.records.values())
    if duplicates:
        raise PluginError(f"two pages share the citation key(s) {', '.join(duplicates)}: rename one of them")
    citing.review_record = records.review_record(citing.review,
                                                 min((r.published for r in citing.records.values()), default=None))
    how_to_cite = files.get_file_from_path(HOW_TO_CITE)
    citing.how_to_cite = how_to_cite.url if how_to_cite else None
    citing.review_downloads = _add_downloads(files, config, citing.review_record)
    if files.get_file_from_path(HOME) is not None:
        citing.records[HOME] = citing.review_record
        citing.download_uris[HOME] = citing.review_downloads


def _add_downloads(files: Files, config: MkDocsConfig, record: records.CitationRecord) -> dict[str, str]:
    uris: dict[str, str] = {}
    for ext, content in records.downloads(record).items():
        uri = records.download_uri(record, ext)
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=content))
        uris[ext] = uri
    return uris


def _sections(items: list[AnchorLink]) -> list[AnchorLink]:
    """The level-2 entries of a page's toc, wherever they sit in the tree."""
    found: list[AnchorLink] = []
    for item in items:
        if item.level == 2:
            found.append(item)
        found += _sections(item.children)
    return found


def note_sections(state: BuildState, page: Page) -> None:
    """The page's `##` sections (ids and titles, from its table of contents)."""
    state.citing.sections[page.file.src_uri] = [(s.id, html.unescape(s.title)) for s in _sections(page.toc.items)]


def start_formatting(state: BuildState) -> None:
    """Every page and section formatted in AMA and Vancouver: one pandoc run per style for the whole build
    (kept in .cache/citing.json), in the background until the first page needs it."""
    citing = state.citing
    citing.section_records = {
        src: [(anchor, title, records.section_record(citing.records[src], anchor, title)) for anchor, title in found]
        for src, found in citing.sections.items() if src in citing.records}
    everything = [*citing.records.values(), *(s[2] for found in citing.section_records.values() for s in found),
                  citing.review_record]
    cache = DigestCache(state.root / ".cache" / "citing.json")
    pool = ThreadPoolExecutor(max_workers=1)
    citing.formatting = pool.submit(styles.format_records, everything, cache)
    citing.formatting.add_done_callback(lambda _: pool.shutdown(wait=False))


def _formatted(citing: CitingState) -> dict[str, dict[str, styles.Formatted]]:
    if citing.formatting is not None:
        future, citing.formatting = citing.formatting, None
        try:
            citing.formatted, runs = future.result()
        except (RuntimeError, OSError) as exc:  # FileNotFoundError is an OSError
            raise PluginError(f"formatting the page citations failed: {exc}") from exc
        log.debug("citing: %d pandoc runs", runs)
    return citing.formatted or {}


def _downloads(record: records.CitationRecord, uris: dict[str, str], page_url: str) -> list[dict[str, str]]:
    return [{"ext": ext, "label": records.FORMAT_LABELS[ext], "media_type": records.MEDIA_TYPES[ext],
             "href": get_relative_url(uri, page_url or "."), "filename": f"{record.key}.{ext}"}
            for ext, uri in uris.items()]


def cite_box(state: BuildState, context: dict[str, Any], page: Page) -> dict[str, Any]:
    """`citing` for the templates (overrides/partials/cite-*.html), a copy button in each `##` heading,
    the whole review's citation where the page holds `<!-- cite-the-review -->`."""
    citing = state.citing
    src = page.file.src_uri
    record = citing.records.get(src)
    if record is None or (citing.formatting is None and citing.formatted is None):
        return context
    formatted = _formatted(citing)
    sections = {anchor: page_html.SectionCitation(anchor, title, formatted["ama"][section.key].text)
                for anchor, title, section in citing.section_records.get(src, [])}
    page.content = page_html.add_section_buttons(page.content or "", sections)
    if CITE_THE_REVIEW in page.content:
        review_record = citing.review_record
        block = page_html.review_block(
            {style: formatted[style][review_record.key] for style in formatted}, records.to_bibtex(review_record),
            _downloads(review_record, citing.review_downloads, page.url))
        page.content = page.content.replace(CITE_THE_REVIEW, block)
    context["citing"] = {
        "record": record,
        "version": record.version,
        "released": citing.review.released.isoformat(),
        "published": record.published.isoformat(),
        "updated": record.updated.isoformat(),
        "styles": [{"id": style, "label": label, "html": formatted[style][record.key].html}
                   for style, (label, _) in styles.STYLES.items()],
        "bibtex": records.to_bibtex(record),
        "downloads": _downloads(record, citing.download_uris[src], page.url),
        "highwire": records.highwire_tags(record),
        "dublin_core": records.dublin_core_tags(record),
        "how_to_cite": get_relative_url(citing.how_to_cite, page.url or ".") if citing.how_to_cite else None,
    }
    return context


def finish(state: BuildState) -> None:
    """No page took the citations (a site without pages): still wait for them, so an error is reported."""
    if state.citing is not None:
        _formatted(state.citing)
