"""Read the BibTeX files in bib/ into plain entries, and write them in canonical form.

bibtexparser (v2) does the parsing: it keeps line numbers and reports broken
blocks instead of stopping, which is what the checks need. Writing is ours, so
that the canonical form (sorted keys, fixed field order, braces) is one function.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import default_parse_stack

from livingreview.core import parse_cache
from livingreview.references.bibkeys import DOI
from livingreview.references.names import brace_particles
from livingreview.core.findings import Finding

# bibtexparser logs each syntax problem with line 0; parse_bibtex turns them into findings with real lines.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

# Fields in the order canonical form writes them; any other field follows, sorted.
FIELD_ORDER = (
    "author", "editor", "title", "journal", "booktitle", "institution",
    "organization", "publisher", "howpublished", "year", "month", "volume",
    "number", "pages", "doi", "pmid", "pmcid", "nct", "url", "urldate",
    "keywords", "annote", "verification", "verification_source",
    "verification_date", "listed",
)


@dataclass
class Entry:
    key: str
    type: str
    fields: dict[str, str]
    path: str
    line: int  # 1-based line of the "@type{key," line
    field_lines: dict[str, int] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def keywords(self) -> list[str]:
        """The `keywords` field as a list; kept until the field changes (the evidence map asks thousands of times)."""
        raw = self.get("keywords")
        kept = self.__dict__.get("_keywords")
        if kept is None or kept[0] != raw:
            kept = self.__dict__["_keywords"] = (raw, [k.strip() for k in raw.split(",") if k.strip()])
        return kept[1]



@dataclass
class Bibliography:
    entries: list[Entry]
    findings: list[Finding]
    # (line, what) of blocks the canonical writer cannot keep: comments, @string, @preamble.
    unkept: list[tuple[int, str]] = field(default_factory=list)
    # Keys of entries inside blocks that a syntax error made unreadable: citing them is no second fault.
    hidden_keys: set[str] = field(default_factory=set)

    def by_key(self) -> dict[str, Entry]:
        """First entry per key (duplicates are reported by the checks)."""
        out: dict[str, Entry] = {}
        for entry in self.entries:
            out.setdefault(entry.key, entry)
        return out


def bib_files(bib_dir: Path) -> list[Path]:
    return sorted(bib_dir.glob("*.bib"))


# One parse per file text and path, however many hooks and checks ask (see parse_cache);
# the key includes this module's source, so a change of the parsing code is a miss.
_PARSED = parse_cache.ParseMemo(
    "bibtexparser", f"{bibtexparser.__version__}:{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}")


def parse_bibtex(text: str, path: str) -> Bibliography:
    """Parse one file's text; syntax problems become findings, never exceptions."""
    return _PARSED.get(path, text, lambda: _parse_bibtex(text, path))


