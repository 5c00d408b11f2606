"""The keyword vocabulary of bibliography entries: the one place that lists every facet value.

An entry's `keywords` field holds comma-separated `facet:value` items. The
annotated bibliography groups entries by the site and technology facets (in
this order, under these headings); the checks reject any keyword not listed
here; bib/README.md documents the same table.
"""

from __future__ import annotations

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

# The topic page of each facet that has one (relative to docs/). Its key-studies table lists the studies
# the page cites that carry the facet; a study carrying a site facet must be cited on that site's page.
TOPIC_PAGES: dict[str, str] = {
    **{site: f"sites/{site.removeprefix('site:')}.md" for site in SITE_GROUPS if site != "site:oligometastatic"},
    "tech:imaging": "technologies/multimodality-imaging.md",
    "tech:biology": "technologies/tumor-biology.md",
    "tech:radiomics": "technologies/radiomics.md",
    "tech:precision": "technologies/precision-radiation-oncology.md",
    "tech:adaptive": "technologies/adaptive-radiotherapy.md",
    "tech:proton": "technologies/proton-therapy.md",
    "tech:fractionation": "technologies/dose-and-fractionation.md",
}
FACET_OF_PAGE: dict[str, str] = {page: facet for facet, page in TOPIC_PAGES.items()}
