"""The built site in a real browser: Debian's chromium driven by Playwright.

One strict build (tests/conftest.py's `built_site`) is served on 127.0.0.1 by
livingreview.tools.static_server (gzip like the production host, port from the OS);
one chromium runs for the whole session, and each test opens fresh contexts
(no shared cache, cookies or storage). `visits` loads every page once, in
parallel contexts, records what the page did and runs axe on it; several
tests read it.

Without /usr/bin/chromium (or $CHROME_PATH) these tests skip with a message,
except when CI=true: there a missing browser fails them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.project import ROOT
from livingreview.tools.static_server import serve_site

CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
PRINT_PAGE = "print_page/"


def page_url(source: str) -> str:
    """Site-relative URL of a docs/ page (use_directory_urls): 'sites/lung.md' -> 'sites/lung/'."""
    stem = source.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/" if stem.endswith("/index") else stem + "/"


def nav_sources() -> list[str]:
    """The pages listed in mkdocs.yml's nav, in order (read at collection time, no build needed)."""
    config = load_mkdocs_yaml(ROOT / "mkdocs.yml")
    return [item.target for item in config.nav or [] if item.target.endswith(".md")]


NAV_PAGES = [page_url(source) for source in nav_sources()]


def page_id(url: str) -> str:
    return url.strip("/") or "home"


def require_chromium() -> None:
    """Skip when the browser is missing; on CI (CI=true) fail instead."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"browser tests need Debian's chromium: none at {CHROMIUM} (apt-get install chromium, or set CHROME_PATH)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} [CI=true: a missing browser fails the run]", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def site_url(built_site) -> Iterator[str]:
    """Base URL ('http://127.0.0.1:<port>/') of the strictly built site."""
    if built_site.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{built_site.log[-3000:]}", pytrace=False)
    with serve_site(built_site.site) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, site_url) -> Iterator[Callable[..., object]]:
    """Factory of fresh browser contexts on the site (closed after the test): new_context(color_scheme="dark")."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=site_url, viewport=VIEWPORT, **options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh light-scheme context."""
    return new_context(color_scheme="light").new_page()


# What a page does while it loads ----------------------------------------------------------


@dataclass
class Visit:
    """One page loaded in a fresh context (empty cache), and everything it did."""

    url: str
    status: int | None = None
    title: str = ""
    h1: str = ""
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    transferred: dict[str, int] = field(default_factory=dict)  # URL -> body bytes as sent (Content-Length)
    axe_violations: list[str] = field(default_factory=list)  # serious and critical only

    @property
    def total_bytes(self) -> int:
        return sum(self.transferred.values())


def same_origin(url: str, base: str) -> bool:
    parts, home = urlsplit(url), urlsplit(base)
    return (parts.scheme, parts.netloc) == (home.scheme, home.netloc)


def record(context, page, visit: Visit, base: str) -> None:
    """Attach listeners that fill `visit`; requests leaving the site are recorded, then blocked."""

    def on_response(response) -> None:
        if response.status >= 400:
            visit.failed_requests.append(f"{response.url}: HTTP {response.status}")
        length = response.headers.get("content-length")
        visit.transferred[response.url] = visit.transferred.get(response.url, 0) + int(length or 0)

    context.on("request", lambda request: visit.requests.append(request.url))
    context.on("requestfailed", lambda request: visit.failed_requests.append(f"{request.url}: {request.failure}"))
    context.on("response", on_response)
    page.on("console", lambda message: message.type == "error" and visit.console_errors.append(
        f"{message.text} ({message.location.get('url', '')})"))
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    # Tests never reach the internet: anything off-site is recorded above, then aborted.
    context.route(lambda url: not same_origin(url, base) and not url.startswith(("data:", "blob:")),
                  lambda route: route.abort())


def visit_pages(browser, base: str, urls: list[str], parallel: int = 4) -> dict[str, Visit]:
    """Load each URL in its own fresh context, `parallel` at a time, until the network is idle;
    then run axe on it (one load serves every check)."""
    visits: dict[str, Visit] = {}
    for start in range(0, len(urls), parallel):
        open_pages = []
        for url in urls[start:start + parallel]:
            context = browser.new_context(base_url=base, viewport=VIEWPORT, color_scheme="light")
            page = context.new_page()
            visit = visits[url] = Visit(url)
            record(context, page, visit, base)
            response = page.goto(url, wait_until="commit")
            visit.status = response.status if response else None
            open_pages.append((context, page, visit))
        for context, page, visit in open_pages:
            page.wait_for_load_state("networkidle")
            visit.title = page.title()
            visit.h1 = normalized(" ".join(page.locator("article h1").all_text_contents()[:1]))
            visit.axe_violations = serious_violations(page)
            context.close()
    return visits


@pytest.fixture(scope="session")
def visits(browser, site_url) -> dict[str, Visit]:
    """Every nav page and the print page, each loaded once in a fresh context."""
    return visit_pages(browser, site_url, NAV_PAGES + [PRINT_PAGE])


# axe-core, bundled by axe-playwright-python (injected into the page, nothing fetched).
SERIOUS = ("serious", "critical")
_axe = None


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as loaded, one line per element."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    results = _axe.run(page)
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']}: {node['target'][0]} {node['html'][:160]!r}"
        for rule in results.response["violations"] if rule["impact"] in SERIOUS
        for node in rule["nodes"]
    ]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
