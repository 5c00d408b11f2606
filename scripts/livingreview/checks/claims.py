"""Content integrity: on site and technology pages, every block of prose carries a citation.

A block is what a blank line separates: a paragraph, a whole list, a table, an
admonition's body. Headings, markup-only lines and blocks that are nothing but
links (navigation) are not prose. A block with no factual claim is exempted by
`<!-- no-claim -->` inside it, or by a lone `<!-- no-claim -->` block right after
it. AUTHORING.md explains the rules to authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from livingreview.checks.page_checks import ATX, SETEXT_H2, headings
from livingreview.checks.sources import MarkdownFile, Sources
from livingreview.references.citations import find_citations
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import HTML_COMMENT
from livingreview.core.markers import NO_CLAIM

# Pages whose prose must be cited, as folders under docs_dir.
CLAIM_FOLDERS = ("sites/", "technologies/")
TAG = re.compile(r"</?[A-Za-z][^<>]*>")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
# Lines that are markup, not prose.
MARKUP_LINE = re.compile(
    r"""^\s*(?:
        (?:!!!|\?\?\?\+?)\s*[\w-]+.*         # admonition / details opener and its title
      | \[[^\]^]+\]:\s*\S+.*                 # link reference definition
      | \*\[[^\]]+\]:.*                      # abbreviation definition
      | \{:?[^{}]*\}                         # attribute list on its own line
      | \|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?   # table separator row
      | (?:[-*_]\s*){3,}                     # horizontal rule
      | -+8<-+.*                             # snippet include
    )\s*$""",
    re.VERBOSE,
)
# Words that may join links in a navigation list ("[A](a.md) and [B](b.md)").
FILLER = {"and", "or", "see", "also"}


@dataclass
class Segment:
    line: int
    text: str
    heading: bool


def segments(page: MarkdownFile) -> list[Segment]:
    """The page body split at blank lines and around headings, code masked."""
    lines = page.masked.split("\n")
    heading_lines: set[int] = set()
    for line, _, _ in headings(page):
        heading_lines.add(line)
        if not ATX.match(lines[line - 1]) and line < len(lines) and SETEXT_H2.match(lines[line]):
            heading_lines.add(line + 1)
    out: list[Segment] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if current:
            out.append(Segment(start, "\n".join(current), False))
            current.clear()

    for number, line in enumerate(lines, 1):
        if number in heading_lines:
            flush()
            if out and out[-1].heading and out[-1].line == number - 1:
                continue  # a setext underline belongs to the heading already recorded
            out.append(Segment(number, line, True))
        elif not line.strip():
            flush()
        else:
            if not current:
                start = number
            current.append(line)
    flush()
    return out


def is_prose(text: str) -> bool:
    """Words remain once comments, markup lines, tags, images and links are taken out."""
    text = HTML_COMMENT.sub(" ", text)
    text = "\n".join(line for line in text.split("\n") if not MARKUP_LINE.match(line))
    text = LINK.sub(" ", IMAGE.sub(" ", TAG.sub(" ", text)))
    return any(w.lower() not in FILLER for w in re.findall(r"[^\W\d_]{2,}", text))


def is_lone_marker(segment: Segment) -> bool:
    return segment.text.strip() == NO_CLAIM


def check_claims(sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    for page in sources.pages:
        parts = segments(page)
        findings += _orphan_markers(page, parts)
        if page.doc.startswith(CLAIM_FOLDERS):
            findings += _uncited(page, parts)
    return findings


def _uncited(page: MarkdownFile, parts: list[Segment]) -> list[Finding]:
    findings: list[Finding] = []
    for index, part in enumerate(parts):
        if part.heading or is_lone_marker(part) or NO_CLAIM in part.text:
            continue
        following = parts[index + 1] if index + 1 < len(parts) else None
        if following is not None and is_lone_marker(following):
            continue
        if find_citations(part.text) or not is_prose(part.text):
            continue
        opening = " ".join(HTML_COMMENT.sub(" ", part.text).split())[:60]
        findings.append(Finding(page.path, part.line, "error", f"no citation in this block ({opening!r}...): cite "
                                f"its source as [@key], or if it states no fact, mark it {NO_CLAIM}",
                                "claim-citation"))
    return findings


def _orphan_markers(page: MarkdownFile, parts: list[Segment]) -> list[Finding]:
    findings: list[Finding] = []
    for index, part in enumerate(parts):
        if is_lone_marker(part) and (index == 0 or parts[index - 1].heading or is_lone_marker(parts[index - 1])):
            findings.append(Finding(page.path, part.line, "error", f"this lone {NO_CLAIM} exempts nothing: put it "
                                    "right after the block it marks (or inside it)", "no-claim-marker"))
    return findings
