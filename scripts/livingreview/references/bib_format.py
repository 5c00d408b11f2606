"""Canonical form of the .bib files: the check (`make check`) and the fixer (`make format-bib`).

The canonical text is bibliography.format_bibliography of the file's entries.
A file is rewritten only when that loses nothing: no syntax error, no comment or
@string block, and parsing the new text gives back exactly the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from livingreview.references.bibliography import (NAME_FIELDS, Bibliography, Entry, canonical_fields,
                                                  format_bibliography, parse_bibtex)
from livingreview.core.findings import Finding

CHECK = "bib-format"


@dataclass
class BibFile:
    path: str  # as shown in findings, relative to the project root
    text: str
    parsed: Bibliography


def _data(entries: list[Entry]) -> list[tuple[str, str, tuple[tuple[str, str], ...]]]:
    """What canonical form must keep of each entry: its key, type and (canonical) field values."""
    return sorted((e.key, e.type, tuple(sorted(canonical_fields(e).items()))) for e in entries)


def canonical_text(bib: BibFile) -> tuple[str | None, list[Finding]]:
    """The file's canonical text, or None with the reasons it cannot be produced without loss."""
    blockers = [Finding(bib.path, line, "error", f"{what} here cannot be kept in canonical form: move its "
                        "content into an entry field (e.g. annote) or delete it", CHECK)
                for line, what in bib.parsed.unkept]
    if bib.parsed.findings:
        blockers.append(Finding(bib.path, bib.parsed.findings[0].line, "error",
                                "cannot format a file with BibTeX syntax errors: fix them first", CHECK))
    if blockers:
        return None, blockers
    text = format_bibliography(bib.parsed.entries)
    again = parse_bibtex(text, bib.path)
    if again.findings or _data(again.entries) != _data(bib.parsed.entries):
        lost = _first_changed(bib.parsed.entries, again.entries)
        return None, [Finding(bib.path, lost.line if lost else 1, "error", "canonical form would change "
                              f"entry '{lost.key if lost else '?'}' (unbalanced braces in a value?)", CHECK)]
    return text, []


def _first_changed(before: list[Entry], after: list[Entry]) -> Entry | None:
    by_key = {e.key: e for e in after}
    for entry in sorted(before, key=lambda e: e.line):
        other = by_key.get(entry.key)
        if other is None or (other.type, other.fields) != (entry.type, entry.fields):
            return entry
    return before[0] if before else None


def check_canonical(bib: BibFile) -> list[Finding]:
    """One finding at the first line that differs from canonical form (none for files with syntax errors,
    which the syntax check reports)."""
    if bib.parsed.findings:
        return []
    text, blockers = canonical_text(bib)
    if text is None:
        return blockers
    if text == bib.text:
        return []
    have, want = bib.text.split("\n"), text.split("\n")
    line = next((i for i, (a, b) in enumerate(zip(have, want), 1) if a != b), min(len(have), len(want)) + 1)
    shown = want[line - 1] if line <= len(want) else "(end of file)"
    message = f"not in canonical form (expected: {shown.strip()[:60]!r}); run `make format-bib`"
    if line <= len(have) and have[line - 1].replace("{", "").replace("}", "") == shown.replace("{", "").replace("}", "") \
            and shown.strip().startswith(NAME_FIELDS):
        message = ("a particle belongs to the family name: brace it as in " + repr(shown.strip()[:60]) +
                   ", so that reference lists read 'van Hagen P' as AMA and Vancouver do; run `make format-bib`")
    return [Finding(bib.path, min(line, len(have)), "error", message, CHECK)]


def format_files(bibs: list[BibFile], root: Path, check_only: bool) -> tuple[list[Finding], list[str]]:
    """Rewrite (or with check_only, only report) the files not in canonical form.

    Returns the findings and the paths that were (or would be) rewritten.
    """
    findings: list[Finding] = []
    changed: list[str] = []
    for bib in bibs:
        text, blockers = canonical_text(bib)
        if text is None:
            findings += blockers
            continue
        if text == bib.text:
            continue
        changed.append(bib.path)
        if check_only:
            findings += check_canonical(bib)
        else:
            (root / bib.path).write_text(text, encoding="utf-8")
    return findings, changed
