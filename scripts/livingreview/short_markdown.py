"""Short Markdown texts (a reference, an annotation) to HTML, outside any page's conversion.

The annotated bibliography is written as HTML rather than handed to the page's
Markdown: at 3,000 entries that conversion took 3.5 s of a build whose floor
is 6 s. Each entry holds two short one-paragraph texts, converted here with
Python-Markdown and the site's abbreviations (the `abbr` extension, as on the
pages), and kept in a cache keyed by the text, the abbreviations and the
Markdown version, so a warm build converts nothing.
"""

from __future__ import annotations

import hashlib
import json

import markdown

from livingreview.formatting import ReferenceCache


class ShortMarkdown:
    """Callable: Markdown text -> its HTML (block elements, e.g. one `<p>`)."""

    def __init__(self, abbreviations: dict[str, str], cache: ReferenceCache | None = None):
        self._md = markdown.Markdown(extensions=["abbr"], extension_configs={"abbr": {"glossary": abbreviations}})
        self._fingerprint = json.dumps([markdown.__version__, sorted(abbreviations.items())])
        self._cache = cache or ReferenceCache(None)

    def __call__(self, text: str) -> str:
        digest = hashlib.sha256(f"{self._fingerprint}\0{text}".encode("utf-8")).hexdigest()
        cached = self._cache.get(digest)
        if cached is None:
            self._md.reset()
            cached = self._md.convert(text)
            self._cache.put(digest, cached)
        return cached

    def save(self) -> None:
        self._cache.save()
