"""Every page, loaded as a first-time reader would: it opens, logs no error, fetches nothing
from elsewhere, and stays within its weight budget."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .conftest import NAV_PAGES, PRINT_PAGE, page_id, same_origin

pytestmark = pytest.mark.browser

ALL_PAGES = NAV_PAGES + [PRINT_PAGE]

KB = 1000
# Bytes as transferred (gzip, as GitHub Pages serves text), every response of a first
# visit with an empty cache: HTML, CSS, JavaScript, the search worker and index, images.
# Today every page shares ~125 KB of theme assets and search index; a content page adds
# 8-25 KB of HTML. The home page gets the 350 KB it was promised. Content pages get the
# same: readers arrive on them from search engines, so each is someone's first page, and
# 350 KB leaves room for the search index to grow with the review about 4-fold. The whole
# review on one page (print view) carries every page's HTML, so it gets 600 KB.
BUDGETS = {"": 350 * KB, PRINT_PAGE: 600 * KB}
DEFAULT_BUDGET = 350 * KB


@pytest.mark.parametrize("url", NAV_PAGES, ids=page_id)
def test_nav_entry_opens_its_page(visits, url):
    """HTTP 200, a title, and a first heading."""
    visit = visits[url]
    assert visit.status == 200, f"/{url}: HTTP {visit.status}"
    assert visit.title.strip(), f"/{url}: empty <title>"
    assert visit.h1, f"/{url}: no <h1> in the article"


def test_rendered_navigation_lists_every_nav_page(page, site_url):
    """The navigation readers see links exactly the pages listed in mkdocs.yml's nav."""
    page.goto("")
    hrefs = page.eval_on_selector_all("nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)")
    shown = {urlsplit(href).path.lstrip("/") for href in hrefs if same_origin(href, site_url) and "#" not in href}
    assert shown == set(NAV_PAGES), (
        f"in the nav but not in mkdocs.yml: {sorted(shown - set(NAV_PAGES))}; "
        f"in mkdocs.yml but not shown: {sorted(set(NAV_PAGES) - shown)}"
    )


@pytest.mark.parametrize("url", ALL_PAGES, ids=page_id)
def test_page_logs_no_console_error(visits, url):
    visit = visits[url]
    assert not visit.page_errors, f"/{url}: uncaught JavaScript errors: {visit.page_errors}"
    assert not visit.console_errors, f"/{url}: console errors: {visit.console_errors}"


@pytest.mark.parametrize("url", ALL_PAGES, ids=page_id)
def test_page_has_no_failed_request(visits, url):
    assert not visits[url].failed_requests, f"/{url}: failed requests: {visits[url].failed_requests}"


def test_no_request_leaves_the_site(visits, site_url):
    """No web fonts, CDN scripts, analytics or API calls: every request stays on the site's origin."""
    leaks = sorted(
        f"/{visit.url} -> {request}"
        for visit in visits.values() for request in visit.requests
        if not same_origin(request, site_url) and not request.startswith(("data:", "blob:"))
    )
    assert not leaks, "requests to other origins:\n" + "\n".join(leaks)


@pytest.mark.parametrize("url", ALL_PAGES, ids=page_id)
def test_page_weight_within_budget(visits, url):
    visit = visits[url]
    budget = BUDGETS.get(url, DEFAULT_BUDGET)
    assert visit.transferred, f"/{url}: no response recorded"
    heaviest = sorted(visit.transferred.items(), key=lambda item: -item[1])[:5]
    detail = ", ".join(f"{urlsplit(u).path} {n / KB:.0f} KB" for u, n in heaviest)
    assert visit.total_bytes <= budget, (
        f"/{url}: {visit.total_bytes / KB:.0f} KB transferred, budget {budget / KB:.0f} KB (heaviest: {detail})"
    )
