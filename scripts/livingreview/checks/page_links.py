"""Links and anchors in the page sources, without a build: the same faults the built site's link check
finds (checks/links.py), reported once, at the line of the page that holds the link.

What is read: Markdown links `[text](target)` and reference definitions
`[id]: target` (targets relative to the page's file: `../sites/lung.md#pet`),
and raw HTML `href` and `src` values (relative to the page's address, as the
browser reads them: `../lung/#pet`). What a page's anchors are: its heading ids
(`{#id}`, or the id MkDocs makes from the heading's text), ids written in raw
HTML or attribute lists, its footnotes, and the ids that generated parts add
(the "References" heading of a page that cites, the annotated bibliography's
entries, the evidence map's cells, the key-studies tables): `generated_ids`.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from markdown.extensions.toc import slugify, unique

from livingreview.checks.page_checks import ATTR_LIST, headings, heading_id
from livingreview.checks.sources import MarkdownFile, Sources
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import line_of
from livingreview.core.markers import ANNOTATED_BIBLIOGRAPHY, EVIDENCE_MAP, KEY_STUDIES
from livingreview.evidence import dataset, tables
from livingreview.references import export
from livingreview.reader import evidence_map
from livingreview.references.bibliography import Entry
from livingreview.references.citations import find_citations
from livingreview.references.render import annotated_anchor_ids

CHECK = "links"
MARKDOWN_LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(\s*<?(?P<target>[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\]^][^\]]*)\]:\s*<?(?P<target>\S+?)>?(?:\s+.*)?$", re.M)
HTML_LINK = re.compile(r"""<[a-zA-Z][^<>]*?\s(?:href|src)\s*=\s*(?P<q>["'])(?P<target>[^"']*)(?P=q)""")
HTML_ID = re.compile(r"""<[a-zA-Z][^<>]*?\sid\s*=\s*(?P<q>["'])(?P<id>[^"']+)(?P=q)""")
ATTR_ID = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
FOOTNOTE_REF = re.compile(r"\[\^(?P<id>[^\]\s]+)\](?!:)")
EXTERNAL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")

# The ids generated parts add to a page, by the marker that asks for them.
GeneratedIds = Callable[[Sources, MarkdownFile], set[str]]
_GENERATED: dict[str, GeneratedIds] = {}


def generates_ids(marker: str) -> Callable[[GeneratedIds], GeneratedIds]:
    """Register the ids a generated part adds to the page that carries `marker`."""
    def register(function: GeneratedIds) -> GeneratedIds:
        _GENERATED[marker] = function
        return function
    return register


@generates_ids(ANNOTATED_BIBLIOGRAPHY)
def _annotated_ids(sources: Sources, page: MarkdownFile) -> set[str]:
    return annotated_anchor_ids(sources.entries)


@generates_ids(EVIDENCE_MAP)
def _evidence_map_ids(sources: Sources, page: MarkdownFile) -> set[str]:
    return evidence_map.anchor_ids(sources.entries)


@generates_ids(KEY_STUDIES)
def _key_studies_ids(sources: Sources, page: MarkdownFile) -> set[str]:
    entries: dict[str, Entry] = {}
    for entry in sources.entries:
        entries.setdefault(entry.key, entry)
    cited = [c.key for c in find_citations(page.masked)]
    return tables.anchor_ids(tables.page_studies(sources.facet_of(page.doc), cited, sources.studies.by_key(), entries))


def page_ids(page: MarkdownFile, sources: Sources) -> set[str]:
    """Every id the built page will have that a link may point at."""
    ids: set[str] = set()
    used: set[str] = set()
    for _, _, text in headings(page):
        explicit = heading_id(text)
        title = ATTR_LIST.sub("", text).strip()
        ids.add(explicit or unique(slugify(title, "-"), used))
    body = page.masked
    ids |= {m["id"] for m in HTML_ID.finditer(body)}
    for attrs in re.finditer(r"\{:?(?P<attrs>[^{}\n]*)\}", body):
        ids |= {m["id"] for m in ATTR_ID.finditer(attrs["attrs"])}
    notes = {m["id"] for m in FOOTNOTE_REF.finditer(body)} | {c.key for c in find_citations(body)}
    ids |= {f"fn:{n}" for n in notes} | {f"fnref:{n}" for n in notes}
    if find_citations(body):
        ids.add("references")
    for marker, generated in _GENERATED.items():
        if marker in body:
            ids |= generated(sources, page)
    return ids


def page_url(doc: str) -> str:
    """The page's address relative to the site (use_directory_urls): sites/lung.md -> sites/lung/."""
    stem = doc.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def check_page_links(sources: Sources, generated_files: set[str] | None = None) -> list[Finding]:
    """Every link of every page whose page, file or #anchor does not exist. `generated_files`: paths
    relative to docs/ that the build adds (downloads, datasets), which links may point at."""
    pages = {p.doc: p for p in sources.pages}
    urls = {page_url(doc): doc for doc in pages}
    files = {p.relative_to(sources.docs_dir).as_posix() for p in sources.docs_dir.rglob("*") if p.is_file()} \
        if sources.docs_dir.is_dir() else set()
    files |= set(dataset.FILES.values()) | {export.PATH} | (generated_files or set())
    ids: dict[str, set[str]] = {}

    def anchors_of(doc: str) -> set[str]:
        if doc not in ids:
            ids[doc] = page_ids(pages[doc], sources)
        return ids[doc]

    findings: list[Finding] = []
    for page in sources.pages:
        text = page.masked
        for kind, pattern in (("markdown", MARKDOWN_LINK), ("markdown", IMAGE_LINK),
                              ("markdown", REFERENCE_DEFINITION), ("html", HTML_LINK)):
            for match in pattern.finditer(text):
                target = html.unescape(match["target"].strip())
                if kind == "html" and "{{" in target:
                    continue  # a template expression, not a link
                problem = _resolve(page.doc, target, kind, pages, urls, files, anchors_of)
                if problem:
                    findings.append(Finding(page.path, line_of(text, match.start("target")), "error",
                                            f"broken link {target}: {problem}", CHECK))
    return findings


def _resolve(doc: str, target: str, kind: str, pages: dict[str, MarkdownFile], urls: dict[str, str],
             files: set[str], anchors_of: Callable[[str], set[str]]) -> str | None:
    """Why `target`, written on page `doc`, leads nowhere; None when it resolves (or is not ours to check)."""
    if not target or EXTERNAL.match(target) or target.startswith("/"):
        return None  # external, or site-absolute (MkDocs' own validation warns about those)
    path, _, fragment = target.partition("#")
    path = unquote(urlsplit(path).path)
    fragment = unquote(fragment.partition(":~:")[0])
    if not path:
        where = doc
    elif kind == "markdown":
        where = posixpath.normpath(posixpath.join(posixpath.dirname(doc), path))
        if where.startswith("../"):
            return "points above docs/"
        if where not in pages:
            if where in files or posixpath.join(where, "index.md") in pages:
                return None if not fragment else None
            return f"no {where} under docs/"
    else:
        base = page_url(doc)
        where_url = posixpath.normpath(posixpath.join(base, path)) + ("/" if path.endswith("/") else "")
        where_url = "" if where_url in (".", "./") else where_url
        if where_url.startswith("../"):
            return "points above the site's top folder"
        if where_url in urls:
            where = urls[where_url]
        elif where_url.rstrip("/") in files or where_url in files:
            return None
        else:
            return f"no page or file at {where_url or '/'} (HTML links are relative to the page's address, " \
                   f"{base or '/'})"
    if fragment and fragment != "top" and where in pages and fragment not in anchors_of(where):
        return f"no #{fragment} on {where}"
    return None
