"""The light/dark toggle switches the colour scheme, and the choice survives a reload and
a move to another page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCHEMES = {"default": "light", "slate": "dark"}


def scheme(page) -> str:
    return page.get_attribute("body", "data-md-color-scheme")


def toggle(page) -> None:
    """Click the palette button the reader sees (Material hides the other one)."""
    button = page.locator("form[data-md-component=palette] label:visible")
    expect(button).to_have_count(1)
    button.click()


def test_toggle_switches_scheme_and_persists(page):
    page.goto("sites/lung/", wait_until="networkidle")
    assert scheme(page) == "default", "a reader whose system prefers light should start in the light scheme"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    toggle(page)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background, "colours did not change"

    page.reload(wait_until="networkidle")
    assert scheme(page) == "slate", "the dark choice was lost on reload"
    page.goto("technologies/radiomics/", wait_until="networkidle")
    assert scheme(page) == "slate", "the dark choice was lost on another page"

    toggle(page)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    page.reload(wait_until="networkidle")
    assert scheme(page) == "default", "the light choice was lost on reload"


def test_dark_system_preference_starts_dark(new_context):
    page = new_context(color_scheme="dark").new_page()
    page.goto("", wait_until="networkidle")
    assert scheme(page) == "slate"
