"""`python -m livingreview add-ref <doi|pmid|nct>`: add a reference to bib/references.bib from its registry record.

The record is fetched from Crossref, PubMed or ClinicalTrials.gov
(registries.py), turned into a normalised entry with a key by the project's
convention (bibkeys.py), marked `verification = {registry-checked}` with the
URL fetched and today's date, and the whole file is written back in canonical
form (bibliography.format_bibliography). Nothing is written unless everything
worked: any error leaves bib/ byte-for-byte as it was.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from pathlib import Path

from livingreview.references import bibkeys, facets
from livingreview.core.atomic import write_atomic
from livingreview.references.bibliography import Entry, bib_files, format_bibliography, load_bibliography, parse_bibtex
from livingreview.core.findings import Finding
from livingreview.contrib.http_client import Client, RegistryError
from livingreview.core.project import BIB, ROOT
from livingreview.contrib.registries import Person, Record, classify_identifier, fetch

CHECK = "add-ref"
MAX_LISTED_AUTHORS = 6  # more than this: the first three and "others", as AMA style prints them
# What readers see until a contributor replaces it with a summary in their own words (true, and no claim).
ANNOTE_PLACEHOLDER = "Not yet annotated: added from its registry record; nobody has summarised it for the review yet."


class Refused(Exception):
    """add-ref will not write: the message says why (and where, for duplicates)."""


# From a registry record to BibTeX fields


def bibtex_text(value: str) -> str:
    """Plain text made safe inside a braced BibTeX value: braces dropped, special characters escaped."""
    value = re.sub(r"[{}]", "", value)
    value = re.sub(r"(?<!\\)([&%$#_])", r"\\\1", value)
    return " ".join(value.split())


WORD = re.compile(r"(?<![\w\\])[\w-]+")


def _protect(match: re.Match[str]) -> str:
    """Words with a part of two or more capitals (CHHiP, MRI-Linac, III) keep their case in any style."""
    word = match[0]
    return "{" + word + "}" if any(sum(c.isupper() for c in part) >= 2 for part in word.split("-")) else word


def title_text(title: str) -> str:
    return WORD.sub(_protect, bibtex_text(title))


def initials(given: str) -> str:
    """'Hugo J. W. L.' -> 'H. J. W. L.', 'Jean-Pierre' -> 'J.-P.', PubMed's bare 'DP' -> 'D. P.'."""
    given = given.strip()
    if re.fullmatch(r"[A-Z]{1,4}", given):
        return " ".join(f"{letter}." for letter in given)
    parts = []
    for token in given.replace(".", ". ").split():
        pieces = [p for p in token.split("-") if p]
        parts.append("-".join(f"{p[0]}." for p in pieces if p[0].isalpha()))
    return " ".join(p for p in parts if p)


def person_text(person: Person) -> str:
    if person.organisation:
        return "{" + bibtex_text(person.family) + "}"
    name = bibtex_text(person.family)
    given = initials(person.given)
    return f"{name}, {given}" if given else name


def authors_text(authors: list[Person]) -> str:
    if len(authors) > MAX_LISTED_AUTHORS:
        return " and ".join([person_text(a) for a in authors[:3]] + ["others"])
    return " and ".join(person_text(a) for a in authors)


def page_range(pages: str) -> str:
    """'1047-60' -> '1047--1060' (MEDLINE shortens the end page); single pages and e-numbers unchanged."""
    match = re.fullmatch(r"\s*([A-Za-z]*)(\d+)\s*[-\u2013]+\s*([A-Za-z]*)(\d+)\s*", pages)
    if not match:
        return bibtex_text(pages)
    prefix, start, end_prefix, end = match.groups()
    if len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return f"{prefix}{start}--{end_prefix or prefix}{end}"


TYPE_RULES = (  # (keyword, pattern in publication types or title), first match wins
    ("type:phase2", re.compile(r"phase ?(2|ii)\b|phase_?2\b", re.IGNORECASE)),
    ("type:rct", re.compile(r"randomi[sz]ed controlled trial|\brandomi[sz]ed\b|phase ?(3|iii)\b|phase_?3\b",
                            re.IGNORECASE)),
    ("type:review", re.compile(r"\breview\b|meta-analysis|guideline|consensus", re.IGNORECASE)),
    ("type:cohort", re.compile(r"observational|cohort|retrospective|prospective|registry|population-based",
                               re.IGNORECASE)),
    ("type:methods", re.compile(r"\bmodel(l?ing)?\b|\bmethods?\b|algorithm|simulation|phantom", re.IGNORECASE)),
)

