"""What a page's front matter must hold, and the fixed list of page statuses.

The one place that lists the statuses: overrides/partials/review-notice.html
shows one sentence per status and the checks keep the two in step.
AUTHORING.md documents the schema.
"""

from __future__ import annotations

import datetime
import re

import yaml

from livingreview.core.findings import Finding
from livingreview.core.markdown_text import SAFE_LOADER, FrontMatter, split_front_matter

# Status id -> what readers are told (the template words it; keep them in step).
PAGE_STATUSES: dict[str, str] = {
    "awaiting-clinical-review": "written and source-checked by contributors; no clinician has reviewed it yet",
    "draft": "incomplete; awaiting clinical review",
}
REQUIRED_KEYS = ("title", "description", "updated", "literature_searched", "status")
DATE_KEYS = ("updated", "literature_searched")
# Optional keys: ours, and the MkDocs / Material ones a page may reasonably set.
OPTIONAL_KEYS = ("authors", "facet", "pubmed_query", "hide", "search", "icon", "template")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TEMPLATE_STATUS = re.compile(r"""status\s*==\s*["'](?P<id>[^"']+)["']""")
CHECK = "front-matter"
# Characters that end an HTML attribute or open a tag where the theme copies title and description verbatim.
HTML_BREAKING = frozenset('"<>')


def iso_date(value: str) -> datetime.date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not ISO_DATE.match(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def check_front_matter(path: str, text: str, front: FrontMatter | None = None) -> list[Finding]:
    """Findings for one page's front matter (MkDocs silently ignores front matter it cannot read).

    `front` is split_front_matter(text) when the caller has it already.
    """
    front = front or split_front_matter(text)
    if front.data is None and front.error is None:
        return [Finding(path, 1, "error", "page has no front matter: start it with a '---' block holding "
                        + ", ".join(REQUIRED_KEYS), CHECK)]
    block = "\n".join(text.split("\n")[1:max(front.body_start - 1, 1)])
    node = _compose(block) if front.error is None or "never closed" not in front.error else None
    findings = _check_mapping(path, node) if isinstance(node, yaml.MappingNode) else []
    if front.error and not findings:
        findings.append(Finding(path, front.error_line, "error", front.error, CHECK))
    return findings


def _compose(block: str) -> yaml.Node | None:
    try:
        return yaml.compose(block, Loader=SAFE_LOADER)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 2  # +1 for 1-based, +1 for the opening '---'


def _check_mapping(path: str, mapping: yaml.MappingNode) -> list[Finding]:
    findings: list[Finding] = []

    def error(node: yaml.Node, message: str) -> None:
        findings.append(Finding(path, _line(node), "error", message, CHECK))

    seen: dict[str, yaml.Node] = {}
    for key_node, value in mapping.value:
        if not isinstance(key_node, yaml.ScalarNode):
            error(key_node, "front matter keys must be plain words")
            continue
        key = key_node.value
        if key in seen:
            error(key_node, f"'{key}' is given twice (the last one silently wins)")
            continue
        seen[key] = value
        if key not in REQUIRED_KEYS and key not in OPTIONAL_KEYS:
            error(key_node, f"unknown front matter key '{key}' (allowed: {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)})")
        elif key in ("title", "description"):
            if not _is_text(value):
                error(value, f"'{key}' must be non-empty text")
            elif found := sorted(set(value.value) & HTML_BREAKING):
                error(value, f"'{key}' contains {' '.join(repr(c) for c in found)}: the theme writes it unescaped "
                      "into the page's HTML (<title>, <meta content=\"...\">), where it would end the tag; "
                      "write typographic quotes (\u201c \u201d) and words instead")
        elif key in DATE_KEYS:
            if not (isinstance(value, yaml.ScalarNode) and iso_date(value.value.strip())):
                shown = value.value if isinstance(value, yaml.ScalarNode) else "a list or mapping"
                error(value, f"'{key}' must be an ISO date YYYY-MM-DD, not {shown!r}")
        elif key == "status":
            if not (isinstance(value, yaml.ScalarNode) and value.value in PAGE_STATUSES):
                shown = value.value if isinstance(value, yaml.ScalarNode) else "a list or mapping"
                error(value, f"'status' must be one of {', '.join(PAGE_STATUSES)}, not {shown!r}")
        elif key == "authors":
            if not (isinstance(value, yaml.SequenceNode) and value.value and all(_is_text(v) for v in value.value)):
                error(value, "'authors' must be a list of names")
            elif any(set(v.value) & HTML_BREAKING for v in value.value):
                error(value, "'authors' names contain '\"', '<' or '>', which would end the citation meta tags")
    missing = [k for k in REQUIRED_KEYS if k not in seen]
    if missing:
        findings.append(Finding(path, 1, "error", "front matter lacks " + ", ".join(missing), CHECK))
    return findings


def _is_text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and bool(node.value.strip())


def check_status_template(path: str, text: str) -> list[Finding]:
    """The reader notice template words each status of PAGE_STATUSES, and no other."""
    findings: list[Finding] = []
    named: set[str] = set()
    for match in TEMPLATE_STATUS.finditer(text):
        named.add(match["id"])
        if match["id"] not in PAGE_STATUSES:
            line = text.count("\n", 0, match.start()) + 1
            findings.append(Finding(path, line, "error", f"status '{match['id']}' is not in "
                                    "PAGE_STATUSES (scripts/livingreview/core/pages.py)", "status-template"))
    for status in PAGE_STATUSES:
        if status not in named:
            findings.append(Finding(path, 1, "error", f"no wording for page status '{status}' "
                                    "(add a `status == \"...\"` branch)", "status-template"))
    return findings
