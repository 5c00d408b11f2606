"""Generated HTML that skips the page's Markdown: a comment in the Markdown, the HTML put there after conversion.

Long generated lists (3,000 annotated entries, the evidence map's entries per
cell) cost seconds as Markdown and gain nothing from it. The generator writes
headings and prose as Markdown (table of contents, permalinks, link checks)
and, where a list goes, a slot: an HTML comment on its own line, which
Python-Markdown passes through unchanged. A hook's on_page_content calls
`fill` with the converted page.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HtmlSlots:
    blocks: dict[str, str] = field(default_factory=dict)  # slot comment -> its HTML

    def add(self, name: str, block: str) -> str:
        """Keep `block` under `name`; returns the line to write in the Markdown, blank lines around it."""
        slot = f"<!-- livingreview-slot: {name} -->"
        if slot in self.blocks:
            raise ValueError(f"two slots named {name!r}")
        self.blocks[slot] = block
        return slot

    def fill(self, page_html: str) -> str:
        for slot, block in self.blocks.items():
            if slot not in page_html:
                raise ValueError(f"{slot} is missing from the converted page (inside a code block or list?)")
            page_html = page_html.replace(slot, block, 1)
        return page_html
