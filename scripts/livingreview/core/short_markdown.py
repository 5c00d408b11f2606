"""Short Markdown texts (a reference, an annotation) to HTML, outside any page's conversion.

The annotated bibliography is written as HTML rather than handed to the page's
Markdown: at 3,000 entries that conversion took 3.5 s of a build whose floor
is 6 s. Each entry holds two short one-paragraph texts, converted here with
Python-Markdown and the site's abbreviations (the `abbr` extension, as on the
pages), and kept in a cache keyed by the text, the abbreviations, the
Markdown version and this package's code, so a warm build converts nothing.
Plain text (no markup, no abbreviation) is not converted at all: its HTML is
the text in a paragraph.

A cold build knows every text its pages will need once pandoc is done:
`convert_ahead` hands them to livingreview.speed.offload's helper process, which
converts them with the same Markdown set-up (`convert_all`) from the last
page's back; a page takes the helper's HTML when it is ready and converts a
text itself when it is not.
"""

from __future__ import annotations

import functools
import json
import re

from pathlib import Path
from typing import Iterable

import markdown

from livingreview.core.digest_cache import DigestCache, digest_of
from livingreview.reader.glossary import Abbreviation


# Text that Markdown (core plus abbr) returns as one paragraph unchanged: it starts with a letter (no list,
# heading or quote), holds no character any inline pattern or escaping acts on, and no control character.
PLAIN = re.compile(r"[^\W\d_][^\\`*_\[\]!<>&#|~\x00-\x1f\x7f]*(?<=\S)")


def _new_markdown(abbreviations: dict[str, str]) -> markdown.Markdown:
    return markdown.Markdown(extensions=["abbr"], extension_configs={"abbr": {"glossary": abbreviations}})


@functools.lru_cache(maxsize=2)
def _markdown_for(fingerprint: str) -> markdown.Markdown:
    return _new_markdown(dict(json.loads(fingerprint)))


def convert_all(fingerprint: str, texts: list[str]) -> list[str]:
    """Each text's HTML, as ShortMarkdown with the abbreviations of `fingerprint` converts it (the
    helper process's work)."""
    md = _markdown_for(fingerprint)
    return [md.reset().convert(text) for text in texts]


class ShortMarkdown:
    """Callable: Markdown text -> its HTML (block elements, e.g. one `<p>`)."""

    def __init__(self, abbreviations: dict[str, str], cache: DigestCache | None = None):
        self._md = _new_markdown(abbreviations)
        self.fingerprint = json.dumps(sorted(abbreviations.items()))  # Markdown's version: in digest_of
        self.cache = cache or DigestCache(None)
        self._keys: dict[str, str | None] = {}
        # The abbr extension's own pattern: a text using a term goes through Markdown.
        terms = "|".join(re.escape(term) for term in sorted(abbreviations, key=len, reverse=True))
        self._terms = re.compile(rf"\b(?:{terms})\b") if terms else None

    @classmethod
    def for_site(cls, abbreviations: Iterable[Abbreviation], cache_file: Path) -> ShortMarkdown:
        """With the site's abbreviations (docs/includes/abbreviations.md), results kept in `cache_file`."""
        return cls({a.term: a.meaning for a in abbreviations}, DigestCache(cache_file))

    def key(self, text: str) -> str | None:
        """The text's key in the cache, None for plain text (remembered: a build asks for most texts twice)."""
        if text not in self._keys:
            plain = PLAIN.fullmatch(text) and not (self._terms and self._terms.search(text))
            self._keys[text] = None if plain else digest_of([self.fingerprint, text])
        return self._keys[text]

    def __call__(self, text: str) -> str:
        key = self.key(text)
        if key is None:
            return f"<p>{text}</p>"  # what Markdown would return, without its 0.2 ms
        return self.cache.get_or_make(key, lambda: self._md.reset().convert(text))

    def save(self) -> None:
        self.cache.save()