def _parse_bibtex(text: str, path: str) -> Bibliography:
    findings: list[Finding] = []
    try:
        library = bibtexparser.parse_string(text)
    except Exception as exc:  # bibtexparser should not raise, but a finding beats a traceback
        return Bibliography([], [Finding(path, 1, "error", f"cannot parse BibTeX: {exc}", "bib-syntax")])
    entries: list[Entry] = []
    unkept: list[tuple[int, str]] = []
    hidden: set[str] = set()
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            # Reported by the duplicate-key check, which also sees other files;
            # keep the entry so that check can name both places.
            inner = block.ignore_error_block
            if isinstance(inner, model.Entry):
                # bibtexparser leaves a duplicate's values raw ({braces} and all): clean them as for any entry.
                for middleware in default_parse_stack(allow_inplace_modification=False):
                    if hasattr(middleware, "transform_block"):  # not the library-wide @string resolution
                        inner = middleware.transform_block(inner, library)
                entries.append(_entry(inner, path))
            continue
        if isinstance(block, model.ParsingFailedBlock):
            hidden |= set(ENTRY_START.findall(block.raw or ""))
            reason = getattr(block.error, "abort_reason", None) or str(block.error)  # aborted blocks: str() is ""
            message = " ".join(reason.split()).split(" Note:")[0] or "malformed BibTeX block"
            findings.append(Finding(path, line, "error", f"BibTeX syntax error in the block starting here: {message}", "bib-syntax"))
        elif isinstance(block, model.Entry):
            missing = _missing_comma(block)
            if missing is None:
                entries.append(_entry(block, path))
            else:  # pybtex would stop on it; its other faults would only follow from this one
                hidden.add(block.key)
                findings.append(Finding(path, missing, "error", f"BibTeX syntax error in '{block.key}': a comma is "
                                        "missing at the end of this line, between two fields", "bib-syntax"))
        elif isinstance(block, model.ImplicitComment):
            stray = block.comment.strip()
            if stray and not stray.startswith("%"):
                findings.append(Finding(path, line, "error",
                                        f"text outside any entry: {stray[:40]!r}", "bib-syntax"))
            elif stray:
                unkept.append((line, "a % comment"))
        elif isinstance(block, (model.String, model.Preamble, model.ExplicitComment)):
            unkept.append((line, "an @" + type(block).__name__.lower().replace("explicit", "") + " block"))
    return Bibliography(entries, findings, unkept, hidden)


ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^,\s{}]+)\s*,")
# A field assignment inside a value: the comma before it is missing (`journal = {X}` NEWLINE `year = ...`).
NEXT_FIELD = re.compile(r"^(?:\{.*\}|\".*\"|[^\s{}\"#]+)\s*?\n\s*[A-Za-z_][\w-]*\s*=", re.DOTALL)


def _missing_comma(block: model.Entry) -> int | None:
    """The line that lacks its comma, when a field's raw value runs on into the next field; else None."""
    for f in block.fields:
        raw = str(f.value)
        match = NEXT_FIELD.match(raw)
        if match:
            head = raw[:match.end()].rstrip()
            value_end = head.rfind("\n")
            return (f.start_line or block.start_line or 0) + 1 + raw[:value_end].count("\n")
    return None


def _entry(block: model.Entry, path: str) -> Entry:
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    for f in block.fields:
        name = f.key.lower()
        fields[name] = _clean(str(f.value))
        lines[name] = (f.start_line or block.start_line or 0) + 1
    return Entry(block.key, block.entry_type.lower(), fields, path, (block.start_line or 0) + 1, lines)


def _clean(value: str) -> str:
    return " ".join(value.split())


def load_bibliography(paths: list[Path], root: Path | None = None) -> Bibliography:
    entries: list[Entry] = []
    findings: list[Finding] = []
    for path in paths:
        shown = str(path.relative_to(root)) if root else str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            findings.append(Finding(shown, 1, "error", f"not UTF-8 text: {exc.reason}", "bib-syntax"))
            continue
        parsed = parse_bibtex(text, shown)
        entries += parsed.entries
        findings += parsed.findings
    return Bibliography(entries, findings)


def _field_rank(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name), "") if name in FIELD_ORDER else (len(FIELD_ORDER), name)


NAME_FIELDS = ("author", "editor")


def canonical_fields(entry: Entry) -> dict[str, str]:
    """The entry's fields as canonical form writes them: particle family names braced (references.names)."""
    return {name: brace_particles(value) if name in NAME_FIELDS else value for name, value in entry.fields.items()}


def format_entry(entry: Entry) -> str:
    fields = canonical_fields(entry)
    names = sorted(fields, key=_field_rank)
    body = ",\n".join(f"  {name} = {{{fields[name]}}}" for name in names)
    return f"@{entry.type}{{{entry.key},\n{body}\n}}\n"


def format_bibliography(entries: list[Entry]) -> str:
    """Canonical text: entries sorted by key, one blank line between them."""
    return "\n".join(format_entry(e) for e in sorted(entries, key=lambda e: e.key))


def doi_url(doi: str) -> str:
    return "https://doi.org/" + doi if DOI.match(doi) else ""
