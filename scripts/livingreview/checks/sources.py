"""Everything the checks read, loaded once: mkdocs.yml, pages, snippet files, other docs files, BibTeX.

Reading never raises: a file that cannot be read becomes a finding and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from livingreview.references.bib_format import BibFile
from livingreview.references.bibliography import Entry, bib_files, parse_bibtex
from livingreview.core.findings import Finding
from livingreview.evidence.studies import StudySet, load_studies, studies_path
from livingreview.references.facets import topic_pages
from livingreview.core.markdown_text import FrontMatter, mask_code, split_front_matter
from livingreview.core.mkdocs_yaml import MkDocsYaml, load_mkdocs_yaml

# What MkDocs itself always leaves out of docs_dir.
DEFAULT_EXCLUDE = (".*", "/templates/")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Files under docs/ that may carry raw HTML besides Markdown.
MARKUP_SUFFIXES = (".html", ".htm", ".svg", ".xml")
SNIPPET_LINE = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(["'])(?P<name>[^"'\n]+)\1[ \t]*$""", re.MULTILINE)
SNIPPET_FENCE = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")


@dataclass
class MarkdownFile:
    path: str  # as shown in findings: relative to the project root, with /
    doc: str  # relative to docs_dir ("" for files outside it)
    text: str
    is_page: bool
    body_start: int = 0  # 0-based index of the first line after the front matter
    masked: str = ""  # body with front matter blanked and code masked (same lines as text)
    unclosed_fences: list[int] = field(default_factory=list)
    front: FrontMatter | None = None  # pages only

    def __post_init__(self) -> None:
        lines = self.text.split("\n")
        if self.is_page:
            self.front = split_front_matter(self.text)
            self.body_start = self.front.body_start
        body = "\n".join([""] * self.body_start + lines[self.body_start:])
        self.masked, fences = mask_code(body)
        self.unclosed_fences = fences


@dataclass
class Sources:
    root: Path
    mkdocs: MkDocsYaml
    docs_dir: Path
    pages: list[MarkdownFile]
    snippets: list[MarkdownFile]
    markup: list[tuple[str, str]]  # (path, text) of HTML/SVG files under docs_dir
    bib_files: list[BibFile]
    findings: list[Finding]  # problems met while reading
    unreadable_pages: set[str] = field(default_factory=set)  # docs-relative paths of pages not read
    studies: StudySet = field(default_factory=lambda: StudySet([], []))  # bib/studies.yaml

    @property
    def entries(self) -> list[Entry]:
        return [e for b in self.bib_files for e in b.parsed.entries]

    @property
    def topic_pages(self) -> dict[str, str]:
        """facet -> topic page (relative to docs/), from the pages' front matter `facet:`."""
        return topic_pages((p.doc, p.front.data if p.front else None) for p in self.pages)

    def facet_of(self, doc: str) -> str | None:
        return next((facet for facet, page in self.topic_pages.items() if page == doc), None)

    def shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def read_text(path: Path, shown: str, findings: list[Finding], check: str) -> str | None:
    """A file's text with normalised newlines, or None (and a finding) when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        findings.append(Finding(shown, 1, "error", f"cannot read: {exc.strerror}", check))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        findings.append(Finding(shown, line, "error", f"not UTF-8 text (byte {data[exc.start]:#04x})", check))
        return None
    if "\x00" in text:
        findings.append(Finding(shown, text.count("\n", 0, text.index("\x00")) + 1, "error",
                                "contains a NUL byte: not a text file", check))
        return None
    return text.replace("\r\n", "\n").lstrip("\ufeff")


def load_sources(root: Path) -> Sources:
    root = root.resolve()
    mkdocs = load_mkdocs_yaml(root / "mkdocs.yml")
    findings = list(mkdocs.findings)
    docs_dir = root / mkdocs.docs_dir()
    sources = Sources(root, mkdocs, docs_dir, [], [], [], [], findings)
    exclude = _spec(DEFAULT_EXCLUDE, mkdocs.data.get("exclude_docs"))
    all_docs = sorted(p for p in docs_dir.rglob("*") if p.is_file()) if docs_dir.is_dir() else []
    snippet_dirs = [d for d in snippet_base_paths(root, mkdocs) if d.is_dir() and _inside(d, docs_dir)]
    for path in all_docs:
        doc = path.relative_to(docs_dir).as_posix()
        shown = sources.shown(path)
        is_snippet = any(_inside(path, d) for d in snippet_dirs)
        if path.suffix.lower() in MARKDOWN_SUFFIXES and (is_snippet or not exclude.match_file(doc)):
            text = read_text(path, shown, findings, "page-encoding")
            if text is not None:
                found = MarkdownFile(shown, doc, text, is_page=not is_snippet)
                (sources.snippets if is_snippet else sources.pages).append(found)
            elif not is_snippet:
                sources.unreadable_pages.add(doc)
        elif path.suffix.lower() in MARKUP_SUFFIXES or (is_snippet and path.suffix.lower() == ".txt"):
            text = read_text(path, shown, findings, "page-encoding")
            if text is not None:
                if is_snippet:
                    sources.snippets.append(MarkdownFile(shown, doc, text, False))
                else:
                    sources.markup.append((shown, text))
    _add_referenced_snippets(sources)
    bib_dir = root / mkdocs.bib_dir()
    for path in bib_files(bib_dir):
        shown = sources.shown(path)
        text = read_text(path, shown, findings, "bib-syntax")
        if text is not None:
            sources.bib_files.append(BibFile(shown, text, parse_bibtex(text, shown)))
    studies = studies_path(bib_dir)
    sources.studies = load_studies(studies, sources.shown(studies))
    return sources


def _spec(defaults: tuple[str, ...], extra: object) -> pathspec.GitIgnoreSpec:
    lines = list(defaults) + (str(extra).splitlines() if extra else [])
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def snippet_base_paths(root: Path, mkdocs: MkDocsYaml) -> list[Path]:
    """pymdownx.snippets' base_path folders (relative to the project root, as MkDocs runs there)."""
    settings = mkdocs.extension_config("pymdownx.snippets")
    if settings is None:
        return []
    base = settings.get("base_path", ["."])
    return [root / str(b) for b in ([base] if isinstance(base, str) else list(base or []))]


