"""Content rules of a medical review: own words, enough substance, unverified records never evidence,
every abbreviation defined.

- `source-copying`: no page shares a run of 12 words with the source article.
  The article itself is not in the repository; `source_fingerprint.txt` holds a
  digest of each of its 12-word runs (make it with `python -m livingreview
  fingerprint-source PATH`), so the check runs anywhere and copies nothing.
- `page-substance`: each folder named under `extra.review.substance` in
  mkdocs.yml (this review: sites/ 600 words of prose and 4 records cited, 2 of
  them checked; technologies/ 400 words and 3 records) holds pages at least
  that long and that well sourced.
- `unverified-evidence`: the source article's references (none could be
  found) are cited only as what the source article cites: in the same
  brackets as the source article itself.
- `abbreviations`: every word that looks like an abbreviation is defined in
  docs/includes/abbreviations.md (or is a name listed in reader/glossary.py).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from livingreview.checks.sources import MarkdownFile, Sources
from livingreview.core.findings import Finding
from livingreview.core.markdown_text import line_of
from livingreview.reader import glossary
from livingreview.references.bibliography import Entry
from livingreview.references.citations import BRACKET, find_citations
from livingreview.references.verification import VERIFIED

FINGERPRINT = Path(__file__).with_name("source_fingerprint.txt")
RUN = 12  # words
SUBSTANCE_KEYS = ("words", "records", "checked")  # at least: words of prose, records cited, checked records
SOURCE_ARTICLE, SOURCE_REFERENCE = "type:source-article", "type:source-reference"
WORD = re.compile(r"[a-z0-9]+")
NOT_PROSE = re.compile(r"<!--.*?-->|\[@[^\]]*\]|\{#[^}]*\}|^#+ [^\n]*$", re.MULTILINE | re.DOTALL)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def run_digest(run: list[str] | tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def fingerprint(text: str) -> list[str]:
    """The digests of every 12-word run of a text, sorted (what source_fingerprint.txt holds)."""
    found = words(text)
    return sorted({run_digest(found[i:i + RUN]) for i in range(len(found) - RUN + 1)})


def load_fingerprint(path: Path = FINGERPRINT) -> set[str]:
    return set(path.read_text(encoding="utf-8").split()) if path.is_file() else set()


def check_content(sources: Sources) -> list[Finding]:
    entries: dict[str, Entry] = {}
    for entry in sources.entries:  # the first of a duplicated key, as the other checks do
        entries.setdefault(entry.key, entry)
    runs = load_fingerprint()
    terms = [a.term for a in glossary.parse_abbreviations(_abbreviations_text(sources), "")[0]]
    rules, findings = substance_rules(sources)
    for page in sources.pages:
        findings += copied_runs(page, runs)
        findings += substance(page, entries, rules)
        findings += unverified_evidence(page, entries)
        findings += undefined_abbreviations(page, terms)
    return findings


def _abbreviations_text(sources: Sources) -> str:
    for snippet in sources.snippets:
        if snippet.path.endswith(glossary.ABBREVIATIONS.name):
            return snippet.text
    return ""


def copied_runs(page: MarkdownFile, runs: set[str]) -> list[Finding]:
    """Each place where 12 words in a row are the source article's (one finding per copied passage)."""
    if not runs:
        return []
    text = re.sub(r"\[@[^\]]*\]", lambda m: " " * len(m[0]), page.masked)
    found = list(WORD.finditer(text.lower()))
    tokens = [m.group() for m in found]
    findings, i = [], 0
    while i <= len(tokens) - RUN:
        if run_digest(tokens[i:i + RUN]) in runs:
            findings.append(Finding(page.path, line_of(text, found[i].start()), "error",
                                    f"12 words in a row copied from the source article, from "
                                    f"'{' '.join(tokens[i:i + 6])} ...': say it in your own words",
                                    "source-copying"))
            i += RUN  # the rest of this passage is the same finding
        else:
            i += 1
    return findings


