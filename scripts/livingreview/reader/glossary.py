"""The review's abbreviations: defined once, shown as tooltips everywhere, listed on the glossary page.

docs/includes/abbreviations.md holds one Python-Markdown abbreviation per line,
`*[IMRT]: Intensity-modulated radiotherapy`, and nothing else: the build gives
them to Python-Markdown's abbr extension as its glossary (livingreview/build/reader.py),
so they apply on every page. The glossary page's table is generated from the
same file (marker `<!-- glossary -->`, replaced by the build step in livingreview/build/reader.py).

Stable selectors of the generated glossary (for browser tests):
    div.glossary > table            the glossary table, one row per abbreviation
    div.glossary td:first-child     the abbreviation, as <dfn>
Abbreviations render as <abbr title="...">TERM</abbr> at their first use on a
page, and the first use outside links also has tabindex="0", so that keyboard
users can focus it; later uses are plain text (one tooltip per term and page).
"""

from __future__ import annotations

import bisect
import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from livingreview.core import markers
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import HTML_COMMENT, mask_code, split_front_matter
from livingreview.core.project import DOCS

ABBREVIATIONS = DOCS / "includes" / "abbreviations.md"
MARKER = markers.GLOSSARY
CHECK = "abbreviations"

# Python-Markdown's own definition syntax (markdown.extensions.abbr), one per line.
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]\\]+)\][ ]?:[ ]*(?P<meaning>.*)$")
# Tokens that look like abbreviations: a word (hyphenated parts allowed) with two
# capitals, or a lower-case letter before capitals (pCR).
WORD = re.compile(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")
LOOKS_ABBREVIATED = re.compile(r"[A-Z].*[A-Z]|^[a-z][A-Z]")
ROMAN_STAGE = re.compile(r"^[cp]?[IVX]+[A-C]?(?:-[NM][0-3X])?$")  # stage III, IIB, pIIIA-N2
_TNM = r"[cpy]*[TNM][0-4X](?:[a-c]|is)?"
TNM_CATEGORY = re.compile(rf"^{_TNM}(?:-(?:{_TNM}|[0-4]))?$")  # cT4, cN2, pT1a, cT2-3, T1-T2: staging notation
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+|\{[^}]*\}")
CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")
ABBR_ELEMENT = re.compile(r"<abbr(?P<attrs> title=\"[^\"]*\")>(?P<term>[^<]*)</abbr>")
LINK_ELEMENT = re.compile(r"<a\b[^>]*>.*?</a>", re.DOTALL)
# Capitalised words that are names, not abbreviations, and trial names the
# glossary leaves out because their expansion could not be confirmed.
NOT_ABBREVIATIONS = frozenset({
    "BibTeX", "ClinicalTrials", "EndNote", "GitHub", "MacDonald", "PubMed",
    "CITATION",  # the file name CITATION.cff
    "MD",  # MD Anderson Cancer Center
    "Co-Operative",  # Particle Therapy Co-Operative Group
    "RAS", "FOXO1",  # genes
    # Trial and study group names, used as names
    "PACIFIC", "De-ESCALaTE", "ADRIATIC", "LUSTRE", "PORT-C", "ART", "JAVELIN", "KEYNOTE-412", "HN002", "MAGIC",
    "CheckMate", "preSINO", "FAST-01", "FAST-02", "CAO", "ARO", "AIO-94",
    # Trials named on the outlook page as not yet checked
    "ACNS0121", "ACNS0331", "AHOD0031", "AIO-12", "ARTISTIC", "ASCENDE-RT", "CHISEL", "CONCORDE", "DARS",
    "EuroNet-PHL-C1", "GETUG-AFU", "HN005", "HYPRO", "JCOG1109", "MARCH", "NExT", "OPERA", "PRODIGE", "PROFIT",
    "RAVES", "ROSEL", "SJMB96", "STAR-TREC", "STARS", "STOMP", "preSANO",
})


@dataclass(frozen=True)
class Abbreviation:
    term: str
    meaning: str
    line: int


def parse_abbreviations(text: str, path: str) -> tuple[list[Abbreviation], list[Finding]]:
    """Definitions in file order, and a finding for each line that is not a clean definition."""
    found: list[Abbreviation] = []
    findings: list[Finding] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        match = DEFINITION.match(line)
        if not match:
            findings.append(Finding(path, number, "error",
                                    "not an abbreviation definition; every line must read "
                                    "'*[TERM]: meaning' (the file is appended to every page)", CHECK))
            continue
        term, meaning = match["term"].strip(), match["meaning"].strip()
        if not meaning:
            findings.append(Finding(path, number, "error", f"abbreviation '{term}' has no meaning", CHECK))
        elif term in first_line:
            findings.append(Finding(path, number, "error",
                                    f"abbreviation '{term}' is already defined on line {first_line[term]}", CHECK))
        elif "|" in meaning or "[" in meaning:
            findings.append(Finding(path, number, "error",
                                    f"meaning of '{term}' contains '|' or '[' (breaks the glossary table, "
                                    "or reads as a citation or link)", CHECK))
        else:
            first_line[term] = number
            found.append(Abbreviation(term, meaning, number))
    return found, findings


