"""Raw HTML and authoring markers in docs/: nothing that runs code, no near-miss markers.

Templates under overrides/ are trusted and not checked; everything under docs/
is content anyone may propose in a pull request.
"""

from __future__ import annotations

import difflib
import html
import re

from livingreview.checks.sources import Sources
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import line_of
from livingreview.core.markers import MARKERS

ACTIVE_ELEMENT = re.compile(r"<\s*(?P<tag>script|iframe|frame|frameset|object|embed|applet|base|meta)\b", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[A-Za-z][^<>]*?[\s\"'/](?P<attr>on[a-z]+)\s*=", re.I)
# Browsers ignore whitespace inside a URL scheme ("java\tscript:"), so the pattern does too.
_SCHEMES = "|".join(r"\s*".join(word) + r"\s*:" for word in ("javascript", "vbscript")) + r"|data\s*:\s*text/html"
SCRIPT_URL = re.compile(r"(?:=\s*[\"']?|\]\(\s*<?|\]:\s*<?|<)\s*(?P<scheme>" + _SCHEMES + ")", re.I)
COMMENT = re.compile(r"<!--(?P<body>.*?)-->", re.DOTALL)
MARKER_LIKE = re.compile(r"^[A-Za-z]+(?:[-_ ][A-Za-z]+){0,3}$")
MARKER_WORDS = {m.removeprefix("<!--").removesuffix("-->").strip(): m for m in MARKERS}


def check_markup(sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    for file in sources.pages + sources.snippets:
        # Front matter too: MkDocs puts title and description into the HTML head as they are.
        lines, masked = file.text.split("\n"), file.masked.split("\n")
        findings += unsafe_html(file.path, "\n".join(lines[:file.body_start] + masked[file.body_start:]))
        findings += unknown_markers(file.path, file.masked)
    for path, text in sources.markup:
        findings += unsafe_html(path, text)
    return findings


def unsafe_html(path: str, text: str) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()

    def error(offset: int, message: str, source: str = text) -> None:
        line = line_of(source, offset)
        if (line, message) not in seen:
            seen.add((line, message))
            findings.append(Finding(path, line, "error", message, "unsafe-html"))

    # Entities (&#106;avascript:) are decoded first; decoding keeps newlines, so lines stay right.
    for source in (text, html.unescape(text)):
        for match in ACTIVE_ELEMENT.finditer(source):
            error(match.start(), f"<{match['tag'].lower()}> is not allowed in docs/ (it can run code or load "
                  "other pages); templates in overrides/ are the place for such markup", source)
        for match in EVENT_ATTRIBUTE.finditer(source):
            error(match.start(), f"event handler attribute {match['attr'].lower()}= is not allowed in docs/", source)
        for match in SCRIPT_URL.finditer(source):
            scheme = re.sub(r"\s+", "", match["scheme"].lower()).rstrip(":")
            error(match.start(), f"{scheme}: URL is not allowed in docs/", source)
    return findings


def unknown_markers(path: str, text: str) -> list[Finding]:
    """HTML comments that look like an authoring marker but are not exactly one."""
    findings: list[Finding] = []
    for match in COMMENT.finditer(text):
        if match[0] in MARKERS:
            continue
        body = match["body"].strip()
        if not MARKER_LIKE.match(body):
            continue  # an ordinary comment ("TODO: ...", a sentence)
        normal = re.sub(r"[\s_]+", "-", body.lower())
        close = difflib.get_close_matches(normal, MARKER_WORDS, n=1, cutoff=0.6)
        if not close and "-" not in body and "_" not in body:
            continue
        hint = f"did you mean {MARKER_WORDS[close[0]]}? " if close else ""
        findings.append(Finding(path, line_of(text, match.start()), "error", f"unknown marker {match[0]}: "
                                f"{hint}known markers, written exactly: {', '.join(MARKERS)}", "marker"))
    return findings
