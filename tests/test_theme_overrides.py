"""Copies of Material partials in overrides/ differ from the installed theme's only by our fix.

When Material is upgraded and changes one of these partials, this fails: re-copy the new
version and re-apply the one change (the header comment of each override says which).
"""

from __future__ import annotations

from pathlib import Path

import material
import pytest

from livingreview.core.project import ROOT

THEME = Path(material.__file__).parent / "templates"
# override -> (text in Material's version, text in ours)
CHANGES = {
    "partials/source.html": (
        ' class="md-source" data-md-component="source">',
        ' class="md-source">',
    ),
    "partials/javascripts/outdated.html": (
        'base=new URL("{{ base_url }}")',
        'base=new URL("{{ base_url }}",location)',
    ),
}


def without_leading_comment(text: str) -> str:
    """Drop the template's first {#- ... -#} comment (Material's "generated" note, or ours)."""
    stripped = text.lstrip()
    if stripped.startswith("{#"):
        stripped = stripped[stripped.index("#}") + 2:]
    return stripped.strip()


@pytest.mark.parametrize("partial", sorted(CHANGES))
def test_override_is_material_plus_one_change(partial):
    upstream, ours = CHANGES[partial]
    theirs = without_leading_comment((THEME / partial).read_text(encoding="utf-8"))
    mine = without_leading_comment((ROOT / "overrides" / partial).read_text(encoding="utf-8"))
    assert theirs.count(upstream) == 1, f"Material's {partial} changed: re-copy it into overrides/ and re-apply the fix"
    assert mine == theirs.replace(upstream, ours), f"overrides/{partial} drifted from Material's plus the one fix"
