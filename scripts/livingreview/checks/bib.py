"""Bibliography entries: syntax, unique keys and works, required fields, identifiers, status, keywords, use.

The rules are documented for contributors in bib/README.md; keep the two in step.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Callable

from livingreview.references.bib_format import check_canonical
from livingreview.references.bibkeys import DOI, KEY, NCT, PMCID, PMID
from livingreview.references.bibliography import Entry
from livingreview.checks.sources import Sources
from livingreview.references.citations import find_citations
from livingreview.references.facets import TYPES, VOCABULARY
from livingreview.core.findings import Finding
from livingreview.core.pages import iso_date
from livingreview.references.verification import STATUSES

# Entry type -> required fields; "a|b" means either. Every entry also needs ALWAYS.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": ("author|editor", "title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "techreport": ("author|institution", "title", "institution", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "misc": ("title", "year", "url|howpublished"),
    "online": ("title", "year", "url"),
}
ALWAYS = ("keywords", "annote", "verification")
IDENTIFIERS: dict[str, tuple[re.Pattern[str], str]] = {
    "doi": (DOI, "a bare DOI such as 10.1056/NEJMoa1709937 (no https://doi.org/)"),
    "pmid": (PMID, "a PubMed id: digits only"),
    "pmcid": (PMCID, "a PubMed Central id such as PMC6838670"),
    "nct": (NCT, "a ClinicalTrials.gov id such as NCT01234567"),
}
FIRST_YEAR = 1850  # before anything this review could cite
LISTED_VALUES = ("intentional",)


def check_bib_syntax(sources: Sources) -> list[Finding]:
    """What reading each .bib file found (syntax errors at their line): faults the build cannot go past."""
    return [finding for bib in sources.bib_files for finding in bib.parsed.findings]


def check_bibliography(sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    for bib in sources.bib_files:
        findings += check_canonical(bib)
    entries = sources.entries
    findings += _duplicates(entries)
    # With a page unreadable, nobody knows what is cited: skip that part rather than guess.
    cited = None if sources.unreadable_pages else {c.key for page in sources.pages for c in find_citations(page.masked)}
    for entry in entries:
        findings += check_entry(entry, cited)
    return findings


def _duplicates(entries: list[Entry]) -> list[Finding]:
    findings: list[Finding] = []
    first: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        marks = [("key", entry.key.lower())]
        marks += [(name, entry.get(name).lower()) for name in ("doi", "pmid", "pmcid") if entry.get(name)]
        if entry.get("title") and entry.get("year"):
            marks.append(("title and year", normalised_title(entry.get("title")) + "|" + entry.get("year")))
        for kind, value in marks:
            other = first.setdefault((kind, value), entry)
            if other is entry:
                continue
            where = f"{other.path}:{other.line}"
            if kind == "key":
                message = (f"duplicate key '{entry.key}' (also at {where}): mkdocs-bibtex silently keeps "
                           "only the last one")
                findings.append(Finding(entry.path, entry.line, "error", message, "bib-duplicate-key"))
                break  # the same entry twice: one finding is enough
            line = entry.field_lines.get(kind if kind != "title and year" else "title", entry.line)
            findings.append(Finding(entry.path, line, "error", f"'{entry.key}' has the same {kind} as "
                                    f"'{other.key}' ({where}): the same work twice?", "bib-duplicate-work"))
    return findings


def normalised_title(title: str) -> str:
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\\[a-z]+|[{}\\]", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def check_entry(entry: Entry, cited: set[str] | None) -> list[Finding]:
    """Findings for one entry; `cited` is every key cited on a page (None: unknown, skip that rule)."""
    findings: list[Finding] = []

    def error(field: str | None, message: str, check: str) -> None:
        line = entry.field_lines.get(field, entry.line) if field else entry.line
        findings.append(Finding(entry.path, line, "error", f"{entry.key}: {message}", check))

    if not KEY.match(entry.key):
        error(None, "keys must match [a-z0-9_-]+ (mkdocs-bibtex cuts keys at '.', ':' and other characters)",
              "bib-key")
    required = REQUIRED_FIELDS.get(entry.type)
    if required is None:
        error(None, f"entry type @{entry.type} is not one of @{', @'.join(REQUIRED_FIELDS)}", "bib-required-field")
        required = ()
    waived = [m.strip() for m in entry.get("missing").split(",") if m.strip()]
    for need in required + ALWAYS:
        names = need.split("|")
        if any(entry.get(name).strip() for name in names):
            continue
        if not set(names) & set(waived) or need in ALWAYS:
            error(None, f"@{entry.type} entry lacks {' or '.join(names)} (if it could not be verified, "
                  f"say so with missing = {{{names[0]}}} and explain in annote)", "bib-required-field")
    for name in waived:
        if entry.get(name) or not any(name in need.split("|") for need in required):
            error("missing", f"missing = {{{name}}} waives only a required field the entry lacks",
                  "bib-required-field")
    for name, (pattern, meaning) in IDENTIFIERS.items():
        value = entry.get(name)
        if value and not pattern.match(value):
            error(name, f"{name} {value!r} is not {meaning}", "bib-identifier")
    year = entry.get("year")
    if year and not (re.fullmatch(r"\d{4}", year) and FIRST_YEAR <= int(year) <= datetime.date.today().year + 1):
        error("year", f"year {year!r} is not a plausible four-digit year", "bib-year")
    _verification(entry, error)
    _keywords(entry, error)
    listed = entry.get("listed")
    if listed and listed not in LISTED_VALUES:
        error("listed", f"listed = {{{listed}}}: the only value is {', '.join(LISTED_VALUES)}", "bib-uncited")
    elif cited is not None and entry.key not in cited and not listed:
        error(None, "cited on no page: cite it, remove it, or mark it listed = {intentional}", "bib-uncited")
    return findings


def _verification(entry: Entry, error: Callable[[str | None, str, str], None]) -> None:
    status = entry.get("verification")
    if not status:
        return  # reported as a missing required field
    if status not in STATUSES:
        error("verification", f"verification {status!r} is not one of {', '.join(STATUSES)}", "bib-verification")
        return
    if STATUSES[status].needs_source:
        for name in ("verification_source", "verification_date"):
            if not entry.get(name):
                error("verification", f"verification = {{{status}}} needs {name}", "bib-verification")
    for name in ("verification_date", "urldate"):
        if entry.get(name) and not iso_date(entry.get(name)):
            error(name, f"{name} {entry.get(name)!r} is not an ISO date YYYY-MM-DD", "bib-verification")


def _keywords(entry: Entry, error: Callable[[str | None, str, str], None]) -> None:
    for keyword in entry.keywords:
        if keyword not in VOCABULARY:
            error("keywords", f"keyword {keyword!r} is not in the vocabulary (scripts/livingreview/references/facets.py, "
                  "listed in bib/README.md)", "bib-keywords")
    if entry.keywords and not any(k in TYPES for k in entry.keywords):
        error("keywords", "keywords name no type: add one of " + ", ".join(TYPES), "bib-keywords")
