"""Short Markdown texts (a reference, an annotation) to HTML, outside any page's conversion.

The annotated bibliography is written as HTML rather than handed to the page's
Markdown: at 3,000 entries that conversion took 3.5 s of a build whose floor
is 6 s. Each entry holds two short one-paragraph texts, converted here with
Python-Markdown and the site's abbreviations (the `abbr` extension, as on the
pages), and kept in a cache keyed by the text, the abbreviations, the
Markdown version and this package's code, so a warm build converts nothing. Plain text (no markup, no
abbreviation) is not converted at all: its HTML is the text in a paragraph.
"""

from __future__ import annotations

import json
import re

from pathlib import Path
from typing import Iterable

import markdown

from livingreview.digest_cache import DigestCache, kept_or_made
from livingreview.glossary import Abbreviation


# Text that Markdown (core plus abbr) returns as one paragraph unchanged: it starts with a letter (no list,
# heading or quote), holds no character any inline pattern or escaping acts on, and no control character.
PLAIN = re.compile(r"[^\W\d_][^\\`*_\[\]!<>&#|~\x00-\x1f\x7f]*(?<=\S)")


class ShortMarkdown:
    """Callable: Markdown text -> its HTML (block elements, e.g. one `<p>`)."""

    def __init__(self, abbreviations: dict[str, str], cache: DigestCache | None = None):
        self._md = markdown.Markdown(extensions=["abbr"], extension_configs={"abbr": {"glossary": abbreviations}})
        self._fingerprint = json.dumps(sorted(abbreviations.items()))  # Markdown's version: in kept_or_made
        self._cache = cache or DigestCache(None)
        # The abbr extension's own pattern: a text using a term goes through Markdown.
        terms = "|".join(re.escape(term) for term in sorted(abbreviations, key=len, reverse=True))
        self._terms = re.compile(rf"\b(?:{terms})\b") if terms else None

    @classmethod
    def for_site(cls, abbreviations: Iterable[Abbreviation], cache_file: Path) -> ShortMarkdown:
        """With the site's abbreviations (docs/includes/abbreviations.md), results kept in `cache_file`."""
        return cls({a.term: a.meaning for a in abbreviations}, DigestCache(cache_file))

    def __call__(self, text: str) -> str:
        if PLAIN.fullmatch(text) and not (self._terms and self._terms.search(text)):
            return f"<p>{text}</p>"  # what Markdown would return, without its 0.2 ms
        return kept_or_made(self._cache, [self._fingerprint, text], lambda: self._md.reset().convert(text))

    def save(self) -> None:
        self._cache.save()