def prose_words(page: MarkdownFile) -> int:
    return len(words(NOT_PROSE.sub(" ", page.masked)))


def substance_rules(sources: Sources) -> tuple[dict[str, tuple[int, int, int]], list[Finding]]:
    """`extra.review.substance` of mkdocs.yml: folder -> (words, records, checked); findings if malformed."""
    review = (sources.mkdocs.data.get("extra") or {}).get("review") or {}
    given = review.get("substance") if isinstance(review, dict) else None
    if given is None:
        return {}, []
    rules: dict[str, tuple[int, int, int]] = {}
    for folder, rule in (given.items() if isinstance(given, dict) else []):
        if isinstance(rule, dict) and set(rule) <= set(SUBSTANCE_KEYS) and \
                all(isinstance(v, int) and v >= 0 for v in rule.values()):
            rules[str(folder).rstrip("/") + "/"] = tuple(rule.get(k, 0) for k in SUBSTANCE_KEYS)  # type: ignore
        else:
            return {}, [Finding(sources.mkdocs.path, 1, "error", f"extra.review.substance.{folder} must map "
                                f"{', '.join(SUBSTANCE_KEYS)} to whole numbers", "page-substance")]
    if not isinstance(given, dict):
        return {}, [Finding(sources.mkdocs.path, 1, "error", "extra.review.substance must map folders of docs/ "
                            "to their least words, records and checked records", "page-substance")]
    return rules, []


def substance(page: MarkdownFile, entries: dict[str, Entry], rules: dict[str, tuple[int, int, int]]) -> list[Finding]:
    folder = next((f for f in rules if page.doc.startswith(f)), None)
    if folder is None:
        return []
    least_words, least_cited, least_checked = rules[folder]
    cited = {c.key for c in find_citations(page.masked)}
    checked = {k for k in cited if k in entries and entries[k].get("verification") in VERIFIED
               and SOURCE_REFERENCE not in entries[k].keywords}
    problems = []
    if (count := prose_words(page)) < least_words:
        problems.append(f"{count} words of prose (at least {least_words})")
    if len(cited) < least_cited:
        problems.append(f"{len(cited)} records cited (at least {least_cited})")
    if len(checked) < least_checked:
        problems.append(f"{len(checked)} checked records cited (at least {least_checked})")
    if not problems:
        return []
    return [Finding(page.path, 1, "error", f"too thin for a page of {folder}: {'; '.join(problems)} "
                    "(extra.review.substance in mkdocs.yml)", "page-substance")]


def unverified_evidence(page: MarkdownFile, entries: dict[str, Entry]) -> list[Finding]:
    """A reference of the source article is cited only in the same brackets as the source article."""
    findings = []
    for bracket in BRACKET.finditer(page.masked):
        cited = [entries[c.key] for c in find_citations(bracket[0]) if c.key in entries]
        if any(SOURCE_ARTICLE in e.keywords for e in cited):
            continue
        for entry in cited:
            if SOURCE_REFERENCE in entry.keywords:
                findings.append(Finding(page.path, line_of(page.masked, bracket.start()), "error",
                                        f"'{entry.key}' is {entry.get('verification') or 'unverified'}, cited only "
                                        "as what the source article cites: put the source article's key in the "
                                        "same brackets", "unverified-evidence"))
    return findings


def undefined_abbreviations(page: MarkdownFile, terms: list[str]) -> list[Finding]:
    """One finding per undefined abbreviation-like word, at its first line."""
    prose = "\n" * page.body_start + glossary.prose(page.text)  # lines as in the file
    findings = []
    for word in glossary.undefined_abbreviations(prose, terms):
        match = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", prose)
        line = line_of(prose, match.start()) if match else 1
        findings.append(Finding(page.path, line, "error", f"'{word}' looks like an abbreviation: define it in "
                                f"{glossary.ABBREVIATIONS.relative_to(glossary.ABBREVIATIONS.parents[2])} "
                                "(or list it as a name in scripts/livingreview/reader/glossary.py)", "abbreviations"))
    return findings
