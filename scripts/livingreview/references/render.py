"""What readers see of the bibliography: status badges, reference lists, the annotated bibliography."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

from livingreview.references.bibliography import Entry, doi_url
from livingreview.references.facets import SITE_GROUPS, TECH_GROUPS  # groups, in page order
from livingreview.core.html_slots import HtmlSlots
from livingreview.references.names import family_name, split_authors
from livingreview.references.verification import STATUSES, is_checked, status_of

FOOTNOTE_DEF = re.compile(r"^\[\^(?P<key>[^\]\s]+)\]: (?P<text>.*)$\n?", re.MULTILINE)
NOCASE = re.compile(r"\[([^\[\]]*)\]\{\.nocase\}")


def clean_reference_text(text: str) -> str:
    """Remove pandoc span markup that would reach the page as literal text.

    With the AMA CSL, pandoc 3 wraps author lists ending in "and others" as
    ``[Doe J, et al.]{.nocase}``; Python-Markdown does not know that syntax.
    """
    return NOCASE.sub(r"\1", text)


def status_badge(entry: Entry | None) -> str:
    status = status_of(entry.fields) if entry else None
    if status is None:
        return '<span class="ref-status ref-status--missing">Status missing</span>'
    title = html.escape(status.meaning + (" Source: " + entry.get("verification_source") if entry.get("verification_source") else ""), quote=True)
    return (f'<span class="ref-status ref-status--{status.id}" title="{title}">'
            f"{html.escape(status.label)}</span>")


REFERENCE_SLOT = re.compile(r"<!--livingreview-reference:(?P<key>[^\s>]+)-->")

# Markdown that opens a block at the start of a line (heading, list, quote, rule, link definition),
# and that a backslash escapes.
BLOCK_MARKER = re.compile(r"^(\d+)?([#>*+\[-]|(?<=\d)[.)])")


def reference_html(text: str, to_html: Callable[[str], str]) -> str:
    """A formatted reference as the inside of one paragraph, however it begins.

    A reference text is one line of Markdown from pandoc. One that opens with
    block syntax ("1000 Genomes..." as "1000. Genomes", a "#") would become a
    list or heading in a footnote; its first marker is escaped, and a text that
    still is not one paragraph is shown as plain text.
    """
    text = clean_reference_text(text)
    inner = paragraph_content(to_html(text))
    if inner is None:
        inner = paragraph_content(to_html(BLOCK_MARKER.sub(r"\1\\\2", text, count=1)))
    return inner if inner is not None else html.escape(text)


def footnote_html(text: str, entry: Entry | None, to_html: Callable[[str], str]) -> str:
    """A reference footnote's content: the reference and its status badge."""
    return f"{reference_html(text, to_html)} {status_badge(entry)}"


def take_footnotes(markdown: str, entries: dict[str, Entry], keep_slots: bool = True) -> tuple[str, dict[str, str]]:
    """Reference footnotes taken out of the page's Markdown, and the text of each by key.

    mkdocs-bibtex writes each reference as a footnote definition `[^key]: text`.
    With `keep_slots`, the text becomes a slot comment that `fill_footnotes` fills
    with HTML after the page's conversion, so Markdown never parses every
    reference of every page; without, the definition goes (the annotated
    bibliography's full list, shown as its own entries). Other footnotes stay.
    """
    texts: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        key, text = match["key"], match["text"]
        if key not in entries:
            return match[0]
        texts[key] = text
        return f"[^{key}]: <!--livingreview-reference:{key}-->\n" if keep_slots else ""

    return FOOTNOTE_DEF.sub(take, markdown), texts


def fill_footnotes(page_html: str, filled: dict[str, str]) -> str:
    """Put each reference's HTML (`footnote_html`) into its footnote's slot (see `decorate_footnotes`)."""
    if not filled:
        return page_html
    return REFERENCE_SLOT.sub(lambda m: filled.get(m["key"], m[0]), page_html)


UNCHECKED_GROUP = ("not-checked", "Not checked: never evidence")


