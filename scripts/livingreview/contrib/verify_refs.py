"""`python -m livingreview verify-refs`: re-check every entry with a DOI or PMID against Crossref and PubMed.

Reports, as findings on the entry's lines, where our record and the
registry's disagree (title, year, journal), where the registry says the paper
was retracted (Crossref `updated-by` / `relation.is-retracted-by`, PubMed
publication type "Retracted Publication"), and identifiers the registry does
not know. It never rewrites anything: fixing an entry is a person's decision.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from livingreview.references.bibliography import Entry, bib_files, load_bibliography
from livingreview.core.findings import Finding, has_errors
from livingreview.contrib.http_client import Client, NotFound, RegistryError, Unreachable
from livingreview.core.project import BIB, ROOT
from livingreview.contrib.registries import Record, fetch_crossref, fetch_pubmed

CHECK = "verify-refs"
# Words a journal abbreviation leaves out ("Physics in Medicine and Biology" -> "Phys Med Biol").
JOURNAL_FILLERS = frozenset({"the", "of", "and", "in", "for", "on", "de", "la", "und", "fur"})


def plain(text: str) -> str:
    """Comparable text: LaTeX braces and commands, markup, accents, case and punctuation removed."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\\[a-zA-Z]+\s*", "", text).replace("\\", "")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text.replace("_", " ")).split())


def _abbreviates(short: str, word: str) -> bool:
    """'oncol' abbreviates 'oncology', 'natl' 'national': same first letter, letters in order."""
    if not short or short[0] != word[0]:
        return False
    rest = iter(word)
    return all(letter in rest for letter in short)


def journal_matches(ours: str, names: list[str]) -> bool:
    """Ours equals one of the registry's names, or abbreviates it word by word (ISO 4 style)."""
    mine = plain(re.sub(r"\([^)]*\)", " ", ours)).split()
    if not mine:
        return True  # nothing to compare
    for name in names:
        theirs = plain(re.sub(r"\([^)]*\)", " ", name)).split()
        if mine == theirs:
            return True
        i = 0
        for word in theirs:
            if i < len(mine) and _abbreviates(mine[i], word):
                i += 1
            elif word not in JOURNAL_FILLERS:
                break
        else:
            if i == len(mine):
                return True
    return False


def compare(entry: Entry, record: Record) -> list[Finding]:
    """Where our entry disagrees with the registry's record."""
    out: list[Finding] = []
    where = record.source

    def finding(field: str, severity: str, message: str) -> None:
        out.append(Finding(entry.path, entry.field_lines.get(field, entry.line), severity,  # type: ignore[arg-type]
                           f"{entry.key}: {message}", CHECK))

    if record.is_retraction_notice:
        finding("doi", "error", f"{where} says this record is a retraction notice (of "
                                f"{record.is_retraction_notice}), not the paper itself")
    for notice in record.retractions:
        finding("title", "error", f"{where} marks the paper as retracted: {notice}")
    title = entry.get("title")
    if title and plain(title) != plain(record.title):
        hint = " (ours is shorter)" if plain(record.title).startswith(plain(title)) else ""
        finding("title", "warning", f"title differs from {where}{hint}: {where} has '{record.title}'")
    year = entry.get("year")
    if year and record.years and year not in record.years:
        finding("year", "error", f"year {year} but {where} gives {' or '.join(record.years)}")
    journal = entry.get("journal")
    if journal and record.journal_names and not journal_matches(journal, record.journal_names):
        finding("journal", "warning", f"journal '{journal}' matches none of {where}'s "
                                      f"{', '.join(repr(n) for n in record.journal_names)}")
    if record.source == "PubMed" and record.doi and entry.get("doi") \
            and record.doi.lower() != entry.get("doi").lower():
        finding("pmid", "error", f"PMID {record.pmid} belongs to DOI {record.doi} in PubMed, not {entry.get('doi')}")
    return out


def verify_entry(entry: Entry, client: Client) -> list[Finding]:
    findings: list[Finding] = []
    lookups = []
    if entry.get("doi"):
        lookups.append(("doi", "DOI", entry.get("doi"), fetch_crossref))
    if entry.get("pmid"):
        lookups.append(("pmid", "PMID", entry.get("pmid"), fetch_pubmed))
    for field, label, value, fetcher in lookups:
        line = entry.field_lines.get(field, entry.line)
        try:
            record = fetcher(value, client)
        except NotFound as exc:
            findings.append(Finding(entry.path, line, "error", f"{entry.key}: {exc}", CHECK))
            continue
        except Unreachable:
            raise
        except RegistryError as exc:
            findings.append(Finding(entry.path, line, "warning", f"{entry.key}: could not check {label} {value}: {exc}",
                                    CHECK))
            continue
        findings += compare(entry, record)
    return findings


def verify(bib_dir: Path = BIB, root: Path = ROOT, *, keys: list[str] | None = None,
           client: Client | None = None) -> tuple[list[Finding], int]:
    """(findings, entries checked). Raises Unreachable when a registry cannot be reached at all."""
    loaded = load_bibliography(bib_files(bib_dir), root)
    client = client or Client.from_env()
    findings = list(loaded.findings)
    entries = [e for e in loaded.entries if (e.get("doi") or e.get("pmid")) and (not keys or e.key in keys)]
    for entry in entries:
        findings += verify_entry(entry, client)
    return sorted(set(findings)), len(entries)


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--key", action="append", dest="keys", metavar="KEY",
                        help="check only this entry (repeat for more); default: every entry with a DOI or PMID")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        root = getattr(args, "root", ROOT)
        findings, checked = verify(root / "bib", root, keys=args.keys)
    except Unreachable as exc:
        print(f"verify-refs: error: {exc}\nverify-refs: nothing was checked.", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    errors = sum(f.severity == "error" for f in findings)
    print(f"verify-refs: checked {checked} entries: {errors} errors, {len(findings) - errors} warnings "
          "(bib/ was not changed)", file=sys.stderr)
    return 1 if has_errors(findings) else 0

