"""`make audit`: Lighthouse scores for the built site, served on 127.0.0.1 like production.

A benchmark, not a gate: it prints each page's category scores and the audits that
kept a score below 1, writes the full JSON reports, and exits non-zero only when
Lighthouse itself could not run. Targets (desktop preset): accessibility, best
practices and SEO 1.0, performance at least 0.95.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from livingreview.core.project import ROOT
from livingreview.tools.static_server import serve_site

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}
# The home page and one cancer-site page: the two templates readers land on.
DEFAULT_PAGES = ("", "sites/lung/")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")


@dataclass
class PageScores:
    url: str
    scores: dict[str, float | None]
    shortfalls: list[str]  # "category: audit-id (score) title"


def lighthouse_binary(root: Path = ROOT) -> Path:
    binary = root / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        raise FileNotFoundError(f"{binary}: missing, run `make node` (npm ci) first")
    return binary


def run_lighthouse(url: str, report: Path, root: Path = ROOT) -> dict:
    """One Lighthouse run (desktop preset) on `url`; the JSON report is written to `report`."""
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    command = [
        str(lighthouse_binary(root)), url, f"--chrome-path={chrome}", f"--chrome-flags={CHROME_FLAGS}",
        "--preset=desktop", f"--only-categories={','.join(CATEGORIES)}",
        "--output=json", f"--output-path={report}", "--quiet",
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not report.is_file():
        raise RuntimeError(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def summarize(url: str, report: dict) -> PageScores:
    """Category scores, and every weighted audit scoring below 1 with the category it costs."""
    scores = {name: report["categories"][name]["score"] for name in CATEGORIES if name in report["categories"]}
    shortfalls = []
    for name in CATEGORIES:
        for ref in report["categories"].get(name, {}).get("auditRefs", []):
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                value = f" {audit['displayValue']}" if audit.get("displayValue") else ""
                shortfalls.append(f"{name}: {ref['id']} ({audit['score']}){value}: {audit['title']}")
    return PageScores(url, scores, shortfalls)


def format_scores(results: list[PageScores]) -> str:
    header = f"{'page':<28}" + "".join(f"{name:>16}" for name in CATEGORIES)
    lines = [header]
    for page in results:
        cells = "".join(
            f"{'-' if page.scores.get(n) is None else format(page.scores[n], '.2f'):>16}" for n in CATEGORIES
        )
        lines.append(f"{page.url:<28}{cells}")
        lines.extend(f"    below 1: {shortfall}" for shortfall in page.shortfalls)
    below = [
        f"{page.url or '/'} {name} {score:.2f} < target {TARGETS[name]}"
        for page in results for name, score in page.scores.items()
        if score is not None and score < TARGETS[name]
    ]
    lines.append("targets met" if not below else "below target: " + "; ".join(below))
    return "\n".join(lines)


def audit(site: Path, out_dir: Path, pages: tuple[str, ...] = DEFAULT_PAGES, root: Path = ROOT) -> list[PageScores]:
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with serve_site(site) as base:
        for page in pages:
            name = page.strip("/").replace("/", "-") or "home"
            report = run_lighthouse(base + page, out_dir / f"{name}.json", root)
            results.append(summarize("/" + page, report))
    return results
