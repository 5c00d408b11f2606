"""Build steps for the living part: the update feed, and on every page the version it last changed in
and the version it belongs to (livingreview.living)."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from livingreview.build.state import BuildState, LivingState
from livingreview.checks.sources import MarkdownFile
from livingreview.core.digest_cache import kept_or_made
from livingreview.living import changes, feed, manifest
from livingreview.living.release import changelog_entries
from livingreview.speed import steps as speed

CHANGELOG = "changelog.md"


def configure(state: BuildState, config: MkDocsConfig) -> None:
    """The release manifests, and from them the version each page last changed in."""
    recorded = manifest.load_manifests(state.root)
    state.living = LivingState(recorded, changes.last_changed(recorded))


def add_feed(state: BuildState, files: Files, config: MkDocsConfig) -> None:
    """feed.xml: one entry per changelog entry, linking to the pages its release changed."""
    changelog = files.get_file_from_path(CHANGELOG)
    if changelog is None:
        return
    urls = {file.src_uri: file.url for file in files.documentation_pages()}
    by_version = {m.version: m for m in state.living.manifests}
    ordered = state.living.manifests
    releases = []
    for entry in changelog_entries(changelog.content_string):
        changed: list[tuple[str, str]] = []
        new = by_version.get(entry.version)
        if new is not None:
            before = [m for m in ordered if manifest.version_key(m.version) < manifest.version_key(new.version)]
            found = changes.compare(before[-1] if before else None, new)
            changed = [(urls[page], new.pages[page].title) for page in found.changed_pages if page in urls]
        summary = " ".join(entry.summary.split("\n\n", 1)[0].split())
        try:
            day = feed.datetime.date.fromisoformat(entry.date)
        except ValueError:
            continue  # the release checks report it
        releases.append(feed.Release(entry.version, day, summary, entry.anchor, changed))
    text = feed.atom_feed(state.citing.review, releases, urls[CHANGELOG])
    if files.get_file_from_path(feed.FEED) is None:
        files.append(File.generated(config, feed.FEED, content=text))


def page_version(state: BuildState, context: dict[str, Any], page: Page, config: MkDocsConfig) -> dict[str, Any]:
    """`page_version` for the reader notice: this build's version, and the release the page last changed in
    (or that it changed since the last release)."""
    living = state.living
    src = page.file.src_uri
    latest = living.manifests[-1] if living.manifests else None
    unreleased = False
    if latest is not None and src not in manifest.RELEASE_PAGES:
        text = page.file.content_string
        current = kept_or_made(speed.memo(state, "page-sections"), [src, text],  # a function of the page's text
                               lambda: manifest.sections(MarkdownFile(f"docs/{src}", src, text, is_page=True)))
        recorded = latest.pages.get(src)
        unreleased = recorded is None or {k: v["digest"] for k, v in recorded.sections.items()} != \
            {k: v["digest"] for k, v in current.items()}
    context["page_version"] = {
        "version": state.citing.review.version,
        "changed_in": living.last_changed.get(src),
        "changed_since": latest.version if unreleased and latest is not None else None,
        "changelog": changes_url(page, config),
    }
    return context


def changes_url(page: Page, config: MkDocsConfig) -> str:
    from mkdocs.utils import get_relative_url

    return get_relative_url("changelog/", page.url) if config.use_directory_urls else \
        get_relative_url("changelog.html", page.url)
