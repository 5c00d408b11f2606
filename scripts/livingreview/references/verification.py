"""The verification statuses a bibliography entry can carry, and how readers see them.

The one place that lists them: the checks, the badges on pages, the annotated
bibliography and the documentation in bib/README.md all follow this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    id: str
    label: str
    meaning: str
    needs_source: bool


STATUSES: dict[str, Status] = {
    s.id: s
    for s in (
        Status(
            "registry-checked",
            "Checked against registry",
            "Metadata fetched from or compared with Crossref, PubMed or "
            "ClinicalTrials.gov by the project's own tool (make add-ref / "
            "make verify-refs), on the date given. Set only by that tool.",
            True,
        ),
        Status(
            "seen-in-sources",
            "Record seen in public sources",
            "Title, journal, year, volume, pages and DOI were seen in the named "
            "public sources (publisher, PubMed or PMC pages, repositories, "
            "reference lists), without a live registry check.",
            True,
        ),
        Status(
            "unverified",
            "Unverified",
            "Nobody has checked this record yet. Do not rely on it as evidence.",
            False,
        ),
        Status(
            "not-found",
            "Not found: unverified",
            "Searched for and not found in the indexes named in its source "
            "field. It may be mis-cited or may not exist; it is listed only "
            "because the source article cites it.",
            True,
        ),
    )
}

VERIFIED = frozenset({"registry-checked", "seen-in-sources"})


def status_of(fields: dict[str, str]) -> Status | None:
    return STATUSES.get(fields.get("verification", "").strip())


def is_checked(fields: dict[str, str]) -> bool:
    """Whether the record counts as evidence: checked against a registry or seen in named sources."""
    return fields.get("verification", "").strip() in VERIFIED
