"""Keep citation-like text in code away from mkdocs-bibtex.

mkdocs-bibtex 4.4.0 replaces every `[@key]` in a page's Markdown, including
those inside inline code and fenced blocks, which should stay literal text.
`protect` swaps each "@" in code for a sentinel before the plugin runs;
`restore` puts them back after it, before Markdown becomes HTML.
"""

from __future__ import annotations

from livingreview.core.markdown_text import mask_code

# Invisible separators around a tag: nothing an author types, nothing a citation regex matches.
SENTINEL = "\u2063lr-at\u2063"


def protect(markdown: str) -> str:
    masked, _ = mask_code(markdown)
    if "@" not in markdown or masked == markdown:
        return markdown
    return "".join(
        SENTINEL if char == "@" and masked[i] != "@" else char for i, char in enumerate(markdown)
    )


def restore(markdown: str) -> str:
    return markdown.replace(SENTINEL, "@")
