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
from livingreview.reader.glossary import Abbreviation, terms_pattern


# Text that Markdown (core plus abbr) returns as one paragraph unchanged: it starts with a letter (no list,
# heading or quote), holds no character any inline pattern or escaping acts on, and no control character.
PLAIN = re.compile(r"[^\W\d_][^\\`*_\[\]!<>&#|~\x00-\x1f\x7f]*(?<=\S)")


class _Converter:
    """Python-Markdown with the abbr extension, as the pages have it, for one set of abbreviations.

    A text using none of the glossary's terms goes through a Markdown whose abbr
    extension has no glossary: the glossary's only effect is to wrap its terms,
    and Markdown's inline processing only takes characters out of a text node
    (markup, or escapes and entities, which are placeholders while abbr runs), so a term absent
    from the text is absent from every text node abbr looks at. Skipping the
    glossary skips abbr's per-text work (sorting, escaping and matching every
    term), over half of a reference's conversion with a hundred terms.
    """

    def __init__(self, abbreviations: dict[str, str]):
        self.with_glossary = _new_markdown(abbreviations)
        self.without_glossary = _new_markdown({})
        self.terms = terms_pattern(list(abbreviations)) if abbreviations else None

    def uses_terms(self, text: str) -> bool:
        return self.terms is not None and self.terms.search(text) is not None

    def __call__(self, text: str) -> str:
        md = self.with_glossary if self.uses_terms(text) else self.without_glossary
        return md.reset().convert(text)


def _new_markdown(abbreviations: dict[str, str]) -> markdown.Markdown:
    return markdown.Markdown(extensions=["abbr"], extension_configs={"abbr": {"glossary": abbreviations}})


@functools.lru_cache(maxsize=2)
def _converter_for(fingerprint: str) -> _Converter:
    return _Converter(dict(json.loads(fingerprint)))


def convert_all(fingerprint: str, texts: list[str]) -> list[str]:
    """Each text's HTML, as ShortMarkdown with the abbreviations of `fingerprint` converts it (the
    helper process's work)."""
    convert = _converter_for(fingerprint)
    return [convert(text) for text in texts]


class ShortMarkdown:
    """Callable: Markdown text -> its HTML (block elements, e.g. one `<p>`)."""

    def __init__(self, abbreviations: dict[str, str], cache: DigestCache | None = None):
        self._convert = _Converter(abbreviations)
        self.fingerprint = json.dumps(sorted(abbreviations.items()))  # Markdown's version: in digest_of
        self.cache = cache or DigestCache(None)
        self._keys: dict[str, str | None] = {}

    @classmethod
    def for_site(cls, abbreviations: Iterable[Abbreviation], cache_file: Path) -> ShortMarkdown:
        """With the site's abbreviations (docs/includes/abbreviations.md), results kept in `cache_file`."""
        return cls({a.term: a.meaning for a in abbreviations}, DigestCache(cache_file))

    def key(self, text: str) -> str | None:
        """The text's key in the cache, None for plain text (remembered: a build asks for most texts twice)."""
        if text not in self._keys:
            plain = PLAIN.fullmatch(text) and not self._convert.uses_terms(text)
            self._keys[text] = None if plain else digest_of([self.fingerprint, text])
        return self._keys[text]

    def __call__(self, text: str) -> str:
        key = self.key(text)
        if key is None:
            return f"<p>{text}</p>"  # what Markdown would return, without its 0.2 ms
        return self.cache.get_or_make(key, lambda: self._convert(text))

    def save(self) -> None:
        self.cache.save()
