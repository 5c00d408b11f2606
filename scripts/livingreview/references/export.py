"""The bibliography as readers download it: data/references.bib, for a reference manager.

bib/ is written for the build and its checks; reference managers read it differently. Zotero, for
one, imports a BibTeX author list ending in "and others" with an author named "others", and keeps
fields it does not know (`verification_source`) as clutter. The export therefore:

- drops the final "others" and says in the entry's `note` that the author list is shortened;
- folds the verification status, where the record was seen and when, into `note`, so that an
  unverified record says so wherever it is read ("not evidence");
- keeps the standard fields (and doi, pmid, pmcid, keywords, annote) and nothing of our own.
"""

from __future__ import annotations

from collections.abc import Iterable

from livingreview.references.bibliography import Entry, canonical_fields
from livingreview.references.names import split_authors
from livingreview.references.verification import is_checked, status_of

PATH = "data/references.bib"  # relative to the site root
KEPT_FIELDS = ("author", "editor", "title", "booktitle", "journal", "year", "volume", "number", "pages",
               "publisher", "institution", "doi", "pmid", "pmcid", "url", "keywords", "annote")
SHORTENED = "The author list of this record is shortened to its first authors; the DOI leads to the full list."


def _names(field: str) -> tuple[str, bool]:
    """The name list without a final "others", and whether there was one."""
    shortened = field.rstrip().endswith(" and others") or field.strip() == "others"
    return " and ".join(split_authors(field)), shortened


def export_note(entry: Entry) -> str:
    status = status_of(entry.fields)
    parts: list[str] = []
    if is_checked(entry.fields) and status is not None:
        parts.append(f"{status.label}: {entry.get('verification_source')} ({entry.get('verification_date')}).")
    else:
        label = status.label if status else "Unverified"
        parts.append(f"{label}: not checked by this review, not evidence.")
    if entry.get("nct"):
        parts.append(f"Trial registration: {entry.get('nct')}.")
    return " ".join(parts)


def export_entry(entry: Entry) -> str:
    fields = canonical_fields(entry)
    out: list[tuple[str, str]] = []
    notes: list[str] = []
    for name in KEPT_FIELDS:
        value = fields.get(name, "").strip()
        if not value:
            continue
        if name in ("author", "editor"):
            value, shortened = _names(value)
            if shortened and SHORTENED not in notes:
                notes.append(SHORTENED)
            if not value:
                continue
        out.append((name, value))
    out.append(("note", " ".join([export_note(entry), *notes])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in out)
    return f"@{entry.type}{{{entry.key},\n{body}\n}}\n"


def export_bibtex(entries: Iterable[Entry], *, header: str) -> str:
    """Every entry, sorted by key, after a comment line naming the review and its version."""
    return f"% {header}\n\n" + "\n".join(export_entry(e) for e in sorted(entries, key=lambda e: e.key))
