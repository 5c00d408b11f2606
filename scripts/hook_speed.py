"""MkDocs hook: build speed at review scale (see PERFORMANCE.md).

- The checks, the reference hooks and mkdocs-bibtex all parse bib/ on every
  build; with this hook each file is parsed once per content, the result kept
  in .cache/parsed/ (and in memory across `mkdocs serve` rebuilds). It runs
  first so that every later reader finds the cache switched on, and starts
  mkdocs-bibtex's pybtex parse in a child process, beside the checks.
- print-site rewrites the links and ids of the print page in time links x page
  size; livingreview.print_site_links does the same rewriting in one pass, and
  keeps each page's rewrite in .cache/print-pages.pickle while it is unchanged.
- Material's search plugin parses every page's HTML again in every build;
  livingreview.search_cache keeps each page's index entries while the page
  is unchanged.
- MkDocs compiles the theme's ~100 Jinja templates in every build, and again
  in every `mkdocs serve` rebuild (a new theme object each time): about 0.4 s;
  print-site compiles them once more in an environment of its own. Every
  environment the theme makes gets Jinja's own bytecode cache, kept in
  .cache/jinja/ and keyed by each template's name and source, so an edited
  template is compiled afresh.
- Pure work on each page's final HTML or text (its search entries, its ids and
  links for the link check, print-site's rewrite of it, the Markdown of its
  references and evidence-map lists) goes, in a build with much of it to do
  (a cold one), to livingreview.offload's helper process, on the core pandoc
  has left; offload.new_build starts each build's count of work done in place.

LIVINGREVIEW_NO_BATCH=1 switches all of these off, together with the batched formatting.
"""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.theme import Theme

from livingreview import formatting, offload, parse_cache, print_site_links, pybtex_cache, search_cache

def _cache(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent / ".cache"


# Start definition of MkDocs hooks


@event_priority(200)  # before the checks (110), hook_references (100) and mkdocs-bibtex read bib/
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    enabled = formatting.batching_enabled()
    offload.new_build(enabled)
    parse_cache.enable_disk(_cache(config) / "parsed" if enabled else None)
    pybtex_cache.reuse_parsed_bib_files(enabled)
    if enabled:  # on another core while the checks run
        pybtex_cache.parse_in_background(_plugin_bib_files(config))
    print_site_links.install(enabled, _cache(config) / "print-pages.pickle")
    search_cache.install(enabled, _cache(config) / "search.pickle")
    if enabled:
        _keep_compiled_templates(config.theme, _cache(config) / "jinja")
    return config


def _plugin_bib_files(config: MkDocsConfig) -> list[str]:
    """The .bib files mkdocs-bibtex 4.4.0 will parse, named as it names them (its on_config)."""
    bibtex = config.plugins.get("bibtex")
    if bibtex is None or bibtex.config.bib_file is not None or bibtex.config.bib_dir is None:
        return []  # a single file (or URL) is left to the plugin
    from mkdocs_bibtex.utils import get_path_relative_to_mkdocs_yaml

    return [os.fspath(path) for path in Path(get_path_relative_to_mkdocs_yaml(bibtex.config.bib_dir, config)).rglob("*.bib")]


def _keep_compiled_templates(theme: Theme, folder: Path) -> None:
    """Give every Jinja environment `theme.get_env()` makes (MkDocs' and print-site's) a bytecode cache."""
    make_env = theme.get_env

    def get_env() -> Environment:
        env = make_env()
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    theme.get_env = get_env  # type: ignore[method-assign]  # this theme object only, i.e. this build


@event_priority(-100)  # after print-site (0) has made its page
def on_post_build(*, config: MkDocsConfig) -> None:
    if formatting.batching_enabled():
        search_cache.save()
        print_site_links.save()


# End definition of MkDocs hooks
