"""The whole study dataset as downloads at stable addresses: data/studies.csv, data/studies.json and the
schema they follow, data/studies.schema.json (evidence/schema.py: DATASET_SCHEMA).

Each row is a study record joined with its paper's identifiers (DOI, PMID, PMCID, NCT), facets and
verification status from bib/, and the pages that cite it. Only checked papers are evidence, so only
their studies are exported. Both files carry the review's version and release date (JSON: the
`review` object; CSV: the review_version and review_released columns), so a reuser can cite what
they downloaded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from livingreview.evidence.schema import DATASET_FIELDS, DATASET_SCHEMA
from livingreview.evidence.studies import Study
from livingreview.references.bibliography import Entry
from livingreview.references.names import short_name, split_authors
from livingreview.references.verification import is_checked

FOLDER = "data/"  # relative to the site root (and to docs/, where links to it are written)
FILES = {"csv": FOLDER + "studies.csv", "json": FOLDER + "studies.json", "schema": FOLDER + "studies.schema.json"}
CSV_REVIEW_COLUMNS = ("review_version", "review_released")
LIST_SEPARATOR = "; "  # of lists (sites, technologies, pages) in a CSV cell


@dataclass(frozen=True)
class ReviewInfo:
    title: str
    version: str
    released: str  # ISO date
    url: str
    doi: str | None = None
    licence: str = "CC BY 4.0"


def rows(studies: Iterable[Study], entries: dict[str, Entry], cited_on: dict[str, list[str]]) -> list[dict]:
    """One row per study whose paper is checked, in key order (`cited_on`: key -> page URLs)."""
    out = []
    for study in sorted(studies, key=lambda s: s.key):
        entry = entries.get(study.key)
        if entry is None or not is_checked(entry.fields):
            continue
        authors = split_authors(entry.get("author"))
        year = entry.get("year")[:4]
        out.append({
            "key": study.key, "name": study.name, "design": study.design, "patients": study.patients,
            "population": study.population, "intervention": study.intervention, "comparator": study.comparator,
            "primary_endpoint": study.primary_endpoint, "result": study.result, "follow_up": study.follow_up,
            "sites": [k.removeprefix("site:") for k in entry.keywords if k.startswith("site:")],
            "technologies": [k.removeprefix("tech:") for k in entry.keywords if k.startswith("tech:")],
            "first_author": short_name(authors[0]) if authors else None,
            "title": entry.get("title").replace("{", "").replace("}", ""),
            "journal": entry.get("journal") or None,
            "year": int(year) if year.isdigit() else 0,
            **{name: entry.get(name) or None for name in ("doi", "pmid", "pmcid", "nct")},
            "verification": entry.get("verification"),
            "verification_source": entry.get("verification_source"),
            "verification_date": entry.get("verification_date"),
            "cited_on": sorted(cited_on.get(study.key, [])),
        })
    return out


def to_json(data: list[dict], review: ReviewInfo) -> str:
    info = {"title": review.title, "version": review.version, "released": review.released, "url": review.url,
            "doi": review.doi, "licence": review.licence}
    return json.dumps({"review": info, "studies": data}, ensure_ascii=False, indent=1) + "\n"


def to_csv(data: list[dict], review: ReviewInfo) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([*DATASET_FIELDS, *CSV_REVIEW_COLUMNS])
    for row in data:
        cells = [LIST_SEPARATOR.join(v) if isinstance(v, list) else ("" if v is None else v)
                 for v in (row[name] for name in DATASET_FIELDS)]
        writer.writerow([*cells, review.version, review.released])
    return out.getvalue()


def schema_json() -> str:
    return json.dumps(DATASET_SCHEMA, indent=1) + "\n"


def downloads(data: list[dict], review: ReviewInfo) -> dict[str, str]:
    """Site path -> content of each download."""
    return {FILES["csv"]: to_csv(data, review), FILES["json"]: to_json(data, review), FILES["schema"]: schema_json()}
