"""What changed between two releases, from their manifests (livingreview.living.manifest).

Per page: sections added, removed or changed (by stable section id; a section is changed when its
text is), references and studies added or removed; for the review: pages added or removed, and the
records whose verification status changed. Written as Markdown for the changelog and the feed.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from livingreview.living.manifest import Manifest, PageManifest


@dataclass
class PageChanges:
    page: str
    title: str
    added_sections: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    removed_sections: list[tuple[str, str]] = field(default_factory=list)
    changed_sections: list[tuple[str, str]] = field(default_factory=list)
    added_references: list[str] = field(default_factory=list)
    removed_references: list[str] = field(default_factory=list)
    added_studies: list[str] = field(default_factory=list)
    removed_studies: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any((self.added_sections, self.removed_sections, self.changed_sections, self.added_references,
                    self.removed_references, self.added_studies, self.removed_studies))


@dataclass
class Changes:
    old: str | None  # the previous version (None: the first release with a manifest)
    new: str
    added_pages: list[tuple[str, str]] = field(default_factory=list)  # (page, title)
    removed_pages: list[tuple[str, str]] = field(default_factory=list)
    pages: list[PageChanges] = field(default_factory=list)
    statuses: list[tuple[str, str | None, str | None]] = field(default_factory=list)  # key, before, after

    @property
    def changed_pages(self) -> list[str]:
        return [p.page for p in self.pages if p.any] + [page for page, _ in self.added_pages]


def _page_changes(page: str, old: PageManifest, new: PageManifest) -> PageChanges:
    changes = PageChanges(page, new.title)
    for ident, section in new.sections.items():
        if ident not in old.sections:
            changes.added_sections.append((ident, section["title"]))
        elif old.sections[ident]["digest"] != section["digest"]:
            changes.changed_sections.append((ident, section["title"]))
    changes.removed_sections = [(ident, s["title"]) for ident, s in old.sections.items() if ident not in new.sections]
    changes.added_references = sorted(set(new.references) - set(old.references))
    changes.removed_references = sorted(set(old.references) - set(new.references))
    changes.added_studies = sorted(set(new.studies) - set(old.studies))
    changes.removed_studies = sorted(set(old.studies) - set(new.studies))
    return changes


def compare(old: Manifest | None, new: Manifest) -> Changes:
    changes = Changes(old.version if old else None, new.version)
    if old is None:
        changes.added_pages = [(page, p.title) for page, p in sorted(new.pages.items())]
        return changes
    changes.added_pages = [(page, p.title) for page, p in sorted(new.pages.items()) if page not in old.pages]
    changes.removed_pages = [(page, p.title) for page, p in sorted(old.pages.items()) if page not in new.pages]
    for page, manifest in sorted(new.pages.items()):
        if page in old.pages:
            found = _page_changes(page, old.pages[page], manifest)
            if found.any:
                changes.pages.append(found)
    keys = sorted(set(old.statuses) | set(new.statuses))
    changes.statuses = [(k, old.statuses.get(k), new.statuses.get(k)) for k in keys
                        if old.statuses.get(k) != new.statuses.get(k) and k in old.statuses and k in new.statuses]
    return changes


def last_changed(manifests: list[Manifest]) -> dict[str, str]:
    """Page -> the version of the last release that changed its text (or first had it)."""
    out: dict[str, str] = {}
    previous: Manifest | None = None
    for manifest in manifests:
        for page, data in manifest.pages.items():
            before = previous.pages.get(page) if previous else None
            if before is None or {k: s["digest"] for k, s in before.sections.items()} != \
                    {k: s["digest"] for k, s in data.sections.items()}:
                out[page] = manifest.version
        previous = manifest
    return out


def _link(page: str, from_page: str, anchor: str = "") -> str:
    """A Markdown link from `from_page` (docs-relative) to `page`, with an optional #anchor."""
    target = posixpath.relpath(page, posixpath.dirname(from_page) or ".")
    return f"{target}#{anchor}" if anchor else target


def _names(items: list[tuple[str, str]], page: str, from_page: str) -> str:
    return ", ".join(f"[{title}]({_link(page, from_page, ident if not ident.startswith('_') else '')})"
                     for ident, title in items)


def _keys(keys: list[str]) -> str:
    return ", ".join(f"`{key}`" for key in keys)


def to_markdown(changes: Changes, from_page: str = "changelog.md") -> str:
    """The change summary as a Markdown list, with links relative to `from_page`."""
    if changes.old is None:
        return "- First release with a recorded manifest: every page is new in it."
    lines: list[str] = []
    for page, title in changes.added_pages:
        lines.append(f"- New page: [{title}]({_link(page, from_page)}).")
    for page, title in changes.removed_pages:
        lines.append(f"- Page removed: {title} (`{page}`).")
    for page in changes.pages:
        parts = []
        if page.added_sections:
            parts.append("sections added: " + _names(page.added_sections, page.page, from_page))
        if page.changed_sections:
            parts.append("sections changed: " + _names(page.changed_sections, page.page, from_page))
        if page.removed_sections:
            parts.append("sections removed: " + ", ".join(title for _, title in page.removed_sections))
        if page.added_references:
            parts.append(f"{len(page.added_references)} references added ({_keys(page.added_references)})")
        if page.removed_references:
            parts.append(f"{len(page.removed_references)} references removed ({_keys(page.removed_references)})")
        if page.added_studies:
            parts.append(f"key studies added: {_keys(page.added_studies)}")
        if page.removed_studies:
            parts.append(f"key studies removed: {_keys(page.removed_studies)}")
        lines.append(f"- [{page.title}]({_link(page.page, from_page)}): " + "; ".join(parts) + ".")
    for key, before, after in changes.statuses:
        lines.append(f"- Verification of `{key}`: {before} → {after}.")
    return "\n".join(lines) or f"- No page changed since version {changes.old}."