def snippet_names(text: str) -> list[tuple[str, int]]:
    """(name, line) of every file a `--8<--` line or block includes."""
    found = [(m["name"].strip(), text.count("\n", 0, m.start()) + 1) for m in SNIPPET_LINE.finditer(text)]
    inside = False
    for number, line in enumerate(text.split("\n"), 1):
        if SNIPPET_FENCE.match(line):
            inside = not inside
        elif inside and line.strip() and not line.strip().startswith(";"):
            found.append((line.strip(), number))
    return found


def resolve_snippet(name: str, bases: list[Path]) -> Path | None:
    candidates = [name] + ([name.rsplit(":", 1)[0]] if ":" in name else [])
    for candidate in candidates:
        for base in bases:
            path = base / candidate
            if path.is_file():
                return path
    return None


def _add_referenced_snippets(sources: Sources) -> None:
    """Files included by `--8<--` from outside the snippet folders, and missing ones."""
    bases = snippet_base_paths(sources.root, sources.mkdocs)
    known = {s.path for s in sources.snippets}
    settings = sources.mkdocs.extension_config("pymdownx.snippets") or {}
    wanted = [(str(n), sources.mkdocs.path, 1) for n in settings.get("auto_append", []) or []]
    for page in sources.pages + sources.snippets:
        wanted += [(name, page.path, line) for name, line in snippet_names(page.masked)]
    for name, where, line in wanted:
        if re.match(r"^[a-z]+://", name):
            continue
        path = resolve_snippet(name, bases) if bases else None
        if path is None:
            sources.findings.append(Finding(where, line, "error", f"snippet '{name}' not found in the snippet "
                                            f"folders ({', '.join(sources.shown(b) for b in bases) or 'none'})",
                                            "snippet-missing"))
            continue
        shown = sources.shown(path)
        if shown not in known:
            known.add(shown)
            text = read_text(path, shown, sources.findings, "page-encoding")
            if text is not None:
                doc = path.relative_to(sources.docs_dir).as_posix() if _inside(path, sources.docs_dir) else ""
                sources.snippets.append(MarkdownFile(shown, doc, text, False))
