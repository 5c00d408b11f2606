"""HTML pieces for citing: a copy button in each `##` heading, the whole-review citation block.

The selectors are documented in overrides/partials/cite-this-page.html and used
by docs/javascripts/cite.js: every copy button is `button.cite-copy` with
`data-cite-target` (the id of the element whose text it copies, or the section
id); section buttons also carry the citation itself in `data-cite-text`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Mapping

from livingreview.citing.styles import STYLES, Formatted

H2 = re.compile(r'<h2 id="(?P<id>[^"]+)"(?P<attrs>[^>]*)>(?P<inner>.*?)</h2>', re.DOTALL)
# A closing-quote icon drawn inline (no request, no icon font).
QUOTE_ICON = ('<svg class="cite-copy__icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24">'
              '<path d="M14 17h3l2-4V7h-6v6h3M6 17h3l2-4V7H5v6h3z"/></svg>')


@dataclass(frozen=True)
class SectionCitation:
    anchor: str
    title: str
    text: str  # plain text copied to the clipboard


def section_button(section: SectionCitation) -> str:
    label = f"Copy a citation of the section \u201c{section.title}\u201d"
    return (f'<button type="button" class="cite-copy cite-copy--section" '
            f'data-cite-target="{html.escape(section.anchor)}" data-cite-text="{html.escape(section.text)}" '
            f'aria-label="{html.escape(label)}" title="Copy a citation of this section">{QUOTE_ICON}</button>')


def add_section_buttons(content: str, sections: Mapping[str, SectionCitation]) -> str:
    """Append a copy button inside each `<h2 id=...>` that has a citation (others are left alone)."""
    def insert(match: re.Match[str]) -> str:
        section = sections.get(html.unescape(match["id"]))
        if section is None or "cite-copy" in match["inner"]:
            return match[0]
        return f'<h2 id="{match["id"]}"{match["attrs"]}>{match["inner"]}{section_button(section)}</h2>'

    return H2.sub(insert, content)


def copy_button(target: str, label: str) -> str:
    return (f'<button type="button" class="cite-copy cite-copy--box" data-cite-target="{html.escape(target)}" '
            f'aria-label="Copy the {html.escape(label)}">Copy</button>')


def review_block(formatted: Mapping[str, Formatted], bibtex: str, downloads: list[dict[str, str]]) -> str:
    """The whole review's citation (for docs/how-to-cite.md's placeholder), with copy buttons and downloads."""
    parts = ['<div id="cite-the-review" class="cite-box cite-box--review">']
    for style, (label, _) in STYLES.items():
        target = f"cite-review-{style}"
        parts.append(f'<p class="cite-box__label"><strong>{html.escape(label)}</strong></p>'
                     f'<p id="{target}" class="cite-box__text">{formatted[style].html}</p>'
                     + copy_button(target, f"{label} citation of the review"))
    parts.append('<p class="cite-box__label"><strong>BibTeX</strong></p>'
                 f'<pre id="cite-review-bibtex" class="cite-box__bibtex">{html.escape(bibtex)}</pre>'
                 + copy_button("cite-review-bibtex", "BibTeX entry of the review"))
    links = " ".join(
        f'<a class="cite-download" href="{html.escape(d["href"])}" download="{html.escape(d["filename"])}" '
        f'type="{d["media_type"]}" data-cite-format="{d["ext"]}">{d["label"]} (.{d["ext"]})</a>'
        for d in downloads)
    parts.append(f'<p class="cite-box__downloads">Download the review\'s record: {links}</p></div>')
    return "\n".join(parts)
