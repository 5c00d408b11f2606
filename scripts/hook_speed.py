"""MkDocs hook: build speed at review scale (see PERFORMANCE.md).

- The checks, the reference hooks and mkdocs-bibtex all parse bib/ on every
  build; with this hook each file is parsed once per content, the result kept
  in .cache/parsed/ (and in memory across `mkdocs serve` rebuilds). It runs
  first so that every later reader finds the cache switched on.
- print-site rewrites the links of the print page in time links x page size;
  livingreview.print_site_links does the same rewriting in one pass.

LIVINGREVIEW_NO_BATCH=1 switches both off, together with the batched formatting.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

from livingreview import formatting, parse_cache, print_site_links

# Start definition of MkDocs hooks


@event_priority(200)  # before the checks (110), hook_references (100) and mkdocs-bibtex read bib/
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    enabled = formatting.batching_enabled()
    root = Path(config.config_file_path).resolve().parent
    parse_cache.enable_disk(root / ".cache" / "parsed" if enabled else None)
    formatting.reuse_parsed_bib_files(enabled)
    print_site_links.install(enabled)
    return config


# End definition of MkDocs hooks
