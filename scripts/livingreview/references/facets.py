"""The keyword vocabulary of bibliography entries: the one place that lists every facet value.

An entry's `keywords` field holds comma-separated `facet:value` items. The
annotated bibliography groups entries by the site and technology facets (in
this order, under these headings); the checks reject any keyword not listed
here; bib/README.md documents the same table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Cancer sites: keyword -> heading in the annotated bibliography, in page order.
SITE_GROUPS: dict[str, str] = {
    "site:head-and-neck": "Head and neck cancer",
    "site:lung": "Lung cancer",
    "site:esophageal": "Esophageal cancer",
    "site:rectal": "Rectal cancer",
    "site:prostate": "Prostate cancer",
    "site:pediatric": "Pediatric cancer",
    "site:oligometastatic": "Oligometastatic disease",
}

# Technologies and themes: keyword -> heading, in page order.
TECH_GROUPS: dict[str, str] = {
    "tech:imaging": "Multimodality imaging",
    "tech:biology": "Tumor biology and molecular profiling",
    "tech:radiomics": "Radiomics",
    "tech:precision": "Precision radiation oncology",
    "tech:adaptive": "Adaptive radiotherapy",
    "tech:proton": "Proton therapy",
    "tech:fractionation": "Dose and fractionation",
    "tech:systemic": "Radiotherapy with systemic therapy",
}

# Kinds of publication: keyword -> meaning.
TYPES: dict[str, str] = {
    "type:rct": "Randomised controlled trial (phase 3 unless type:phase2 is also given)",
    "type:phase2": "Phase 2 trial, randomised or not",
    "type:cohort": "Cohort or other observational study",
    "type:meta-analysis": "Systematic review with meta-analysis, of trials or of individual patient data",
    "type:guideline": "Guideline, consensus statement or reporting standard",
    "type:review": "Narrative review",
    "type:methods": "Methods, concepts or modelling paper",
    "type:source-article": "The overview article the review started from",
    "type:source-reference": "A reference cited by the source article",
}

VOCABULARY: dict[str, str] = {**SITE_GROUPS, **TECH_GROUPS, **TYPES}

# Facets a topic page can cover (front matter `facet: site:lung`): its key-studies table lists the studies
# it cites that carry the facet, and a study carrying a site facet must be cited on that site's page.
TOPIC_FACETS: dict[str, str] = {**SITE_GROUPS, **{k: v for k, v in TECH_GROUPS.items() if k != "tech:systemic"}}


def topic_pages(pages: Iterable[tuple[str, Mapping[str, Any] | None]]) -> dict[str, str]:
    """facet -> page (relative to docs/), from each page's front matter `facet:` (the first page wins; the
    checks report a second)."""
    out: dict[str, str] = {}
    for doc, front in pages:
        facet = (front or {}).get("facet")
        if isinstance(facet, str) and facet in TOPIC_FACETS:
            out.setdefault(facet, doc)
    return out
