"""What readers see of the bibliography: status badges, reference lists, the annotated bibliography."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

from livingreview.bibliography import Entry, doi_url
from livingreview.facets import SITE_GROUPS, TECH_GROUPS  # groups, in page order
from livingreview.formatting import clean_reference_text
from livingreview.html_slots import HtmlSlots
from livingreview.verification import STATUSES, status_of

FOOTNOTE_DEF = re.compile(r"^\[\^(?P<key>[^\]\s]+)\]: (?P<text>.*)$", re.MULTILINE)


def status_badge(entry: Entry | None) -> str:
    status = status_of(entry.fields) if entry else None
    if status is None:
        return '<span class="ref-status ref-status--missing">Status missing</span>'
    title = html.escape(status.meaning + (" Source: " + entry.get("verification_source") if entry.get("verification_source") else ""), quote=True)
    return (f'<span class="ref-status ref-status--{status.id}" title="{title}">'
            f"{html.escape(status.label)}</span>")


REFERENCE_SLOT = re.compile(r"<!--livingreview-reference:(?P<key>[^\s>]+)-->")


def decorate_footnotes(markdown: str, entries: dict[str, Entry],
                       to_html: Callable[[str], str]) -> tuple[str, dict[str, str]]:
    """Reference footnotes with pandoc leftovers cleaned and a status badge, as HTML filled in later.

    Each reference footnote's text becomes a slot comment, and its HTML (text
    and badge) is returned by key for `fill_footnotes`: Markdown then only
    sees a comment, instead of parsing every reference of every page (and
    its badge) inline. A text that is not a single paragraph stays Markdown.
    """
    filled: dict[str, str] = {}

    def decorate(match: re.Match[str]) -> str:
        key = match["key"]
        if key not in entries:
            return match[0]
        text = clean_reference_text(match["text"])
        inner = paragraph_content(to_html(text))
        if inner is None:
            return f"[^{key}]: {text} {status_badge(entries[key])}"
        filled[key] = f"{inner} {status_badge(entries[key])}"
        return f"[^{key}]: <!--livingreview-reference:{key}-->"

    return FOOTNOTE_DEF.sub(decorate, markdown), filled


def fill_footnotes(page_html: str, filled: dict[str, str]) -> str:
    """Put each reference's HTML into its footnote (see `decorate_footnotes`)."""
    if not filled:
        return page_html
    return REFERENCE_SLOT.sub(lambda m: filled.get(m["key"], m[0]), page_html)


def group_entries(entries: list[Entry]) -> list[tuple[str, str, list[Entry]]]:
    """(anchor, heading, entries) for each non-empty group, an entry in every group it belongs to."""
    groups = []
    for keyword, heading in {**SITE_GROUPS, **TECH_GROUPS}.items():
        members = [e for e in entries if keyword in e.keywords]
        if members:
            groups.append((keyword.replace(":", "-"), heading, members))
    grouped = {e.key for _, _, members in groups for e in members}
    rest = [e for e in entries if e.key not in grouped]
    if rest:
        groups.append(("general", "General and methods", rest))
    return groups


@dataclass(frozen=True)
class AnnotatedBibliography:
    """The references page: Markdown for its summary and group headings, HTML for its entries.

    `markdown` replaces the page's marker (so the table of contents and
    permalinks come from MkDocs); `slots.fill` puts each group's entries, already
    HTML, under its heading. 3,000 entries as Markdown cost 3.5 s to convert.
    """

    markdown: str
    slots: HtmlSlots
    anchors: frozenset[str]  # the entries' ids, for MkDocs' anchor validation of links to them


def annotated_bibliography(entries: list[Entry], formatted: Callable[[str], str],
                           to_html: Callable[[str], str]) -> AnnotatedBibliography:
    """Every entry once in full, grouped, with cross-links ("See ... above") where it appears again.

    `formatted(key)` returns the entry's reference text as rendered for the
    pages (Markdown); `to_html` converts such a text, or an annotation, to HTML.
    """
    entries = sorted(entries, key=lambda e: (e.get("author") or e.get("title")).lower())
    counts = {s: sum(1 for e in entries if e.get("verification") == s) for s in STATUSES}
    lines = [
        "Entries by verification status: "
        + ", ".join(f"{STATUSES[s].label.lower()} {n}" for s, n in counts.items() if n)
        + f" (of {len(entries)}).",
        "",
    ]
    slots = HtmlSlots()
    shown: set[str] = set()
    for anchor, heading, members in group_entries(entries):
        block = _group_html(members, shown, formatted, to_html)
        lines += [f"## {heading} {{#{anchor}}}", "", slots.add(f"annotated bibliography {anchor}", block), ""]
    return AnnotatedBibliography("\n".join(lines), slots, frozenset(f"ref-{key}" for key in shown))


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
    """First author (or title) and year, e.g. "Dearnaley 2016"."""
    first = entry.get("author").split(" and ")[0].split(",")[0].strip() or entry.get("title")[:40]
    return html.escape(f"{first} {entry.get('year')}".strip())


def paragraph_content(converted: str) -> str | None:
    """What is inside the `<p>` of HTML that is exactly one paragraph; None for anything else."""
    inner = converted[3:-4]
    return inner if converted.startswith("<p>") and converted.endswith("</p>") and "<p>" not in inner else None


def _full_entry(entry: Entry, text: str, to_html: Callable[[str], str]) -> str:
    converted = to_html(clean_reference_text(text))
    inner, badge = paragraph_content(converted), status_badge(entry)
    # The badge closes the reference's paragraph, as it does in the pages' footnotes.
    reference = f"<p>{inner} {badge}</p>" if inner is not None else f"{converted}\n<p>{badge}</p>"
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
