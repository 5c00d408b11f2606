"""The build, step by step: everything this project adds to a MkDocs build, in the order it runs.

MkDocs calls each event's handlers by priority, plugins' included (mkdocs-bibtex
at 0 on page_markdown, print-site at 0, Material's search at 0): the priorities
below place our steps around theirs. Read STEPS top to bottom to follow a build.
Each step takes the build's state first, then the event's own arguments by
name; a step of an event that passes an item (config, files, markdown, html,
context, output) returns the item, or None to leave it as it was.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from mkdocs.plugins import CombinedEvent

from livingreview.build import checks, citing, living, reader, references
from livingreview.build.state import BuildState
from livingreview.speed import steps as speed


@dataclass(frozen=True)
class Step:
    event: str  # MkDocs event, without "on_"
    priority: int  # higher runs first; plugins run at 0
    run: Callable[..., Any]


def _new_build(state: BuildState, config) -> None:
    """A new state for every build (mkdocs serve rebuilds included)."""
    global STATE
    STATE = BuildState(Path(config.config_file_path).resolve().parent)


STEPS: tuple[Step, ...] = (
    Step("startup", 0, speed.note_command),  # `mkdocs build` or `serve`: once per process
    # Configuration: the whole build is checked and set up before any page is read.
    Step("config", 300, _new_build),
    Step("config", 250, speed.finish_unfinished),  # the last serve rebuild's search index: its failure, or stopped
    Step("config", 200, speed.configure),  # caches on; mkdocs-bibtex's parse started in the background
    Step("config", 110, checks.source_checks),  # make check's checks: those of faults others would crash on
    # first (the build stops there), the others now or beside the pages (speed layer)
    Step("config", 100, references.configure),  # before mkdocs-bibtex reads its settings
    Step("config", 0, citing.configure),
    Step("config", 0, reader.configure),
    Step("config", 0, living.configure),
    # Files: pandoc starts on the references (a page a plugin adds later is left to mkdocs-bibtex), then every
    # page gets a citation record and its downloads.
    Step("files", 100, speed.start_formatting),
    Step("files", -100, citing.add_records),  # after plugins that add pages
    Step("files", -100, reader.add_dataset),  # the study dataset's downloads
    Step("files", -100, living.add_feed),  # the update feed
    # Each page's Markdown, around mkdocs-bibtex (0), which turns [@key] into footnotes.
    Step("page_markdown", 200, references.before_bibtex),
    Step("page_markdown", 150, reader.replace_markers),  # generated parts may cite: before mkdocs-bibtex
    Step("page_markdown", -100, references.after_bibtex),
    # Each page's HTML, before print-site (0) keeps a copy.
    Step("page_content", 50, references.add_references_heading),
    Step("page_content", 0, citing.note_sections),
    Step("env", 0, citing.start_formatting),  # every page and section formatted, in the background
    # Each page's final HTML, before Material's search (0) indexes it.
    Step("page_context", 101, speed.finish_formatting),
    Step("page_context", 100, references.fill_references),
    Step("page_context", 90, reader.finish_page),
    Step("page_context", 89, speed.rewrite_print_page_ahead),
    Step("page_context", 80, living.page_version),  # the version the page last changed in, for its notice
    Step("page_context", -50, citing.cite_box),  # after search: the cite box is not indexed
    Step("post_page", -200, speed.scan_ahead),  # the page as written
    # After the build: everything written, then checked.
    # Every indexed page is written (print-site's page is not indexed): the search index first, made beside
    # the steps below, which only read pages or rewrite the print page.
    Step("post_build", 120, speed.reuse_search_index),  # the index of a build whose indexed pages were the same
    Step("post_build", 110, reader.search_index),
    Step("post_build", 100, checks.finish_source_checks),  # the source checks left to run beside the pages
    Step("post_build", 0, references.save),
    Step("post_build", 0, citing.finish),
    Step("post_build", -100, reader.fix_print_page),  # after print-site has written its page
    Step("post_build", -200, checks.link_check),  # after every other plugin and step has written its files
    Step("post_build", -210, speed.save),  # after the link check, whose scans and verdict are kept
    Step("post_build", -250, speed.wait_for_search_index),  # the index may be made beside the link check
    Step("post_build", -260, speed.keep_search_index),
    Step("shutdown", -1000, speed.exit_at_once),  # last of all: a finished `mkdocs build` ends at once
)

STATE = BuildState(Path("."))  # replaced at each build's first step


# Each event's item: the value MkDocs passes first and expects back (events without one pass none).
ITEM_OF = {"config": "config", "files": "files", "nav": "nav", "env": "env", "page_markdown": "markdown",
           "page_content": "html", "page_context": "context", "post_page": "output"}


def _handler(step: Step) -> Callable[..., Any]:
    """A MkDocs handler running `step` with the build's state and the arguments it names."""
    wanted = list(inspect.signature(step.run).parameters)[1:]
    item_name = ITEM_OF.get(step.event)

    def handler(*args: Any, **kwargs: Any) -> Any:
        given = ({item_name: args[0]} if args and item_name else {}) | kwargs
        result = step.run(STATE, **{name: given[name] for name in wanted})
        if item_name is not None:
            return given[item_name] if result is None else result
        return None

    handler.mkdocs_priority = step.priority  # what mkdocs.plugins.event_priority sets
    handler.__name__ = handler.__qualname__ = f"{step.run.__module__}.{step.run.__name__}"
    return handler


def mkdocs_hooks() -> dict[str, CombinedEvent]:
    """`on_<event>` for every event STEPS uses, each combining its steps at their priorities."""
    events: dict[str, list[Callable[..., Any]]] = {}
    for step in STEPS:
        events.setdefault(step.event, []).append(_handler(step))
    return {f"on_{event}": CombinedEvent(*handlers) for event, handlers in events.items()}
