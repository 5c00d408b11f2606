"""The whole review as one PDF: headless chromium prints the built print page (`make pdf`).

    python -m livingreview pdf [--site SITE] [--out PDF]    # defaults: site/, site/review.pdf

The print page (site/print_page/index.html, made by mkdocs-print-site-plugin)
is opened as a file:// URL, so nothing is served and nothing leaves the machine.
Chromium is Debian's /usr/bin/chromium, or the CHROMIUM environment variable.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PRINT_PAGE = Path("print_page") / "index.html"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Options every headless run of this project uses (see the engineering notes), plus printing.
CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")  # /Type /Page, not /Type /Pages
TIMEOUT_SECONDS = 180


class PdfError(Exception):
    """Printing failed; the message says why."""


def find_chromium() -> str | None:
    """CHROMIUM from the environment, else Debian's chromium, else one on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def chromium_command(chromium: str, page: Path, output: Path, profile: Path) -> list[str]:
    return [chromium, *CHROMIUM_ARGS, f"--user-data-dir={profile}", f"--print-to-pdf={output}",
            page.resolve().as_uri()]


def page_count(pdf: bytes) -> int:
    """Pages of a PDF as chromium (Skia) writes it: page objects are never compressed."""
    return len(PAGE_OBJECT.findall(pdf))


def print_site(site: Path, output: Path, chromium: str | None = None) -> int:
    """Print site/print_page/index.html to `output`; return its page count. Raises PdfError."""
    page = site / PRINT_PAGE
    if not page.is_file():
        raise PdfError(f"{page}: no print page; build the site first (mkdocs-print-site-plugin makes it)")
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError(f"chromium not found: install Debian's chromium ({DEFAULT_CHROMIUM}) or set CHROMIUM")
    # Print into a temporary folder, then move: a failed run leaves no half-written PDF behind.
    with tempfile.TemporaryDirectory(prefix="review-pdf-") as tmp:
        partial = Path(tmp) / "review.pdf"
        command = chromium_command(chromium, page, partial, Path(tmp) / "profile")
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"chromium did not finish printing {page} within {TIMEOUT_SECONDS} s") from exc
        except OSError as exc:
            raise PdfError(f"cannot run {chromium}: {exc.strerror}") from exc
        data = partial.read_bytes() if partial.is_file() else b""
        if result.returncode != 0 or not data.startswith(b"%PDF-"):
            raise PdfError(f"chromium could not print {page} (exit {result.returncode}): "
                           + (result.stderr.strip().splitlines() or ["no output"])[-1])
        pages = page_count(data)
        if pages == 0:
            raise PdfError(f"chromium wrote a PDF without pages for {page}")
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partial, output)
    return pages
