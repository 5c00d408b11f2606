"""The schema of a study record (bib/studies.yaml) and of the published dataset (data/studies.json).

Both are JSON Schema (draft 7), checked with the `jsonschema` library: the records
by `make check`, the dataset by the tests; the dataset's schema is published beside
it, so that others can check what they download.
"""

from __future__ import annotations

from typing import Any

# Study designs, in the order the timeline draws them (top to bottom) and tables name them.
DESIGNS: dict[str, str] = {
    "meta-analysis": "Meta-analysis",
    "phase-3-rct": "Phase 3 RCT",
    "phase-2-rct": "Phase 2 RCT",
    "phase-2-single-arm": "Phase 2, single arm",
    "prospective-cohort": "Prospective cohort",
    "retrospective-cohort": "Retrospective cohort",
    "secondary-analysis": "Secondary analysis",
    "guideline": "Guideline",
    "consensus": "Consensus statement",
}
# Designs that enrol no patients of their own: `patients` is null for these and only these.
NO_PATIENTS = ("guideline", "consensus")

_TEXT = {"type": "string", "minLength": 3, "pattern": r"\S"}

RECORD_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "A study record of bib/studies.yaml",
    "type": "object",
    "additionalProperties": False,
    "required": ["key", "name", "design", "patients", "population", "intervention", "comparator",
                 "primary_endpoint", "result"],
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z0-9_-]+$", "description": "citation key of the paper in bib/"},
        "name": {"type": "string", "minLength": 2, "description": "study name or acronym, e.g. CHHiP"},
        "design": {"enum": list(DESIGNS)},
        "patients": {"type": ["integer", "null"], "minimum": 1,
                     "description": "patients randomized or analysed, as the paper reports; null for guidelines"},
        "population": _TEXT,
        "intervention": _TEXT,
        "comparator": {"type": ["string", "null"], "description": "null for a single-arm study"},
        "primary_endpoint": _TEXT,
        "result": {**_TEXT, "description": "the main result as the paper reports it: numbers, units, time point"},
        "follow_up": {"type": "string", "minLength": 2},
    },
    "allOf": [
        {"if": {"properties": {"design": {"enum": list(NO_PATIENTS)}}},
         "then": {"properties": {"patients": {"type": "null"}}},
         "else": {"properties": {"patients": {"type": "integer"}}}},
    ],
}

# One row of the published dataset: the record, the paper's identifiers and its verification status.
DATASET_FIELDS: tuple[str, ...] = (
    "key", "name", "design", "patients", "population", "intervention", "comparator", "primary_endpoint",
    "result", "follow_up", "sites", "technologies", "first_author", "title", "journal", "year", "doi", "pmid",
    "pmcid", "nct", "verification", "verification_source", "verification_date", "cited_on",
)
_OPTIONAL_TEXT = {"type": ["string", "null"]}

DATASET_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Key studies of Personalized Radiation Therapy: A Living Review",
    "type": "object",
    "additionalProperties": False,
    "required": ["review", "studies"],
    "properties": {
        "review": {
            "type": "object",
            "required": ["title", "version", "released", "url"],
            "properties": {"title": {"type": "string"}, "version": {"type": "string"},
                           "released": {"type": "string", "format": "date"}, "url": {"type": "string"},
                           "doi": _OPTIONAL_TEXT, "licence": {"type": "string"}},
        },
        "studies": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": list(DATASET_FIELDS),
                "properties": {
                    **{name: RECORD_SCHEMA["properties"][name] for name in
                       ("key", "name", "design", "patients", "population", "intervention", "comparator",
                        "primary_endpoint", "result")},
                    "follow_up": _OPTIONAL_TEXT,
                    "sites": {"type": "array", "items": {"type": "string"}},
                    "technologies": {"type": "array", "items": {"type": "string"}},
                    "first_author": _OPTIONAL_TEXT,
                    "title": {"type": "string"},
                    "journal": _OPTIONAL_TEXT,
                    "year": {"type": "integer"},
                    "doi": {"type": ["string", "null"], "pattern": r"^10\.\d{4,9}/\S+$"},
                    "pmid": {"type": ["string", "null"], "pattern": r"^\d+$"},
                    "pmcid": {"type": ["string", "null"], "pattern": r"^PMC\d+$"},
                    "nct": {"type": ["string", "null"], "pattern": r"^NCT\d{8}$"},
                    "verification": {"enum": ["registry-checked", "seen-in-sources"]},
                    "verification_source": {"type": "string"},
                    "verification_date": {"type": "string", "format": "date"},
                    "cited_on": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
