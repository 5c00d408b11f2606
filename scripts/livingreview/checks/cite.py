"""Citations as mkdocs-bibtex will see them: known keys, safe key syntax, no locators, well-formed brackets.

mkdocs-bibtex 4.4.0 finds `[...]` groups on one line (it does not know about
code), cuts keys at any character outside [\\w-], drops prefixes and locators
in the numeric style, and never sees the text of pymdownx.snippets includes.
Each of those silently produces a wrong page; here each is an error.
"""

from __future__ import annotations

import re

from livingreview.references.bibkeys import KEY
from livingreview.checks.sources import MarkdownFile, Sources
from livingreview.references.citations import BRACKET, EMAIL, find_citations
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import line_of

AT = re.compile(r"(?<![\w.+-])@(?P<key>[^\s\[\];,]*)")
HEADING = re.compile(r"^ {0,3}#{1,6}\s")


def citation_spans(masked: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(start, end) of the bracket groups find_citations treats as citations, and of those it leaves
    alone because they are an e-mail address or a link's text ([@user](https://...))."""
    spans, others = [], []
    for match in BRACKET.finditer(masked):
        body = match["body"]
        email_only = EMAIL.search(body) and "@" not in EMAIL.sub("", body)
        link_text = match.end() < len(masked) and masked[match.end()] == "("
        (others if email_only or link_text else spans).append((match.start(), match.end()))
    return spans, others


def check_citations(sources: Sources) -> list[Finding]:
    known = {e.key for e in sources.entries}
    # Keys inside blocks a syntax error made unreadable are not unknown: that error is their one finding.
    known |= {key for b in sources.bib_files for key in b.parsed.hidden_keys}
    broken_bib = any(b.parsed.findings for b in sources.bib_files) or any(f.check == "bib-syntax"
                                                                          for f in sources.findings)
    findings: list[Finding] = []
    for file in sources.pages + sources.snippets:
        findings += _check_file(file, known, broken_bib)
    return findings


def _check_file(file: MarkdownFile, known: set[str], broken_bib: bool = False) -> list[Finding]:
    findings: list[Finding] = []

    def error(line: int, message: str, check: str) -> None:
        findings.append(Finding(file.path, line, "error", message, check))

    masked = file.masked
    lines = masked.split("\n")
    for citation in find_citations(masked):
        raw = citation.raw
        if not file.is_page:
            error(citation.line, f"citation {raw} in a snippet file: mkdocs-bibtex never sees included text, "
                  "so it would show as literal brackets; cite in the page itself", "citation-in-snippet")
            continue
        if "\n" in raw:
            error(citation.line, f"citation {' '.join(raw.split())} spans two lines: mkdocs-bibtex only finds "
                  "citations written on one line", "citation-syntax")
            continue
        if HEADING.match(lines[citation.line - 1]):
            error(citation.line, f"citation {raw} in a heading: it would end up in the table of contents; "
                  "cite in the text below", "citation-placement")
        if not citation.key:
            if citation.suffix and not citation.suffix.startswith((",", ";")):
                error(citation.line, f"citation {raw} has a space after '@': write [@key]", "citation-syntax")
            else:
                error(citation.line, f"citation {raw} has no key after '@'", "citation-syntax")
            continue
        if "@" in citation.suffix or "@" in citation.prefix:
            error(citation.line, f"citation {raw}: separate keys with ';' as in [@a; @b]", "citation-syntax")
            continue
        if not KEY.match(citation.key):
            error(citation.line, f"citation key '{citation.key}' in {raw}: keys must match [a-z0-9_-]+ "
                  "(mkdocs-bibtex cuts keys at '.', ':' and other characters)", "citation-key")
            continue
        if citation.prefix or citation.suffix:
            what = " and ".join(f"{kind} '{text}'" for kind, text in
                                (("prefix", citation.prefix), ("locator", citation.suffix.lstrip(", "))) if text)
            error(citation.line, f"citation {raw}: the numeric style drops the {what}; "
                  "write it in the sentence and cite as [@key]", "citation-locator")
        if citation.key not in known:
            hint = " (or its entry has a BibTeX syntax error)" if broken_bib else ""
            error(citation.line, f"unknown citation key '{citation.key}': no entry in bib/{hint}",
                  "citation-unknown-key")
    if file.is_page:
        findings += _stray_at_signs(file, known)
    return findings


def _stray_at_signs(file: MarkdownFile, known: set[str]) -> list[Finding]:
    """'@' outside any citation: unbalanced or nested brackets, or a bare @key."""
    masked = file.masked
    spans, others = citation_spans(masked)
    skip = spans + others + [(m.start(), m.end()) for m in EMAIL.finditer(masked)]
    findings: list[Finding] = []
    reported: set[int] = set()
    for start, end in spans:
        if masked[start - 1:start] == "[" or masked[end:end + 1] == "]":
            line = line_of(masked, start)
            reported.add(line)
            findings.append(Finding(file.path, line, "error", f"citation {masked[start:end]} inside nested "
                                    "brackets: mkdocs-bibtex would take the outer '[' as a prefix", "citation-syntax"))
    for match in AT.finditer(masked):
        at = match.start()
        if any(s <= at < e for s, e in skip):
            continue
        line = line_of(masked, at)
        if line in reported:
            continue
        start = masked.rfind("\n", 0, at) + 1
        end = masked.find("\n", at)
        before, after = masked[start:at], masked[at:end if end >= 0 else len(masked)]
        opened = before.rfind("[") > before.rfind("]")
        closed = _first(after, "]") < _first(after, "[")
        key = match["key"].rstrip(".")
        if opened and closed:
            message = f"citation of @{key} inside nested brackets: write [@key] with no brackets inside"
        elif opened:
            message = f"citation of @{key}: '[' is not closed by ']' on the same line"
        elif closed:
            message = f"citation of @{key}: ']' closes a '[' that is not on the same line"
        elif key in known:
            message = f"bare @{key} is not a citation (inline citations are off): write [@{key}]"
        else:
            continue
        reported.add(line)
        if (opened or closed) and after[1:2].isspace():
            message += " (and no space after '@')"
        findings.append(Finding(file.path, line, "error", message, "citation-syntax"))
    return findings


def _first(text: str, char: str) -> int:
    index = text.find(char)
    return index if index >= 0 else len(text) + 1
