"""MkDocs hooks for citing: thin adapters between MkDocs events and livingreview.citing*.

- on_config: read `extra.review` (version, release date, authors, DOI...).
- on_files: one citation record per page (front matter + first publication date
  from published/anchors.json) and its downloads (BibTeX, RIS, CSL-JSON) as
  generated files in the site's root folder, named by the record's key.
- on_page_content: note the page's `##` sections (ids and titles from its toc).
- on_env: every page and section formatted in AMA and Vancouver, in one pandoc
  call per style for the whole build (cached in .cache/citing.json), run in
  the background until the first page's on_page_context needs it.
- on_page_context: `citing` for the templates (overrides/partials/cite-*.html),
  a copy button in each `##` heading, the whole review's citation on the
  page holding `<!-- cite-the-review -->`.

Loaded by file path from mkdocs.yml (`hooks:`); MkDocs puts this folder on
sys.path while importing it, hence the absolute `livingreview` imports.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from concurrent.futures import ThreadPoolExecutor

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from livingreview import anchors, citing, citing_html, citing_styles
from livingreview.digest_cache import DigestCache
from livingreview.markdown_text import split_front_matter
from livingreview.markers import CITE_THE_REVIEW

log = get_plugin_logger(__name__)

HOW_TO_CITE = "how-to-cite.md"

_state: dict[str, Any] = {}


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _sections(items: list[AnchorLink]) -> list[AnchorLink]:
    """The level-2 entries of a page's toc, wherever they sit in the tree."""
    found: list[AnchorLink] = []
    for item in items:
        if item.level == 2:
            found.append(item)
        found += _sections(item.children)
    return found


def _downloads(record: citing.CitationRecord, uris: dict[str, str], page_url: str) -> list[dict[str, str]]:
    return [{"ext": ext, "label": citing.FORMAT_LABELS[ext], "media_type": citing.MEDIA_TYPES[ext],
             "href": get_relative_url(uri, page_url or "."),
             "filename": f"{record.key}.{ext}"} for ext, uri in uris.items()]


# Start definition of MkDocs hooks


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        review = citing.review_from_config(config.extra, site_name=config.site_name, site_url=config.site_url,
                                           language=str(config.theme.get("language") or "en"))
    except citing.CitingConfigError as exc:
        raise PluginError(str(exc)) from exc
    _state.clear()
    _state.update(review=review, root=_root(config), sections={})
    return config


@event_priority(-100)  # after plugins that add pages, so that each gets its record
def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    review: citing.Review = _state["review"]
    first_published = anchors.first_published(_state["root"])
    records: dict[str, citing.CitationRecord] = {}
    download_uris: dict[str, dict[str, str]] = {}
    for file in list(files.documentation_pages()):
        meta = split_front_matter(file.content_string).data or {}
        try:
            record = citing.page_record(review, src_uri=file.src_uri, url=file.url, meta=meta,
                                        published=first_published.get(file.src_uri))
        except citing.CitingConfigError as exc:
            log.warning("%s (no citation for this page)", exc)
            continue
        records[file.src_uri] = record
        download_uris[file.src_uri] = _add_downloads(files, config, record)
    duplicates = citing.duplicate_keys(records.values())
    if duplicates:
        raise PluginError(f"two pages share the citation key(s) {', '.join(duplicates)}: rename one of them")
    review_record = citing.review_record(review, min((r.published for r in records.values()), default=None))
    how_to_cite = files.get_file_from_path(HOW_TO_CITE)
    _state.update(records=records, download_uris=download_uris, review_record=review_record,
                  how_to_cite=how_to_cite.url if how_to_cite else None,
                  review_downloads=_add_downloads(files, config, review_record))
    return files


def _add_downloads(files: Files, config: MkDocsConfig, record: citing.CitationRecord) -> dict[str, str]:
    uris: dict[str, str] = {}
    for ext, content in citing.downloads(record).items():
        uri = citing.download_uri(record, ext)
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, content=content))
        uris[ext] = uri
    return uris


def on_page_content(html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    _state["sections"][page.file.src_uri] = [(s.id, html.unescape(s.title)) for s in _sections(page.toc.items)]
    return html_text


def on_env(env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
    records: dict[str, citing.CitationRecord] = _state["records"]
    sections = {src: [(anchor, title, citing.section_record(records[src], anchor, title)) for anchor, title in found]
                for src, found in _state["sections"].items() if src in records}
    everything = [*records.values(), *(s[2] for found in sections.values() for s in found), _state["review_record"]]
    cache = DigestCache(_state["root"] / ".cache" / "citing.json")
    # pandoc runs (on a cold cache) while the other hooks finish the first page; _formatted() waits for it.
    pool = ThreadPoolExecutor(max_workers=1)
    _state.update(formatting=(pool, pool.submit(citing_styles.format_records, everything, cache)),
                  section_records=sections)
    return env


def _formatted() -> dict[str, dict[str, citing_styles.Formatted]]:
    if "formatting" in _state:
        pool, future = _state.pop("formatting")
        try:
            formatted, runs = future.result()
        except (RuntimeError, OSError) as exc:  # FileNotFoundError is an OSError
            raise PluginError(f"formatting the page citations failed: {exc}") from exc
        finally:
            pool.shutdown()
        log.debug("citing: %d pandoc runs", runs)
        _state["formatted"] = formatted
    return _state["formatted"]


@event_priority(-50)  # after the search plugin has indexed the page text
def on_page_context(context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    src = page.file.src_uri
    record = _state.get("records", {}).get(src)
    if record is None or not ("formatted" in _state or "formatting" in _state):
        return context
    formatted = _formatted()
    sections = {anchor: citing_html.SectionCitation(anchor, title, formatted["ama"][section.key].text)
                for anchor, title, section in _state["section_records"].get(src, [])}
    page.content = citing_html.add_section_buttons(page.content or "", sections)
    if CITE_THE_REVIEW in page.content:
        review_record = _state["review_record"]
        block = citing_html.review_block(
            {style: formatted[style][review_record.key] for style in formatted}, citing.to_bibtex(review_record),
            _downloads(review_record, _state["review_downloads"], page.url))
        page.content = page.content.replace(CITE_THE_REVIEW, block)
    how_to_cite = _state.get("how_to_cite")
    context["citing"] = {
        "record": record,
        "version": record.version,
        "released": _state["review"].released.isoformat(),
        "published": record.published.isoformat(),
        "updated": record.updated.isoformat(),
        "styles": [{"id": style, "label": label, "html": formatted[style][record.key].html}
                   for style, (label, _) in citing_styles.STYLES.items()],
        "bibtex": citing.to_bibtex(record),
        "downloads": _downloads(record, _state["download_uris"][src], page.url),
        "highwire": citing.highwire_tags(record),
        "dublin_core": citing.dublin_core_tags(record),
        "how_to_cite": get_relative_url(how_to_cite, page.url or ".") if how_to_cite is not None else None,
    }
    return context


def on_post_build(*, config: MkDocsConfig) -> None:
    if "formatting" in _state:  # no page took it: still wait, so that an error is reported
        _formatted()


# End definition of MkDocs hooks
