"""What a release contained, recorded small: published/manifests/<version>.json, one per release.

For each page: its title, each `##` section by its stable id (title and a digest of its text), the
references it cites and the studies its key-studies table shows; and for the whole review, the
verification status of every record. Comparing two manifests says what changed between releases
(livingreview.living.changes) without keeping or diffing any HTML.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livingreview.checks.page_checks import heading_id, headings
from livingreview.checks.sources import MarkdownFile, Sources, load_sources
from livingreview.core.atomic import write_atomic
from livingreview.core.markdown_text import HTML_COMMENT
from livingreview.evidence import tables
from livingreview.references.citations import find_citations

FOLDER = Path("published") / "manifests"
SCHEMA = 1


@dataclass
class PageManifest:
    title: str
    sections: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {"title", "digest"}
    references: list[str] = field(default_factory=list)
    studies: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    version: str
    released: str  # ISO date
    pages: dict[str, PageManifest]  # docs-relative path -> page
    statuses: dict[str, str]  # citation key -> verification status

    def to_json(self) -> str:
        data = {"schema": SCHEMA, "version": self.version, "released": self.released,
                "pages": {src: {"title": p.title, "sections": p.sections, "references": p.references,
                                "studies": p.studies} for src, p in sorted(self.pages.items())},
                "statuses": dict(sorted(self.statuses.items()))}
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        pages = {src: PageManifest(p["title"], p.get("sections", {}), p.get("references", []), p.get("studies", []))
                 for src, p in data["pages"].items()}
        return cls(data["version"], data["released"], pages, data.get("statuses", {}))


def normalised(text: str) -> str:
    """A section's text as compared between releases: comments dropped, whitespace collapsed."""
    return " ".join(HTML_COMMENT.sub(" ", text).split())


def digest(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()[:16]


def sections(page: MarkdownFile) -> dict[str, dict[str, str]]:
    """Each `##` section of a page by its id (and the text before the first, as `_intro`): title and digest."""
    lines = page.text.split("\n")
    found = [(line, text) for line, level, text in headings(page) if level == 2]
    out: dict[str, dict[str, str]] = {}
    intro_end = found[0][0] - 1 if found else len(lines)
    intro = "\n".join(lines[page.body_start:intro_end])
    if intro.strip():
        out["_intro"] = {"title": "(introduction)", "digest": digest(intro)}
    for i, (line, text) in enumerate(found):
        end = found[i + 1][0] - 1 if i + 1 < len(found) else len(lines)
        ident = heading_id(text) or re.sub(r"\W+", "-", text.lower()).strip("-")
        heading = re.sub(r"\s*\{[^}]*\}\s*$", "", text).strip()
        out[ident] = {"title": heading, "digest": digest("\n".join(lines[line:end]))}
    return out


def page_manifest(page: MarkdownFile, sources: Sources) -> PageManifest:
    title = (page.front.data or {}).get("title", page.doc) if page.front else page.doc
    manifest = PageManifest(str(title), sections(page))
    cited = list(dict.fromkeys(c.key for c in find_citations(page.masked)))
    manifest.references = sorted(cited)
    facet = sources.facet_of(page.doc)
    if facet is not None:
        entries: dict = {}
        for entry in sources.entries:
            entries.setdefault(entry.key, entry)
        manifest.studies = sorted(s.key for s, _ in tables.page_studies(facet, cited, sources.studies.by_key(),
                                                                       entries))
    return manifest


# Pages whose text is about releases themselves: always rewritten by a release, never "changed content".
RELEASE_PAGES = ("changelog.md",)


def build_manifest(root: Path, version: str, released: str, sources: Sources | None = None) -> Manifest:
    sources = sources or load_sources(root)
    pages = {p.doc: page_manifest(p, sources) for p in sources.pages if p.doc not in RELEASE_PAGES}
    statuses: dict[str, str] = {}
    for entry in sources.entries:
        statuses.setdefault(entry.key, entry.get("verification"))
    return Manifest(version, released, pages, statuses)


def manifest_path(root: Path, version: str) -> Path:
    return root / FOLDER / f"{version}.json"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_manifests(root: Path) -> list[Manifest]:
    """Every recorded manifest, oldest version first (unreadable files are skipped: the checks report them)."""
    folder = root / FOLDER
    found: list[Manifest] = []
    for path in folder.glob("*.json") if folder.is_dir() else []:
        try:
            manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
            version_key(manifest.version)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append(manifest)
    return sorted(found, key=lambda m: version_key(m.version))


def write_manifest(root: Path, manifest: Manifest) -> Path:
    path = manifest_path(root, manifest.version)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, manifest.to_json())
    return path


def as_data(manifest: Manifest) -> dict[str, Any]:
    return json.loads(manifest.to_json())
