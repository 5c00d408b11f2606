"""Pages as MkDocs builds them: front matter, nav, heading ids, unclosed fences and comments."""

from __future__ import annotations

import re

import pathspec

from livingreview.checks.sources import MarkdownFile, Sources, read_text
from livingreview.references.citations import find_citations
from livingreview.core.findings import Finding
from livingreview.reader.print_page import NOTICE_TEMPLATE
from livingreview.core.pages import check_front_matter, check_status_template

ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
SETEXT_H2 = re.compile(r"^ {0,3}-+[ \t]*$")
ATTR_LIST = re.compile(r"\{:?(?P<attrs>[^{}]*)\}\s*#*\s*$")
ID_ATTR = re.compile(r"(?:^|\s)#(?P<id>[^\s}]+)")
GOOD_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Ids the hooks add to every page that cites something (build/references.py: the References heading).
RESERVED_IDS = {"references": "the References heading that lists a page's citations"}
LIST_OR_TABLE = re.compile(r"^\s*([-*+]|\d+[.)]|\|)")


def check_pages(sources: Sources) -> list[Finding]:
    findings: list[Finding] = []
    for page in sources.pages:
        findings += check_front_matter(page.path, page.text, page.front)
        findings += check_headings(page)
    for file in sources.pages + sources.snippets:
        findings += check_unclosed(file)
    findings += _check_template(sources)
    return findings


def _check_template(sources: Sources) -> list[Finding]:
    path = sources.root / sources.mkdocs.custom_dir() / NOTICE_TEMPLATE
    if not path.is_file():
        return []
    text = read_text(path, sources.shown(path), [], "status-template")
    return check_status_template(sources.shown(path), text) if text is not None else []


def headings(page: MarkdownFile) -> list[tuple[int, int, str]]:
    """(line, level, text) of each ATX and setext heading of a page's body, code excluded."""
    out = []
    lines = page.masked.split("\n")
    for number, line in enumerate(lines, 1):
        match = ATX.match(line)
        if match:
            out.append((number, len(match["hashes"]), (match["text"] or "").rstrip("#").strip()))
        elif SETEXT_H2.match(line) and number > 1 and lines[number - 2].strip() \
                and not LIST_OR_TABLE.match(lines[number - 2]) and "<" not in lines[number - 2][:1]:
            out.append((number - 1, 2, lines[number - 2].strip()))
    return out


def heading_id(text: str) -> str | None:
    attrs = ATTR_LIST.search(text)
    found = ID_ATTR.search(attrs["attrs"]) if attrs else None
    return found["id"] if found else None


def check_headings(page: MarkdownFile) -> list[Finding]:
    """Every `##` has an explicit, well-formed id; ids are unique on the page."""
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    cites = bool(find_citations(page.masked))
    for line, level, text in headings(page):
        ident = heading_id(text)
        if ident is None:
            if level == 2:
                findings.append(Finding(page.path, line, "error", f"heading '## {text[:50]}' has no explicit id: "
                                        "end it with {#some-id} so links to it stay stable", "heading-id"))
            continue
        if not GOOD_ID.match(ident):
            findings.append(Finding(page.path, line, "error", f"heading id '{ident}' must be lowercase words "
                                    "joined by hyphens", "heading-id"))
        if ident in seen:
            findings.append(Finding(page.path, line, "error", f"heading id '{ident}' is already used on line "
                                    f"{seen[ident]}", "heading-id"))
        elif ident in RESERVED_IDS and cites:
            findings.append(Finding(page.path, line, "error", f"heading id '{ident}' is taken by "
                                    f"{RESERVED_IDS[ident]}", "heading-id"))
        seen.setdefault(ident, line)
    return findings


def check_unclosed(file: MarkdownFile) -> list[Finding]:
    findings = [Finding(file.path, line, "error", "code fence opened here is never closed: the rest of the "
                        "page would render as code", "markdown-fence") for line in file.unclosed_fences]
    opened = file.masked.rfind("<!--")
    if opened >= 0 and file.masked.find("-->", opened) < 0:
        line = file.masked.count("\n", 0, opened) + 1
        findings.append(Finding(file.path, line, "error", "HTML comment '<!--' is never closed with '-->': "
                                "the rest of the page would be hidden", "markdown-comment"))
    return findings


def check_nav(sources: Sources) -> list[Finding]:
    """Every nav entry is a page, and every page is in the nav (unless listed under not_in_nav)."""
    nav = sources.mkdocs.nav
    if nav is None:
        return []
    findings: list[Finding] = []
    pages = {p.doc: p for p in sources.pages}
    listed: set[str] = set()
    for item in nav:
        target = item.target.split("#", 1)[0]
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("/"):
            continue  # an external link
        if target not in pages and target not in sources.unreadable_pages:
            findings.append(Finding(sources.mkdocs.path, item.line, "error", f"nav entry '{item.target}' is not a "
                                    f"page under {sources.shown(sources.docs_dir)}/", "nav"))
        elif target in listed:
            findings.append(Finding(sources.mkdocs.path, item.line, "error", f"'{target}' is in the nav twice",
                                    "nav"))
        listed.add(target)
    not_in_nav = sources.mkdocs.data.get("not_in_nav")
    allowed = pathspec.GitIgnoreSpec.from_lines(str(not_in_nav).splitlines()) if not_in_nav else None
    for doc, page in sorted(pages.items()):
        if doc not in listed and not (allowed and allowed.match_file(doc)):
            findings.append(Finding(page.path, 1, "error", "page is not in the nav of mkdocs.yml: add it there",
                                    "nav"))
    return findings
