"""MkDocs hook: hide "@" in code from mkdocs-bibtex (see livingreview.code_guard).

It must run before the bibtex plugin's on_page_markdown; scripts/hook_references.py
restores the text after it.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from livingreview import code_guard

# Start definition of MkDocs hooks


@event_priority(200)  # before mkdocs-bibtex (priority 0)
def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    return code_guard.protect(markdown)


# End definition of MkDocs hooks