FACET_RULES = (  # site and technology guesses from the title; every value is in facets.VOCABULARY
    ("site:head-and-neck", r"head and neck|oropharyn|nasopharyn|laryn|hypopharyn|oral cavity"),
    ("site:lung", r"\blung\b|nsclc|sclc|thoracic"),
    ("site:esophageal", r"o?esophag"),
    ("site:rectal", r"\brect(al|um)\b"),
    ("site:prostate", r"prostat"),
    ("site:pediatric", r"p(a)?ediatric|child(hood|ren)?\b"),
    ("site:oligometastatic", r"oligometasta"),
    ("tech:imaging", r"\bpet\b|\bmri?\b|magnetic resonance|imaging"),
    ("tech:biology", r"genom|biomarker|molecular|hypoxi|\bhpv\b|papillomavirus"),
    ("tech:radiomics", r"radiomic"),
    ("tech:adaptive", r"adaptive"),
    ("tech:proton", r"proton"),
    ("tech:fractionation", r"fractionat|\bdose[- ]escalat"),
    ("tech:systemic", r"chemo|immunotherap|cetuximab|cisplatin|durvalumab|systemic"),
)


def guess_keywords(record: Record) -> tuple[list[str], str]:
    """Keyword guesses (type first) and how the type was guessed."""
    evidence = [("publication type", t) for t in record.publication_types] + [("title", record.title)]
    kind, reason = "type:cohort", "a default: the record names no study design"
    for keyword, pattern in TYPE_RULES:
        hit = next((where for where, text in evidence if pattern.search(text.replace("_", " "))), None)
        if hit:
            kind, reason = keyword, f"guessed from the {hit}"
            break
    found = [k for k, pattern in FACET_RULES if re.search(pattern, record.title, re.IGNORECASE)]
    keywords = [kind] + found
    assert all(k in facets.VOCABULARY for k in keywords), keywords
    return keywords, reason


def make_entry(record: Record, key: str, today: str, path: str) -> Entry:
    fields = {
        "author": authors_text(record.authors),
        "title": title_text(record.title),
        "journal": bibtex_text(record.journal),
        "year": record.year,
        "volume": bibtex_text(record.volume),
        "number": bibtex_text(record.number),
        "pages": page_range(record.pages) if record.pages else "",
        "doi": record.doi,
        "pmid": record.pmid,
        "pmcid": record.pmcid,
        "nct": record.nct,
        "keywords": ", ".join(guess_keywords(record)[0]),
        "annote": ANNOTE_PLACEHOLDER,
        "verification": "registry-checked",
        "verification_source": f"{record.source} {record.url}",
        "verification_date": today,
    }
    entry_type = "article"
    if record.kind == "trial-registration":
        entry_type = "misc"
        fields |= {"howpublished": "ClinicalTrials.gov", "url": f"https://clinicaltrials.gov/study/{record.nct}",
                   "urldate": today}
    elif record.kind in ("book", "monograph", "edited-book"):
        entry_type, fields["publisher"] = "book", fields.pop("journal")
    elif record.kind in ("book-chapter", "book-section", "book-part"):
        entry_type, fields["booktitle"] = "incollection", fields.pop("journal")
    elif record.kind == "proceedings-article":
        entry_type, fields["booktitle"] = "inproceedings", fields.pop("journal")
    elif record.kind != "article":
        entry_type = "misc"
    return Entry(key, entry_type, {k: v for k, v in fields.items() if v}, path, 0)


def key_for(record: Record) -> str:
    first = record.authors[0] if record.authors else Person("anon")
    family = first.family
    if first.organisation:
        family = bibkeys.significant_word(first.family) or first.family
    return bibkeys.base_key(family, record.year, record.title)


# Duplicates


def _same_doi(a: str, b: str) -> bool:
    return bool(a) and a.strip().lower() == b.strip().lower()


def find_duplicate(entries: list[Entry], *, doi: str = "", pmid: str = "", nct: str = "") -> Finding | None:
    for entry in entries:
        for name, value in (("doi", doi), ("pmid", pmid), ("nct", nct)):
            ours = entry.get(name)
            if value and ours and (_same_doi(ours, value) if name == "doi" else ours.strip().upper() == value.upper()):
                line = entry.field_lines.get(name, entry.line)
                return Finding(entry.path, line, "error",
                               f"{name.upper()} {value} is already in the bibliography as {entry.key}", CHECK)
    return None