def load_abbreviations(path: Path = ABBREVIATIONS,
                       root: Path | None = None) -> tuple[list[Abbreviation], list[Finding]]:
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    if not path.is_file():
        return [], [Finding(shown, 1, "error", "abbreviations file is missing", CHECK)]
    return parse_abbreviations(path.read_text(encoding="utf-8"), shown)


def glossary_markdown(abbreviations: list[Abbreviation]) -> str:
    """The glossary table, sorted case-insensitively, as one raw HTML block.

    Raw HTML, so that the abbreviation extension leaves it alone: a tooltip on
    a term would only repeat the meaning written beside it. <dfn> marks the
    term each row defines.
    """
    rows = sorted(abbreviations, key=lambda a: (a.term.lower(), a.term))
    body = "\n".join(f"<tr><td><dfn>{html.escape(a.term)}</dfn></td><td>{html.escape(a.meaning)}</td></tr>"
                     for a in rows)
    return "\n".join(['<div class="glossary">', "<table>",
                      '<thead><tr><th scope="col">Abbreviation</th><th scope="col">Meaning</th></tr></thead>',
                      "<tbody>", body, "</tbody>", "</table>", "</div>"])


def prose(text: str) -> str:
    """Page text as readers see it: no front matter, code, comments, citations or link targets."""
    front = split_front_matter(text)
    body = "\n".join(text.split("\n")[front.body_start:])
    masked, _ = mask_code(body)
    for pattern in (HTML_COMMENT, CITATION, LINK_TARGET):
        masked = pattern.sub(" ", masked)
    opened = masked.find("<!--")
    return masked[:opened] if opened >= 0 else masked  # an unclosed comment hides the rest of the page


def terms_pattern(terms: list[str]) -> re.Pattern[str]:
    """Any of `terms` as Python-Markdown matches abbreviations: case-sensitive, between word boundaries,
    the longest term first where several match (MR-linac, not MR)."""
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b")


def uses(text: str, terms: list[str]) -> Counter[str]:
    """How often each term becomes a tooltip in `text`."""
    return Counter(terms_pattern(terms).findall(text)) if terms else Counter()


def undefined_abbreviations(text: str, terms: list[str]) -> Counter[str]:
    """Abbreviation-like words of `text` that no defined term covers, with their counts.

    A hyphenated word is covered when a defined term matches inside it
    (`HPV-positive` by HPV), since readers then get the tooltip there.
    """
    defined = terms_pattern(terms) if terms else None
    missing: Counter[str] = Counter()
    for word in WORD.findall(text):
        if (not LOOKS_ABBREVIATED.search(word) or ROMAN_STAGE.match(word) or TNM_CATEGORY.match(word)
                or word in NOT_ABBREVIATIONS):
            continue
        if defined is None or not defined.search(word):
            missing[word] += 1
    return missing


def focusable_first_abbreviations(html: str) -> str:
    """Keep one tooltip per term and page: its first use, focusable unless inside a link.

    Later uses become plain text. A page such as the lung page uses some forty
    abbreviations many times each; a tooltip for every use costs the browser
    hundreds of milliseconds of script time (Lighthouse's Total Blocking Time)
    and adds a tab stop at every "Gy". Readers meet the definition where the
    term first appears, as in print, and on the glossary page.
    """
    links = [(m.start(), m.end()) for m in LINK_ELEMENT.finditer(html)]  # in order, not overlapping
    starts = [start for start, _ in links]
    seen: set[str] = set()
    focusable: set[str] = set()

    def in_link(position: int) -> bool:
        i = bisect.bisect_left(starts, position) - 1  # the last link starting before `position`
        return i >= 0 and position < links[i][1]

    def first_use(match: re.Match[str]) -> str:
        term = match["term"]
        if in_link(match.start()):
            if term in seen:
                return term
            seen.add(term)
            return match[0]  # the link itself takes focus
        if term in focusable:
            return term
        seen.add(term)
        focusable.add(term)
        return f'<abbr{match["attrs"]} tabindex="0">{term}</abbr>'

    return ABBR_ELEMENT.sub(first_use, html)
