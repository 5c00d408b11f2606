"""Find citations in Markdown the way readers and mkdocs-bibtex would, with line numbers.

Citations inside inline code or fenced blocks are text, not citations: they are
masked out before searching (mkdocs-bibtex would mangle them; see the checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from livingreview.core.markdown_text import mask_code, line_of

# A bracket group that contains an @: a citation block candidate (no nesting).
BRACKET = re.compile(r"\[(?P<body>[^\[\]]*@[^\[\]]*)\]")
ITEM = re.compile(r"^(?P<prefix>[^@]*?)\s*@(?P<key>[^\s,;\]]*)(?P<suffix>.*)$", re.DOTALL)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class Citation:
    key: str
    line: int
    prefix: str = ""
    suffix: str = ""
    raw: str = ""


def find_citations(text: str) -> list[Citation]:
    """Every `[@key]` / `[@a; @b]` item outside code, in order, with its line."""
    masked, _ = mask_code(text)
    found: list[Citation] = []
    for match in BRACKET.finditer(masked):
        body = match["body"]
        if EMAIL.search(body) and "@" not in EMAIL.sub("", body):
            continue  # an e-mail address in brackets, not a citation
        if match.end() < len(masked) and masked[match.end()] == "(":
            continue  # a Markdown link text such as [@user](https://...)
        line = line_of(masked, match.start())
        for item in body.split(";"):
            parsed = ITEM.match(item.strip())
            if parsed:
                found.append(Citation(parsed["key"], line, parsed["prefix"].strip(), parsed["suffix"].strip(),
                                      match[0]))
    return found


def cited_keys(text: str) -> list[str]:
    return list(dict.fromkeys(c.key for c in find_citations(text)))