def same_work(entries: list[Entry], record: Record) -> Finding | None:
    """An entry with the same title and year (as the checks compare them), e.g. one recorded without a DOI."""
    from livingreview.checks.bib import normalised_title  # the checks' own comparison, loaded only when needed

    title = normalised_title(record.title)
    for entry in entries:
        if entry.get("year") in record.years[:1] and normalised_title(entry.get("title")) == title:
            return Finding(entry.path, entry.field_lines.get("title", entry.line), "error",
                           f"{entry.key} has the same title and year: the same work? Complete that entry instead",
                           CHECK)
    return None


# Writing


def _data(entries: list[Entry]) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    return sorted((e.key, e.type, tuple(sorted(e.fields.items()))) for e in entries)


def add_reference(identifier: str, *, bib_dir: Path = BIB, root: Path = ROOT, key: str | None = None,
                  client: Client | None = None, today: str | None = None) -> tuple[Entry, Record]:
    """Fetch, check and write one reference; Refused or RegistryError leave every file untouched."""
    try:
        kind, value = classify_identifier(identifier)
    except ValueError as exc:
        raise Refused(str(exc)) from None
    if key is not None and not bibkeys.KEY.match(key):
        raise Refused(f"key '{key}' does not match [a-z0-9_-]+")
    target = bib_dir / "references.bib"
    shown = target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
    loaded = load_bibliography(bib_files(bib_dir), root)
    broken = [f for f in loaded.findings if f.severity == "error"]
    if broken:
        raise Refused("the bibliography has errors; fix them first:\n" + "\n".join(map(str, broken)))
    original = target.read_text(encoding="utf-8") if target.exists() else ""
    unkept = parse_bibtex(original, shown).unkept
    if unkept:
        line, what = unkept[0]
        raise Refused(f"{shown}:{line}: {what} would be lost when the file is rewritten in canonical form; "
                      "move its content into an entry field (e.g. annote) or delete it")
    duplicate = find_duplicate(loaded.entries, **{kind: value})
    if duplicate:
        raise Refused(str(duplicate))
    if key is not None and key in loaded.by_key():
        other = loaded.by_key()[key]
        raise Refused(str(Finding(other.path, other.line, "error", f"key {key} is already taken", CHECK)))

    record = fetch(kind, value, client or Client.from_env())
    if kind == "doi" and record.doi.lower() == value.lower():
        record.doi = value  # DOIs are case-insensitive; keep the form the contributor gave (Crossref lower-cases)
    if record.is_retraction_notice:
        raise Refused(f"{value} is a retraction notice (of {record.is_retraction_notice}), not a paper to cite")
    if record.retractions:
        raise Refused(f"{value} is retracted ({'; '.join(record.retractions)}); it is not added")
    duplicate = find_duplicate(loaded.entries, doi=record.doi, pmid=record.pmid, nct=record.nct) \
        or same_work(loaded.entries, record)
    if duplicate:
        raise Refused(str(duplicate))
    if not record.year:
        raise RegistryError(f"{record.source} record {record.url} has no publication year")

    chosen = key or bibkeys.unique_key(key_for(record), loaded.by_key())
    entry = make_entry(record, chosen, today or datetime.date.today().isoformat(), shown)
    in_target = [e for e in loaded.entries if e.path == shown]
    text = format_bibliography(in_target + [entry])
    reread = parse_bibtex(text, shown)
    if reread.findings or _data(reread.entries) != _data(in_target + [entry]):  # never write what reads back wrong
        raise RegistryError(f"the entry made from {record.url} does not read back as the same BibTeX "
                            "(unbalanced braces in the record?)")
    write_atomic(target, text)
    return entry, record


# Command line


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("identifier", help="a DOI (10.xxxx/...), a PubMed ID or an NCT number")
    parser.add_argument("--key", help="use this citation key instead of the generated one")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        root = getattr(args, "root", ROOT)
        entry, record = add_reference(args.identifier, bib_dir=root / "bib", root=root, key=args.key)
    except Refused as exc:
        print(f"add-ref: error: {exc}\nadd-ref: nothing was written.", file=sys.stderr)
        return 1
    except (RegistryError, OSError) as exc:
        print(f"add-ref: error: {exc}\nadd-ref: nothing was written.", file=sys.stderr)
        return 1
    keywords, reason = guess_keywords(record)
    print(f"Added {entry.key} to {entry.path} from {record.source} ({record.url}).")
    print(f"Cite it as [@{entry.key}]")
    print(f"Then, in {entry.path}: check the keywords ({', '.join(keywords)}; {keywords[0]} is {reason}),")
    print("and replace the placeholder annote with what the paper did and found, in your own words.")
    return 0

