"""Study records (bib/studies.yaml): sound, about checked papers, and shown where they belong.

- `study-record`: the file and each record follow the schema (evidence/schema.py), each key once.
- `study-unknown-key`: the key names an entry of bib/.
- `study-unverified`: that entry is checked (seen-in-sources or registry-checked): an unverified or
  not-found record is never evidence.
- `study-not-cited`: a study about a cancer site (the entry's site: facet) is cited on that site's page,
  where its key-studies table lists it.
- `study-not-shown`: every study is in some page's key-studies table (a topic page cites it and the
  study carries the page's facet).
- `key-studies-marker`: every topic page (front matter `facet: site:lung`, one page per facet, a facet of
  references/facets.py TOPIC_FACETS) carries the marker `<!-- key-studies -->` once, where its table goes;
  the marker needs such a facet.
"""

from __future__ import annotations

from livingreview.checks.sources import Sources
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import line_of
from livingreview.core.markers import KEY_STUDIES
from livingreview.evidence.studies import CHECK
from livingreview.references.citations import find_citations
from livingreview.references.facets import TOPIC_FACETS
from livingreview.references.verification import STATUSES, VERIFIED


def check_markers(sources: Sources) -> list[Finding]:
    findings = []
    claimed: dict[str, str] = {}
    for page in sources.pages:
        facet = (page.front.data or {}).get("facet") if page.front else None
        count = page.masked.count(KEY_STUDIES)
        if facet is None:
            if count:
                findings.append(Finding(page.path, line_of(page.masked, page.masked.index(KEY_STUDIES)), "error",
                                        f"{KEY_STUDIES} needs the page's facet in its front matter (facet: site:lung)",
                                        "key-studies-marker"))
            continue
        line = next((n for n, text in enumerate(page.text.split("\n"), 1) if text.startswith("facet:")), 1)
        if facet not in TOPIC_FACETS:
            findings.append(Finding(page.path, line, "error", f"facet {facet!r} is not one of "
                                    f"{', '.join(TOPIC_FACETS)}", "front-matter"))
            continue
        if facet in claimed:
            findings.append(Finding(page.path, line, "error", f"facet {facet} is already the topic of "
                                    f"docs/{claimed[facet]}: one page per facet", "front-matter"))
            continue
        claimed[facet] = page.doc
        query = (page.front.data or {}).get("pubmed_query")
        if not (isinstance(query, str) and query.strip()):
            findings.append(Finding(page.path, line, "error", "a topic page keeps its saved PubMed search in its front "
                                    "matter (pubmed_query: '...'), which make surveil runs", "front-matter"))
        if count == 0:
            findings.append(Finding(page.path, 1, "error", f"a topic page shows its key studies: put {KEY_STUDIES} "
                                    "on a line of its own where the table goes", "key-studies-marker"))
        elif count > 1:
            second = page.masked.index(KEY_STUDIES, page.masked.index(KEY_STUDIES) + 1)
            findings.append(Finding(page.path, line_of(page.masked, second), "error",
                                    f"{KEY_STUDIES} a second time: the table goes in one place", "key-studies-marker"))
    return findings


def check_studies(sources: Sources) -> list[Finding]:
    studies = sources.studies
    findings = list(studies.findings) + check_markers(sources)
    entries = {}
    for entry in sources.entries:
        entries.setdefault(entry.key, entry)
    cited_on = {page.doc: {c.key for c in find_citations(page.masked)} for page in sources.pages}
    topic_pages = sources.topic_pages
    seen: dict[str, int] = {}
    for study in studies.studies:
        def error(field: str | None, message: str, check: str) -> None:
            line = study.line_of(field) if field else study.line
            findings.append(Finding(study.path, line, "error", f"{study.key}: {message}", check))

        if study.key in seen:
            error("key", f"a second record of this study (the first is at line {seen[study.key]})", CHECK)
            continue
        seen[study.key] = study.line
        entry = entries.get(study.key)
        if entry is None:
            error("key", "no entry of bib/ has this key (the study file holds what a paper found; the paper "
                  "itself is recorded in bib/)", "study-unknown-key")
            continue
        status = entry.get("verification")
        if status not in VERIFIED:
            label = STATUSES[status].label.lower() if status in STATUSES else (status or "no status")
            error("key", f"its reference is {label} ({entry.path}:{entry.line}): an unchecked record is never "
                  "evidence; check it first (bib/README.md)", "study-unverified")
        if sources.unreadable_pages:
            continue  # which pages cite it is unknown
        shown_on = [page for facet, page in topic_pages.items()
                    if facet in entry.keywords and study.key in cited_on.get(page, set())]
        for facet in entry.keywords:
            page = topic_pages.get(facet) if facet.startswith("site:") else None
            if page and page in cited_on and study.key not in cited_on[page]:
                error("key", f"it concerns {facet} but docs/{page} does not cite it: cite it there (its "
                      "key-studies table lists it), or correct the facet in bib/", "study-not-cited")
        if not shown_on:
            error("key", "no topic page shows it: cite it on a page of one of its facets ("
                  + ", ".join(f for f in entry.keywords if f in topic_pages) + ")" if
                  any(f in topic_pages for f in entry.keywords) else
                  "no topic page shows it: its entry has no site: or tech: facet with a page", "study-not-shown")
    return findings