def group_entries(entries: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
    """(anchor, heading, entries) for each non-empty group, an entry in every group it belongs to; records that
    are not checked go apart, into a last group of their own (they are never evidence)."""
    checked = [e for e in entries if is_checked(e.fields)]
    groups = []
    for keyword, heading in {**SITE_GROUPS, **TECH_GROUPS}.items():
        members = [e for e in checked if keyword in e.keywords]
        if members:
            groups.append((keyword.replace(":", "-"), heading, members))
    grouped = {e.key for _, _, members in groups for e in members}
    rest = [e for e in checked if e.key not in grouped]
    if rest:
        groups.append(("general", "General and methods", rest))
    unchecked = [e for e in entries if not is_checked(e.fields)]
    if unchecked:
        groups.append((*UNCHECKED_GROUP, unchecked))
    return groups


@dataclass(frozen=True)
class AnnotatedBibliography:
    """The references page: Markdown for its summary and group headings, HTML for its entries.

    `markdown` replaces the page's marker (so the table of contents and
    permalinks come from MkDocs); `fill` puts each group's entries, as HTML,
    under its heading once the reference texts are formatted. 3,000 entries as
    Markdown cost 3.5 s to convert.
    """

    markdown: str
    groups: tuple[tuple[str, list[Entry]], ...]  # (slot name, members), in page order
    anchors: frozenset[str]  # the entries' ids, for MkDocs' anchor validation of links to them

    def fill(self, page_html: str, formatted: Callable[[str], str], to_html: Callable[[str], str]) -> str:
        """The converted page with every group's entries in place (`formatted(key)`: the reference text)."""
        slots = HtmlSlots()
        shown: set[str] = set()
        for name, members in self.groups:
            slots.add(name, _group_html(members, shown, formatted, to_html))
        return slots.fill(page_html)

    def markdown_texts(self, formatted: Callable[[str], str]) -> list[str]:
        """The texts `fill` converts with to_html, in its order: each entry's reference, annotation and
        verification source (for converting them ahead; a text missed here is converted in place)."""
        texts: list[str] = []
        entries = {e.key: e for _, members in self.groups for e in members}  # each once, in page order
        for entry in entries.values():
            texts.append(clean_reference_text(formatted(entry.key)))
            if entry.get("annote"):
                texts.append(entry.get("annote"))
            if entry.get("verification_source"):
                texts.append(html.escape(entry.get("verification_source")))
        return texts


def annotated_anchor_ids(entries: list[Entry]) -> set[str]:
    """The ids the annotated bibliography adds to its page: a heading per group, an anchor per entry."""
    return {anchor for anchor, _, _ in group_entries(entries)} | {f"ref-{e.key}" for e in entries}


def annotated_bibliography(entries: list[Entry]) -> AnnotatedBibliography:
    """Every entry once in full, grouped, with cross-links ("See ... above") where it appears again."""
    entries = sorted(entries, key=lambda e: (e.get("author") or e.get("title")).lower())
    counts = {s: sum(1 for e in entries if e.get("verification") == s) for s in STATUSES}
    lines = [
        "Entries by verification status: "
        + ", ".join(f"{STATUSES[s].label.lower()} {n}" for s, n in counts.items() if n)
        + f" (of {len(entries)}).",
        "",
    ]
    groups = []
    for anchor, heading, members in group_entries(entries):
        name = f"annotated bibliography {anchor}"
        groups.append((name, members))
        lines += [f"## {heading} {{#{anchor}}}", "", HtmlSlots.slot(name), ""]
    # Every entry is in some group, so each is shown in full once.
    return AnnotatedBibliography("\n".join(lines), tuple(groups), frozenset(f"ref-{e.key}" for e in entries))


def _group_html(members: list[Entry], shown: set[str], formatted: Callable[[str], str],
                to_html: Callable[[str], str]) -> str:
    """A group's entries: in full the first time (added to `shown`), else a "See ... above" list item."""
    parts: list[str] = []
    see_above: list[str] = []
    for entry in members:
        if entry.key in shown:
            see_above.append(f'<li>See <a href="#ref-{entry.key}">{short_label(entry)}</a> above.</li>')
            continue
        if see_above:
            parts.append("<ul>\n" + "\n".join(see_above) + "\n</ul>")
            see_above = []
        shown.add(entry.key)
        parts.append(_full_entry(entry, formatted(entry.key), to_html))
    if see_above:
        parts.append("<ul>\n" + "\n".join(see_above) + "\n</ul>")
    return "\n".join(parts)


def short_label(entry: Entry) -> str:
    """First author's family name (or the title) and year, e.g. "Dearnaley 2016", "van Hagen 2012"."""
    authors = split_authors(entry.get("author"))
    first = family_name(authors[0]) if authors else entry.get("title").replace("{", "").replace("}", "")[:40]
    return html.escape(f"{first} {entry.get('year')}".strip())


def paragraph_content(converted: str) -> str | None:
    """What is inside the `<p>` of HTML that is exactly one paragraph; None for anything else."""
    inner = converted[3:-4]
    return inner if converted.startswith("<p>") and converted.endswith("</p>") and "<p>" not in inner else None


def _full_entry(entry: Entry, text: str, to_html: Callable[[str], str]) -> str:
    # The badge closes the reference's paragraph, as it does in the pages' footnotes.
    reference = f"<p>{footnote_html(text, entry, to_html)}</p>"
    out = [f'<div class="annotated-entry" id="ref-{html.escape(entry.key, quote=True)}">', reference]
    if entry.get("annote"):
        out.append(to_html(entry.get("annote")))
    details = [f"Key: <code>{html.escape(entry.key)}</code>"]
    doi = doi_url(entry.get("doi"))
    if doi and doi not in text:
        details.append(f'<a href="{html.escape(doi, quote=True)}">doi:{html.escape(entry.get("doi"))}</a>')
    if entry.get("verification_source"):
        source = to_html(html.escape(entry.get("verification_source")))
        details.append("Verification: " + (paragraph_content(source) or source))
    if entry.get("verification_date"):
        details.append("checked " + html.escape(entry.get("verification_date")))
    out += ['<div class="annotated-entry__meta">', f"<p>{' · '.join(details)}</p>", "</div>", "</div>"]
    return "\n".join(out)
