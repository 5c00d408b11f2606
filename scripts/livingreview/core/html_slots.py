"""Generated HTML that skips the page's Markdown: a comment in the Markdown, the HTML put there after conversion.

Long generated lists (3,000 annotated entries, the evidence map's entries per
cell) cost seconds as Markdown and gain nothing from it. The generator writes
headings and prose as Markdown (table of contents, permalinks, link checks)
and, where a list goes, a slot: an HTML comment on its own line, which
Python-Markdown passes through unchanged. A hook's on_page_context calls
`fill` with the converted page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SLOT = re.compile(r"<!-- livingreview-slot: .+? -->")


@dataclass
class HtmlSlots:
    blocks: dict[str, str] = field(default_factory=dict)  # slot comment -> its HTML

    @staticmethod
    def slot(name: str) -> str:
        """The slot comment for `name`, to write on a line of its own between blank lines."""
        return f"<!-- livingreview-slot: {name} -->"

    def add(self, name: str, block: str) -> str:
        """Keep `block` under `name`; returns its slot (`slot(name)`)."""
        slot = self.slot(name)
        if slot in self.blocks:
            raise ValueError(f"two slots named {name!r}")
        self.blocks[slot] = block
        return slot

    def fill(self, page_html: str) -> str:
        """Every slot replaced by its HTML, in one pass over the page."""
        filled: set[str] = set()

        def put(match: re.Match[str]) -> str:
            block = self.blocks.get(match[0])
            if block is None or match[0] in filled:
                return match[0]
            filled.add(match[0])
            return block

        page_html = SLOT.sub(put, page_html)
        missing = self.blocks.keys() - filled
        if missing:
            raise ValueError(f"{min(missing)} is missing from the converted page (inside a code block or list?)")
        return page_html
