"""Frozen versions side by side, as mike deploys them to gh-pages: the older one shows its notice and links
to the same page in the latest version; Material's version selector lists both."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from livingreview.tools.static_server import serve_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def versions_url(release_flow):
    with serve_site(release_flow.pages) as base:
        yield base


def test_an_older_version_shows_its_notice_linking_to_the_same_page_in_latest(browser, versions_url, release_flow):
    page = browser.new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{versions_url}{release_flow.first}/sites/lung/")
    notice = page.locator("[data-md-component=outdated]")
    expect(notice).to_be_visible(timeout=10_000)
    page.reload()  # the second view takes the banner's state from sessionStorage (overrides/partials/javascripts)
    expect(notice).to_be_visible(timeout=10_000)
    assert not errors, errors
    expect(notice).to_contain_text(f"version {release_flow.first}")
    notice.locator("a.review-outdated__latest").click()
    expect(page).to_have_url(re.compile(r"/latest/sites/lung/$"))
    expect(page.locator("[data-md-component=outdated]")).to_be_hidden()
    expect(page.locator(".review-notice__version")).to_contain_text(f"Version {release_flow.second}")


def test_the_version_selector_lists_both_versions(browser, versions_url, release_flow):
    page = browser.new_context().new_page()
    page.goto(f"{versions_url}latest/sites/lung/")
    selector = page.locator(".md-version")
    expect(selector).to_be_visible(timeout=10_000)
    expect(selector.locator(".md-version__current")).to_have_text(release_flow.second)
    items = selector.locator(".md-version__link")
    expect(items).to_have_count(2)
    texts = items.evaluate_all("links => links.map(a => a.textContent.trim())")
    assert texts[:2] == [release_flow.second, release_flow.first] or set(texts) == {release_flow.second,
                                                                                   release_flow.first}


def test_an_address_without_a_version_leads_to_the_section_in_latest(browser, versions_url):
    page = browser.new_context().new_page()
    page.goto(f"{versions_url}sites/lung/#release-test")
    expect(page).to_have_url(re.compile(r"/latest/sites/lung/#release-test$"))
    expect(page.locator("h2#release-test")).to_be_attached()
