"""The evidence map page: bibliography entries counted by cancer site x technology, and by year.

Only checked entries are counted (unverified and not-found records are listed apart, with
their mark, under "Not counted"). Everything is made from the entries' `keywords` (facets `site:` and `tech:`, the
vocabulary in livingreview.references.facets) and `year` fields, at build time, as plain
HTML and inline SVG: no chart library, nothing fetched. livingreview/build/reader.py
puts the result in place of the marker `<!-- evidence-map -->`.

Stable selectors (for browser tests; colours in docs/stylesheets/evidence-map.css):
    table.evidence-map                      the site x technology table, with <caption>
    table.evidence-map th[scope=col|row]    technology (column) and site (row) headers
    td.evidence-map__cell--level-N          a count cell, N = 0..4 by count (LEVELS)
    a.evidence-map__count                   a count's link, named by aria-label
                                            ("3 references on lung cancer and proton therapy"),
                                            pointing at #map-<site>-<tech> or #map-<site>
    h3#map-<site>, h4#map-<site>-<tech>     the per-cell lists of entries (<tech> may be "none",
                                            <site> may be "none" for entries tied to no site)
    figure.year-chart                       the chart of references by publication year
    svg.year-chart__svg[role=img]           with <title id=year-chart-title>, <desc id=year-chart-desc>
    rect.year-chart__bar[data-year][data-count]
    details.year-chart__data table          the same counts as a table (text fallback)
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from livingreview.core import markers
from livingreview.references.bibliography import Entry
from livingreview.references.facets import SITE_GROUPS, TECH_GROUPS
from livingreview.core.html_slots import HtmlSlots
from livingreview.references.render import short_label, status_badge
from livingreview.references.verification import is_checked

MARKER = markers.EVIDENCE_MAP
NOT_COUNTED = "not-counted"  # the heading over the records that are not checked
NO_SITE = ("site:none", "Not specific to one cancer site")
NO_TECH = ("tech:none", "No technology keyword")
# Shading level of a count cell: the highest level whose threshold the count reaches.
LEVELS = (0, 1, 2, 3, 5)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


@dataclass(frozen=True)
class Axis:
    keyword: str  # "site:lung", or NO_SITE / NO_TECH's keyword
    heading: str

    @property
    def slug(self) -> str:
        return self.keyword.split(":", 1)[1]

    @property
    def phrase(self) -> str:
        """The heading inside a sentence: 'Lung cancer' -> 'lung cancer', 'MRI' stays."""
        h = self.heading
        return h[0].lower() + h[1:] if len(h) > 1 and h[1].islower() else h


SITES = [Axis(k, h) for k, h in SITE_GROUPS.items()] + [Axis(*NO_SITE)]
TECHS = [Axis(k, h) for k, h in TECH_GROUPS.items()] + [Axis(*NO_TECH)]


def _on_axis(entry: Entry, axis: Axis, facet_keywords: dict[str, str]) -> bool:
    if axis.slug == "none":
        return not any(k in facet_keywords for k in entry.keywords)
    return axis.keyword in entry.keywords


def cells(entries: list[Entry]) -> dict[tuple[str, str], list[Entry]]:
    """(site slug, tech slug) -> entries tagged with both; 'none' for an entry without that facet."""
    out: dict[tuple[str, str], list[Entry]] = {(s.slug, t.slug): [] for s in SITES for t in TECHS}
    for entry in entries:  # one pass: each entry into the cells of its own keywords
        sites = [s.slug for s in SITES if s.slug != "none" and _on_axis(entry, s, SITE_GROUPS)] or ["none"]
        techs = [t.slug for t in TECHS if t.slug != "none" and _on_axis(entry, t, TECH_GROUPS)] or ["none"]
        for site in sites:
            for tech in techs:
                out[(site, tech)].append(entry)
    return out


def site_entries(entries: list[Entry], site: Axis) -> list[Entry]:
    return [e for e in entries if _on_axis(e, site, SITE_GROUPS)]


def level(count: int) -> int:
    return max(i for i, threshold in enumerate(LEVELS) if count >= threshold)


def cell_id(site: str, tech: str | None = None) -> str:
    return f"map-{site}" + (f"-{tech}" if tech else "")


def count_label(count: int, site: Axis, tech: Axis | None) -> str:
    """Accessible name of a count link, e.g. '3 references on lung cancer and proton therapy'."""
    noun = "reference" if count == 1 else "references"
    if site.slug == "none":
        where = "not specific to one cancer site"
        if tech is None:
            return f"{count} {noun} {where}, in all"
        return f"{count} {noun} {where}, " + ("without a technology keyword" if tech.slug == "none"
                                               else f"on {tech.phrase}")
    if tech is None:
        return f"{count} {noun} on {site.phrase} in all"
    if tech.slug == "none":
        return f"{count} {noun} on {site.phrase} without a technology keyword"
    return f"{count} {noun} on {site.phrase} and {tech.phrase}"


def _count_cell(count: int, target: str, label: str) -> str:
    css = f"evidence-map__cell evidence-map__cell--level-{level(count)}"
    if not count:
        return f'<td class="{css}">0</td>'
    return (f'<td class="{css}"><a class="evidence-map__count" href="#{target}" '
            f'aria-label="{html.escape(label, quote=True)}">{count}</a></td>')


def map_table(entries: list[Entry], grid: dict[tuple[str, str], list[Entry]] | None = None) -> str:
    """The site x technology table as one raw HTML block (no blank line inside); `grid`: cells(entries)."""
    grid = cells(entries) if grid is None else grid
    head = ['<th scope="col">Cancer site</th>']
    # Column headings are set vertically by the stylesheet (span), so that ten columns fit.
    head += [f'<th scope="col"><span>{html.escape(t.heading)}</span></th>' for t in TECHS]
    head.append('<th scope="col"><span>All entries on the site</span></th>')
    rows = []
    for site in SITES:
        row = [f'<th scope="row">{html.escape(site.heading)}</th>']
        for tech in TECHS:
            n = len(grid[(site.slug, tech.slug)])
            row.append(_count_cell(n, cell_id(site.slug, tech.slug), count_label(n, site, tech)))
        total = len(site_entries(entries, site))
        row.append(_count_cell(total, cell_id(site.slug), count_label(total, site, None))
                   .replace("evidence-map__cell ", "evidence-map__cell evidence-map__total ", 1))
        rows.append("<tr>" + "".join(row) + "</tr>")
    return "\n".join([
        '<div class="evidence-map__scroll" role="region" aria-labelledby="evidence-map-caption" tabindex="0">',
        '<table class="evidence-map">',
        '<caption id="evidence-map-caption">Number of bibliography entries by cancer site (rows) and '
        "technology (columns), checked entries only. An entry counts in every cell it is tagged for. "
        "Each number links to the list of those entries below.</caption>",
        "<thead><tr>" + "".join(head) + "</tr></thead>",
        "<tbody>", *rows, "</tbody>",
        "</table>",
        "</div>",
    ])


def _sorted(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (publication_year(e) or 0, short_label(e), e.key))


def _markdown_text(text: str) -> str:
    """BibTeX text as literal Markdown: case-protecting braces dropped, markup characters escaped."""
    plain = html.escape(text.replace("{", "").replace("}", ""), quote=False)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


def entry_item(entry: Entry, references_url: str) -> str:
    title = _markdown_text(entry.get("title").strip())
    end = "" if title.endswith((".", "?", "!")) else "."
    return f"- [{short_label(entry)}]({references_url}#ref-{entry.key}): {title}{end}"


def cell_lists(entries: list[Entry], references_url: str, lists: dict[str, str],
               grid: dict[tuple[str, str], list[Entry]] | None = None) -> str:
    """Markdown: per site a heading, per non-empty cell a sub-heading and a slot (HtmlSlots) for its list.

    Each cell's list (Markdown, linking to `references_url`) goes into `lists`
    under its slot's name, to be converted apart from the page and put in the
    slot after the page's conversion: at 3,000 entries, converting them with
    the page took half a second. `grid`: cells(entries).
    """
    grid = cells(entries) if grid is None else grid
    lines: list[str] = []
    for site in SITES:
        members = site_entries(entries, site)
        if not members:
            continue
        lines += [f"### {site.heading} {{#{cell_id(site.slug)}}}", ""]
        for tech in TECHS:
            found = grid[(site.slug, tech.slug)]
            if not found:
                continue
            cell = cell_id(site.slug, tech.slug)
            name = f"evidence map {cell}"
            lists[name] = "\n".join(entry_item(e, references_url) for e in _sorted(found))
            lines += [f"#### {site.heading}: {tech.phrase} {{#{cell}}}", "", HtmlSlots.slot(name), ""]
    return "\n".join(lines)


# Publication years -----------------------------------------------------------

_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


def publication_year(entry: Entry) -> int | None:
    match = _YEAR.search(entry.get("year"))
    return int(match[1]) if match else None


def year_counts(entries: list[Entry]) -> tuple[dict[int, int], int]:
    """Entries per year, every year from the first to the last (zeros included), and how many lack a year."""
    years = Counter(y for y in map(publication_year, entries) if y is not None)
    undated = sum(1 for e in entries if publication_year(e) is None)
    if not years:
        return {}, undated
    return {y: years.get(y, 0) for y in range(min(years), max(years) + 1)}, undated


def _tick_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if peak / step <= 5:
            return step
    return 200


def year_chart(entries: list[Entry]) -> str:
    """A bar chart as inline SVG (role=img, title, desc) followed by the same counts as a table."""
    counts, undated = year_counts(entries)
    if not counts:
        return "<p>No entry has a publication year yet.</p>"
    dated = sum(counts.values())
    peak = max(counts.values())
    peak_years = [y for y, n in counts.items() if n == peak]
    first, last = min(counts), max(counts)
    left, top, plot_h, step, bar = 34, 18, 150, 16, 12
    width = left + step * len(counts) + 8
    height = top + plot_h + 26
    base = top + plot_h
    tick = _tick_step(peak)
    axis_top = -(-peak // tick) * tick  # peak rounded up to a whole tick
    scale = plot_h / axis_top
    title = "Bibliography entries by publication year"
    desc = (f"Bar chart of {dated} bibliography entries by publication year, one bar per year "
            f"from {first} to {last}. The most entries, {peak}, were published in "
            f"{', '.join(map(str, peak_years))}.")
    if undated:
        desc += f" {undated} {'entry has' if undated == 1 else 'entries have'} no year and are not shown."
    desc += " The table after the chart gives every year's count."
    svg = [
        f'<svg class="year-chart__svg" role="img" aria-labelledby="year-chart-title year-chart-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="year-chart-title">{html.escape(title)}</title>',
        f'<desc id="year-chart-desc">{html.escape(desc)}</desc>',
    ]
    for value in range(0, axis_top + 1, tick):
        y = base - value * scale
        svg.append(f'<line class="year-chart__grid" x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}"/>')
        svg.append(f'<text class="year-chart__axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>')
    for i, (year, n) in enumerate(counts.items()):
        x = left + i * step + (step - bar) / 2
        if n:
            h = n * scale
            svg.append(f'<rect class="year-chart__bar" data-year="{year}" data-count="{n}" '
                       f'x="{x:.1f}" y="{base - h:.1f}" width="{bar}" height="{h:.1f}"/>')
            svg.append(f'<text class="year-chart__value" x="{x + bar / 2:.1f}" y="{base - h - 4:.1f}" '
                       f'text-anchor="middle">{n}</text>')
        if len(counts) <= 12 or year % 5 == 0:
            svg.append(f'<text class="year-chart__axis" x="{x + bar / 2:.1f}" y="{base + 16}" '
                       f'text-anchor="middle">{year}</text>')
    svg.append("</svg>")
    rows = "".join(f"<tr><th scope=\"row\">{y}</th><td>{n}</td></tr>" for y, n in counts.items() if n)
    table = ('<details class="year-chart__data"><summary>The chart as a table</summary>'
             '<table class="year-chart__table"><caption>Bibliography entries by publication year '
             "(years without entries left out)</caption>"
             f'<thead><tr><th scope="col">Year</th><th scope="col">Entries</th></tr></thead>'
             f"<tbody>{rows}</tbody></table></details>")
    return "\n".join(['<figure class="year-chart">', *svg,
                      f'<figcaption>{html.escape(title)}, {first} to {last}.</figcaption>',
                      "</figure>", table])


def anchor_ids(entries: list[Entry]) -> set[str]:
    """The ids the generated part adds to its page (its headings and the per-cell lists)."""
    checked = [e for e in entries if is_checked(e.fields)]
    grid = cells(checked)
    ids = {"site-by-technology", "by-year", "entries", "evidence-map-caption", "year-chart-title", "year-chart-desc"}
    if len(checked) < len(entries):
        ids.add(NOT_COUNTED)
    for site in SITES:
        if site_entries(checked, site):
            ids.add(cell_id(site.slug))
            ids |= {cell_id(site.slug, tech.slug) for tech in TECHS if grid[(site.slug, tech.slug)]}
    return ids


def evidence_map_markdown(entries: list[Entry], references_page: str,
                          references_url: str) -> tuple[str, dict[str, str]]:
    """The whole generated part of the evidence map page, and its entry lists by slot name (cell_lists).

    `references_page` is the annotated bibliography's path relative to the page
    (a Markdown link, checked and rewritten by MkDocs); `references_url` is its
    URL relative to the page, for the lists' links.
    """
    checked = [e for e in entries if is_checked(e.fields)]
    unchecked = [e for e in entries if not is_checked(e.fields)]
    grid = cells(checked)
    lists: dict[str, str] = {}
    parts = [
        "## Cancer site by technology {#site-by-technology}",
        "",
        map_table(checked, grid),
        "",
        "## Entries by publication year {#by-year}",
        "",
        year_chart(checked),
        "",
        "## Entries behind each count {#entries}",
        "",
        "Each list links to the entry's full reference, annotation and verification "
        "status in the [annotated bibliography](" + references_page + ").",
        "",
        cell_lists(checked, references_url, lists, grid),
    ]
    if unchecked:
        name = "evidence map not counted"
        lists[name] = "\n".join(entry_item(e, references_url) + " " + status_badge(e) for e in _sorted(unchecked))
        parts += [f"## Not counted: records not checked {{#{NOT_COUNTED}}}", "",
                  f"These {len(unchecked)} records are in the bibliography but are not checked, so no count above "
                  "includes them and nothing on this site rests on them as evidence. Most are what the source "
                  "article cites; none of those could be found.", "", HtmlSlots.slot(name), ""]
    return "\n".join(parts), lists
