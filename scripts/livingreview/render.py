"""What readers see of the bibliography: status badges, reference lists, the annotated bibliography."""

from __future__ import annotations

import html
import re
from typing import Callable

from livingreview.bibliography import Entry, doi_url
from livingreview.facets import SITE_GROUPS, TECH_GROUPS  # groups, in page order
from livingreview.formatting import clean_reference_text
from livingreview.verification import STATUSES, status_of

FOOTNOTE_DEF = re.compile(r"^\[\^(?P<key>[^\]\s]+)\]: (?P<text>.*)$", re.MULTILINE)


def status_badge(entry: Entry | None) -> str:
    status = status_of(entry.fields) if entry else None
    if status is None:
        return '<span class="ref-status ref-status--missing">Status missing</span>'
    title = html.escape(status.meaning + (" Source: " + entry.get("verification_source") if entry.get("verification_source") else ""), quote=True)
    return (f'<span class="ref-status ref-status--{status.id}" title="{title}">'
            f"{html.escape(status.label)}</span>")


def decorate_footnotes(markdown: str, entries: dict[str, Entry]) -> str:
    """Clean pandoc leftovers and add the status badge to each reference footnote."""

    def decorate(match: re.Match[str]) -> str:
        key = match["key"]
        if key not in entries:
            return match[0]
        return f"[^{key}]: {clean_reference_text(match['text'])} {status_badge(entries[key])}"

    return FOOTNOTE_DEF.sub(decorate, markdown)


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


def annotated_bibliography(entries: list[Entry], formatted: Callable[[str], str]) -> str:
    """Markdown for the references page: every entry once in full, grouped, with cross-links.

    `formatted(key)` returns the entry's reference text as rendered for the pages.
    """
    entries = sorted(entries, key=lambda e: (e.get("author") or e.get("title")).lower())
    counts = {s: sum(1 for e in entries if e.get("verification") == s) for s in STATUSES}
    lines = [
        "Entries by verification status: "
        + ", ".join(f"{STATUSES[s].label.lower()} {n}" for s, n in counts.items() if n)
        + f" (of {len(entries)}).",
        "",
    ]
    shown: set[str] = set()
    for anchor, heading, members in group_entries(entries):
        lines += [f"## {heading} {{#{anchor}}}", ""]
        for entry in members:
            if entry.key in shown:
                lines.append(f"- See [{short_label(entry)}](#ref-{entry.key}) above.")
                continue
            shown.add(entry.key)
            lines += _full_entry(entry, formatted(entry.key))
        lines.append("")
    return "\n".join(lines)


def short_label(entry: Entry) -> str:
    """First author (or title) and year, e.g. "Dearnaley 2016"."""
    first = entry.get("author").split(" and ")[0].split(",")[0].strip() or entry.get("title")[:40]
    return html.escape(f"{first} {entry.get('year')}".strip())


def _full_entry(entry: Entry, text: str) -> list[str]:
    doi = doi_url(entry.get("doi"))
    out = [
        f'<div class="annotated-entry" id="ref-{entry.key}" markdown>',
        "",
        f"{clean_reference_text(text)} {status_badge(entry)}",
        "",
    ]
    if entry.get("annote"):
        out += [entry.get("annote"), ""]
    details = [f"Key: `{entry.key}`"]
    if doi and doi not in text:
        details.append(f"[doi:{entry.get('doi')}]({doi})")
    if entry.get("verification_source"):
        details.append("Verification: " + html.escape(entry.get("verification_source")))
    if entry.get("verification_date"):
        details.append("checked " + entry.get("verification_date"))
    out += ['<div class="annotated-entry__meta" markdown>', "", " · ".join(details), "", "</div>", "", "</div>", ""]
    return out
