"""The speed layer's one switch, and the names of its mechanisms so that `make bench` can weigh each.

LIVINGREVIEW_NO_BATCH=1 turns the whole layer off (the plain path: same site, slower).
LIVINGREVIEW_SPEED_OFF=helper,print-site turns single mechanisms off; it exists for the bench's
table of what each mechanism saves against the lines it costs (PERFORMANCE.md), not for users.
"""

from __future__ import annotations

import os

ALL_OFF_ENV = "LIVINGREVIEW_NO_BATCH"
SOME_OFF_ENV = "LIVINGREVIEW_SPEED_OFF"

# name -> what it does; the code each one is made of is listed in tools/bench.py's MECHANISM_CODE
MECHANISMS: dict[str, str] = {
    "batched-references": "every reference formatted in one pandoc run, kept by content between builds",
    "pandoc-heap": "pandoc started with a larger old generation (GHC runtime option): less time collecting",
    "pybtex-parse": "mkdocs-bibtex's pybtex parse in a child process beside the checks",
    "parse-cache": "parsed bib/ files kept on disk between builds",
    "print-site": "print-site's page rewrites in one pass, kept between builds",
    "templates": "compiled theme templates kept between builds",
    "nav-items": "Material's navigation items rendered once per page folder, not once per page",
    "helper": "pure work (reference Markdown, link scans, print rewrites) in a helper process",
    "link-scans": "each built page's ids and links kept by its HTML for the link check",
    "search-index": "the Pagefind index kept while no page changed",
    "search-beside": "the Pagefind index made beside the last steps (a serve rebuild does not wait for it)",
    "checks-cache": "the source checks' findings kept while none of their inputs changed",
    "checks-beside": "the source checks that cannot stop the build run in the helper process beside it",
    "generated-parts": "generated parts (evidence map, study dataset, print-page anchors) and per-page and "
                       "per-entry digests kept while their inputs are unchanged",
    "fast-exit": "a `mkdocs build` that built the site ends without Python freeing every object one by one",
}


def enabled(mechanism: str | None = None) -> bool:
    """Whether the speed layer is on (and, given a name, that mechanism too)."""
    if os.environ.get(ALL_OFF_ENV) == "1":
        return False
    if mechanism is None:
        return True
    off = {name.strip() for name in os.environ.get(SOME_OFF_ENV, "").split(",")}
    return mechanism not in off
