"""axe-core finds no serious or critical violation, in the light scheme on every page and in
the dark scheme on a sample. Material's defaults fail two rules, fixed by the theme overrides:
the search dialog's name (overrides/partials/search.html) and contrast of the tabs, footer
and links in running text (docs/stylesheets/accessibility.css)."""

from __future__ import annotations

import pytest

from .conftest import NAV_PAGES, PRINT_PAGE, page_id, serious_violations

pytestmark = pytest.mark.browser

# The dark scheme changes colours only: one page of each template and the generated pages.
DARK_SAMPLE = ["", "sites/lung/", "technologies/proton-therapy/", "references/", "evidence-map/", "glossary/"]


@pytest.mark.parametrize("url", NAV_PAGES + [PRINT_PAGE], ids=page_id)
def test_no_serious_axe_violation_light(visits, url):
    violations = visits[url].axe_violations
    assert not violations, f"/{url}: {len(violations)} serious/critical axe violation(s):\n" + "\n".join(violations)


@pytest.mark.parametrize("url", DARK_SAMPLE, ids=page_id)
def test_no_serious_axe_violation_dark(new_context, url):
    assert url in NAV_PAGES, f"/{url} is no longer in the nav: update DARK_SAMPLE"
    page = new_context(color_scheme="dark").new_page()
    page.goto(url, wait_until="networkidle")
    scheme = page.get_attribute("body", "data-md-color-scheme")
    assert scheme == "slate", f"/{url}: the dark scheme did not apply (data-md-color-scheme={scheme!r})"
    violations = serious_violations(page)
    assert not violations, f"/{url} (dark): {len(violations)} serious/critical violation(s):\n" + "\n".join(violations)


def test_search_dialog_open_has_no_serious_violation(page):
    """With the search dialog open and results shown (docs/javascripts/search.js over Pagefind)."""
    page.goto("", wait_until="networkidle")
    page.locator("button.lr-search-open").click()
    page.locator(".lr-search__input").press_sequentially("proton", delay=20)
    page.locator("ol.lr-search__results li").first.wait_for()
    violations = serious_violations(page)
    assert not violations, "search open: " + "\n".join(violations)
