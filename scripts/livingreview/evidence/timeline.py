"""A page's key studies as a timeline: year across, design down, each marker sized by the patients
analysed and linking to the study's row of the table below it. Inline SVG made at build time: no
charting script, nothing fetched; colours come from the theme's variables (light and dark) through
classes styled in docs/stylesheets/evidence.css.

Stable selectors: figure.study-timeline, svg.study-timeline__svg (title, desc), a.study-timeline__link
(href #study-<key>), circle.study-timeline__marker[data-key][data-patients], rect.study-timeline__guideline.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict

from livingreview.evidence.schema import DESIGNS
from livingreview.evidence.studies import Study

WIDTH, LEFT, RIGHT, TOP, ROW, BOTTOM = 720, 150, 20, 14, 34, 30
SMALLEST, LARGEST = 4.0, 15.0  # marker radius for the fewest and the most patients on the page


def _ticks(first: int, last: int) -> list[int]:
    span = last - first
    step = next(s for s in (1, 2, 5, 10, 20) if span / s <= 8)
    return list(range(first - first % step + (step if first % step else 0), last + 1, step))


def timeline_svg(studies: list[tuple[Study, int]], figure_id: str = "study-timeline") -> str:
    """The figure for (study, publication year) pairs; '' when there is nothing to draw."""
    if not studies:
        return ""
    designs = [d for d in DESIGNS if any(s.design == d for s, _ in studies)]
    years = [year for _, year in studies]
    first, last = min(years) - 1, max(years) + 1
    height = TOP + ROW * len(designs) + BOTTOM
    plot = WIDTH - LEFT - RIGHT

    def x_of(year: float) -> float:
        return LEFT + (year - first) / (last - first) * plot

    counted = [s.patients for s, _ in studies if s.patients]
    most = max(counted, default=1)
    placed: Counter[tuple[str, int]] = Counter()
    total: Counter[tuple[str, int]] = Counter((s.design, y) for s, y in studies)
    title_id, desc_id = f"{figure_id}-title", f"{figure_id}-desc"
    parts = [f'<svg class="study-timeline__svg" viewBox="0 0 {WIDTH} {height}" aria-labelledby="{title_id} {desc_id}"'
             ' xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{title_id}">Key studies by year and design</title>',
             f'<desc id="{desc_id}">{html.escape(describe(studies))}</desc>']
    for row, design in enumerate(designs):
        y = TOP + ROW * row + ROW / 2
        parts.append(f'<line class="study-timeline__row" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="study-timeline__label" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{html.escape(DESIGNS[design])}</text>")
    axis = TOP + ROW * len(designs)
    for year in _ticks(first, last):
        parts.append(f'<text class="study-timeline__year" x="{x_of(year):.1f}" y="{axis + 18}" '
                     f'text-anchor="middle">{year}</text>')
    # Largest first, so that small markers stay on top and clickable.
    for study, year in sorted(studies, key=lambda pair: -(pair[0].patients or 0)):
        row = designs.index(study.design)
        spot = (study.design, year)
        nudge = (placed[spot] - (total[spot] - 1) / 2) * 7  # studies of the same year and design side by side
        placed[spot] += 1
        cx, cy = x_of(year) + nudge, TOP + ROW * row + ROW / 2
        label = f"{study.name}, {year}, {DESIGNS[study.design]}" + (
            f", {study.patients:,} patients" if study.patients else "")
        parts.append(f'<a class="study-timeline__link" href="#study-{html.escape(study.key, quote=True)}" '
                     f'aria-label="{html.escape(label, quote=True)}"><title>{html.escape(label)}</title>')
        if study.patients:
            radius = SMALLEST + (LARGEST - SMALLEST) * math.sqrt(study.patients / most)
            parts.append(f'<circle class="study-timeline__marker" data-key="{study.key}" '
                         f'data-patients="{study.patients}" cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}"/>')
        else:  # a guideline: no patients of its own
            parts.append(f'<rect class="study-timeline__guideline" data-key="{study.key}" x="{cx - 5:.1f}" '
                         f'y="{cy - 5:.1f}" width="10" height="10" transform="rotate(45 {cx:.1f} {cy:.1f})"/>')
        parts.append("</a>")
    parts.append("</svg>")
    caption = ("Each marker is one study, placed by publication year and design, its area proportional to the "
               "patients analysed (diamonds: guidelines). Select a marker to reach its row in the table.")
    return "\n".join([f'<figure class="study-timeline" id="{figure_id}">', *parts,
                      f"<figcaption>{caption}</figcaption>", "</figure>"])


def describe(studies: list[tuple[Study, int]]) -> str:
    """The text alternative: how many studies of which designs, over which years, the largest."""
    by_design: dict[str, int] = defaultdict(int)
    for study, _ in studies:
        by_design[study.design] += 1
    years = [year for _, year in studies]
    kinds = "; ".join(f"{DESIGNS[d]}, {n}" for d, n in
                      sorted(by_design.items(), key=lambda kv: list(DESIGNS).index(kv[0])))
    largest = max((s for s, _ in studies if s.patients), key=lambda s: s.patients or 0, default=None)
    text = f"{len(studies)} studies published from {min(years)} to {max(years)}, by design: {kinds}."
    if largest is not None:
        text += f" The largest, {largest.name}, analysed {largest.patients:,} patients."
    return text + " The table after the figure lists every study with its results."
