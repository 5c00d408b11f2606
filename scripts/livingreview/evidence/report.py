"""`make evidence-report`: per topic page, the numbers a reviewer looks at before a release.

For each site and technology page: the records it cites, checked and not; the checked records that
carry the page's own facet (a site page's trials about its site); the studies in its key-studies
table; and the `##` sections that cite no checked record. Then the totals for bib/ and the dataset.
Plain text, one page per line, from the sources (no build).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from livingreview.checks.claims import is_lone_marker, is_prose, segments
from livingreview.checks.page_checks import heading_id, headings
from livingreview.core.markers import NO_CLAIM
from livingreview.checks.sources import MarkdownFile, Sources, load_sources
from livingreview.evidence import tables
from livingreview.references.bibliography import Entry
from livingreview.references.citations import find_citations
from livingreview.references.verification import is_checked


@dataclass
class PageNumbers:
    page: str
    facet: str
    checked: int
    unchecked: int
    facet_checked: int
    studies: int
    uncited_sections: list[str]


def sections_without_checked_citation(page: MarkdownFile, entries: dict[str, Entry]) -> list[str]:
    """The ids (or titles) of the page's `##` sections that state something (a block of prose the
    citation rule applies to) and cite no checked record."""
    parts = segments(page)
    headings_by_line = {line: (level, text) for line, level, text in headings(page)}
    out: list[str] = []
    section: str | None = None
    states, cites_checked = False, False

    def close() -> None:
        if section is not None and states and not cites_checked:
            out.append(section)

    for index, part in enumerate(parts):
        if part.heading:
            match = headings_by_line.get(part.line)
            if match and match[0] == 2:
                close()
                section, states, cites_checked = heading_id(match[1]) or match[1], False, False
            continue
        following = parts[index + 1] if index + 1 < len(parts) else None
        exempt = is_lone_marker(part) or NO_CLAIM in part.text or (following is not None and is_lone_marker(following))
        if not exempt and is_prose(part.text):
            states = True
        keys = {c.key for c in find_citations(part.text)}
        cites_checked |= any(k in entries and is_checked(entries[k].fields) for k in keys)
    close()
    return out


def page_numbers(sources: Sources) -> list[PageNumbers]:
    entries: dict[str, Entry] = {}
    for entry in sources.entries:
        entries.setdefault(entry.key, entry)
    studies = sources.studies.by_key()
    pages = {p.doc: p for p in sources.pages}
    out = []
    for facet, doc in sources.topic_pages.items():
        page = pages.get(doc)
        if page is None:
            continue
        cited = list(dict.fromkeys(c.key for c in find_citations(page.masked)))
        known = [entries[k] for k in cited if k in entries]
        checked = [e for e in known if is_checked(e.fields)]
        out.append(PageNumbers(
            page=doc, facet=facet, checked=len(checked), unchecked=len(known) - len(checked),
            facet_checked=sum(1 for e in checked if facet in e.keywords),
            studies=len(tables.page_studies(facet, cited, studies, entries)),
            uncited_sections=sections_without_checked_citation(page, entries)))
    return out


def report(root: Path) -> str:
    sources = load_sources(root)
    rows = page_numbers(sources)
    entries = {e.key: e for e in sources.entries}
    pages = {p.doc: p for p in sources.pages}
    shown = {study.key for facet, doc in sources.topic_pages.items() for study, _ in tables.page_studies(
        facet, [c.key for c in find_citations(pages[doc].masked)], sources.studies.by_key(), entries)}
    width = max((len(r.page) for r in rows), default=10)
    lines = [f"{'page':<{width}}  facet               checked  unchecked  own-facet  studies  sections without a "
             "checked citation"]
    for r in rows:
        sections = ", ".join(r.uncited_sections) or "-"
        lines.append(f"{r.page:<{width}}  {r.facet:<18} {r.checked:8d} {r.unchecked:10d} {r.facet_checked:10d} "
                     f"{r.studies:8d}  {sections}")
    checked = sum(1 for e in entries.values() if is_checked(e.fields))
    lines += [
        "",
        f"bib/: {len(entries)} records, {checked} checked, {len(entries) - checked} not checked",
        f"studies: {len(sources.studies.studies)} records in bib/studies.yaml, {len(shown)} in some page's "
        "key-studies table",
        "own-facet: checked records cited on the page that carry the page's facet (e.g. site:lung on the lung page)",
    ]
    if sources.studies.findings:
        lines.append(f"({len(sources.studies.findings)} study record(s) with errors: run make check)")
    return "\n".join(lines)
