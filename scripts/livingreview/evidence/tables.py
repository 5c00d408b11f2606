"""A topic page's "Key studies": the studies the page cites that carry its facet, as a timeline and a
table made from bib/studies.yaml at build time (never written by hand).

The marker `<!-- key-studies -->` on the page is replaced by a `## Key studies` heading and one raw
HTML block: the timeline (evidence/timeline.py), then the table. Each row is `tr#study-<key>`; its
first cell links to the reference in the page's own list (`#fn:<key>`) and to the annotated
bibliography's entry. On a phone each row reads as a card (docs/stylesheets/evidence.css); with
script the columns sort (docs/javascripts/tables.js).

Stable selectors: section.key-studies, table.key-studies__table, tr.key-studies__row#study-<key>,
td[data-label], a.key-studies__reference, a.key-studies__annotated, a.key-studies__download.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from livingreview.core.markers import KEY_STUDIES
from livingreview.evidence.schema import DESIGNS, NO_PATIENTS
from livingreview.evidence.studies import Study
from livingreview.evidence.timeline import timeline_svg
from livingreview.references.bibliography import Entry
from livingreview.references.verification import is_checked
from livingreview.references.facets import VOCABULARY

MARKER = KEY_STUDIES
HEADING_ID = "key-studies"
COLUMNS = ("Study", "Year", "Design", "Patients", "Population", "Comparison", "Primary endpoint", "Main result",
           "Follow-up")


def page_studies(facet: str | None, cited: Iterable[str], studies: dict[str, Study], entries: dict[str, Entry]) \
        -> list[tuple[Study, Entry]]:
    """The studies a page covering `facet` shows: cited there, checked, carrying the facet; by year."""
    shown = [(studies[key], entries[key]) for key in dict.fromkeys(cited)
             if key in studies and key in entries and is_checked(entries[key].fields)
             and (facet is None or facet in entries[key].keywords)]
    return sorted(shown, key=lambda pair: (_year(pair[1]), pair[0].name))


def _year(entry: Entry) -> int:
    digits = entry.get("year")[:4]
    return int(digits) if digits.isdigit() else 0


def anchor_ids(shown: list[tuple[Study, Entry]]) -> set[str]:
    """The ids the key-studies part adds to its page."""
    return {HEADING_ID, "study-timeline", "study-timeline-title", "study-timeline-desc", "key-studies-caption"} | \
        {f"study-{study.key}" for study, _ in shown}


def key_studies_markdown(facet: str | None, shown: list[tuple[Study, Entry]], references_url: str,
                         data_url: str) -> str:
    """The Markdown that replaces the marker: heading, then the timeline and table as one raw HTML block.

    references_url: the annotated bibliography's URL relative to this page's URL; data_url: the dataset
    folder's URL, likewise.
    """
    topic = VOCABULARY.get(facet, "this topic").lower() if facet else "this topic"
    lines = [f"## Key studies {{#{HEADING_ID}}}", ""]
    if not shown:
        lines += [f"<p>No study record yet for the checked studies this page cites on {html.escape(topic)}.</p>", ""]
        return "\n".join(lines)
    block = ['<section class="key-studies">',
             timeline_svg([(study, _year(entry)) for study, entry in shown]),
             table_html(shown, references_url, data_url, topic),
             "</section>"]
    return "\n".join(lines + ["\n".join(block), ""])


def table_html(shown: list[tuple[Study, Entry]], references_url: str, data_url: str, topic: str) -> str:
    caption = (f"Key studies on {html.escape(topic)} cited on this page: design, patients, comparison and main "
               f"result as each paper reports them. All studies of the review: "
               f'<a class="key-studies__download" href="{data_url}studies.csv" download>CSV</a>, '
               f'<a class="key-studies__download" href="{data_url}studies.json" download>JSON</a>.')
    head = "".join(f'<th scope="col">{name}</th>' for name in COLUMNS)
    rows = [_row(study, entry, references_url) for study, entry in shown]
    return "\n".join([
        '<div class="key-studies__scroll" role="region" aria-labelledby="key-studies-caption" tabindex="0">',
        '<table class="key-studies__table">',
        f'<caption id="key-studies-caption">{caption}</caption>',
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>", *rows, "</tbody>",
        "</table>",
        "</div>",
    ])


def _cell(label: str, text: str, sort: str | int | None = None) -> str:
    sort_attr = f' data-sort="{html.escape(str(sort), quote=True)}"' if sort is not None else ""
    return f'<td data-label="{label}"{sort_attr}>{text}</td>'


def _row(study: Study, entry: Entry, references_url: str) -> str:
    key = html.escape(study.key, quote=True)
    name = (f'<th scope="row" data-label="Study" data-sort="{html.escape(study.name, quote=True)}">'
            f'<span class="key-studies__name">{html.escape(study.name)}</span> '
            f'<a class="key-studies__reference" href="#fn:{key}" title="The reference in this page\'s list">'
            f"reference</a> · "
            f'<a class="key-studies__annotated" href="{references_url}#ref-{key}" '
            f'title="The annotated entry, with its verification">annotated entry</a></th>')
    comparison = html.escape(study.intervention)
    if study.comparator:
        comparison += f" <em>versus</em> {html.escape(study.comparator)}"
    elif study.design not in NO_PATIENTS:
        comparison += " (single arm)"
    patients = f"{study.patients:,}" if study.patients else "—"
    return "".join([
        f'<tr class="key-studies__row" id="study-{key}">', name,
        _cell("Year", html.escape(entry.get("year")), _year(entry)),
        _cell("Design", html.escape(study.design_label), list(DESIGNS).index(study.design)),
        _cell("Patients", patients, study.patients or 0),
        _cell("Population", html.escape(study.population)),
        _cell("Comparison", comparison),
        _cell("Primary endpoint", html.escape(study.primary_endpoint)),
        _cell("Main result", html.escape(study.result)),
        _cell("Follow-up", html.escape(study.follow_up or "—")),
        "</tr>",
    ])

