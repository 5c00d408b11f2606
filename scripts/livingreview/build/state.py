"""What one build knows between its steps: one typed object, made afresh at each build's first step.

Each concern keeps its part (references, citing, reader, checks, speed); a step
reads and writes only its own part and what earlier steps published in theirs.
Per-page values are keyed by the page's source path (`page.file.src_uri`).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livingreview.citing.records import CitationRecord, Review
from livingreview.citing.styles import Formatted
from livingreview.core.digest_cache import DigestCache
from livingreview.core.findings import Finding
from livingreview.core.short_markdown import ShortMarkdown
from livingreview.evidence.studies import StudySet
from livingreview.reader.glossary import Abbreviation
from livingreview.references.bibliography import Entry
from livingreview.references.render import AnnotatedBibliography

if TYPE_CHECKING:
    from livingreview.checks.sources import Sources
    from livingreview.speed.checks_cache import KeptFindings


@dataclass
class ReferencesState:
    entries: dict[str, Entry]
    to_html: ShortMarkdown  # reference texts and annotations as HTML
    # Per page: each reference footnote's text as mkdocs-bibtex wrote it, by key (the annotated bibliography's
    # page: every entry's), put into the page at page_context.
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    annotated: dict[str, AnnotatedBibliography] = field(default_factory=dict)


@dataclass
class CitingState:
    review: Review
    records: dict[str, CitationRecord] = field(default_factory=dict)  # per page
    download_uris: dict[str, dict[str, str]] = field(default_factory=dict)  # per page: ext -> file
    review_record: CitationRecord | None = None
    review_downloads: dict[str, str] = field(default_factory=dict)
    how_to_cite: str | None = None  # the how-to-cite page's URL
    sections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # per page: (id, title) of each ##
    section_records: dict[str, list[tuple[str, str, CitationRecord]]] = field(default_factory=dict)
    formatting: Future | None = None  # the pandoc runs of every citation, started at on_env
    formatted: dict[str, dict[str, Formatted]] | None = None  # style -> record key -> text


@dataclass
class ReaderState:
    abbreviations: list[Abbreviation]
    studies: StudySet  # bib/studies.yaml
    # Per page: generated lists kept out of the page's Markdown, by slot name, and their converter.
    lists: dict[str, tuple[dict[str, str], ShortMarkdown]] = field(default_factory=dict)
    notice: Any = None  # the reader notice's compiled template (print page)


@dataclass
class LivingState:
    manifests: list[Any]  # living.manifest.Manifest, oldest first
    last_changed: dict[str, str]  # page -> version


@dataclass
class ChecksState:
    """The source checks of a build that found nothing to stop it: the rest of them may still be running."""

    reported: list[Finding]  # the findings of the checks done before the build went on, reported then
    sources: Sources  # what the checks read
    kept: KeptFindings | None = None  # where every finding is kept for the next build (speed layer)
    beside: Future | None = None  # the other checks' findings, from the helper process (speed layer)


@dataclass
class SpeedState:
    """The speed layer's handles for this build (all None with LIVINGREVIEW_NO_BATCH=1)."""

    pending: Any = None  # speed.batching.PendingFormat: the references' pandoc run
    link_scans: DigestCache | None = None  # the link check's scans of unchanged pages
    scan_ahead: Any = None
    heading_numbers: dict[str, str] | None = None  # print-site's heading number of each page
    search_index_kept: bool = False  # the pages are those of a build whose search index is kept
    search_pages_digest: str | None = None
    search_indexing: Any = None  # speed.steps.Beside: the search index being made beside the link check
    memos: dict[str, DigestCache] = field(default_factory=dict)  # speed.steps.memo's caches, by name


@dataclass
class BuildState:
    root: Path
    references: ReferencesState | None = None
    citing: CitingState | None = None
    reader: ReaderState | None = None
    living: LivingState | None = None
    checks: ChecksState | None = None
    speed: SpeedState = field(default_factory=SpeedState)
