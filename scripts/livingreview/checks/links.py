"""Links and anchors of the built site, checked offline in Python, reported against the page source.

MkDocs' own validation sees only Markdown links. This reads every built HTML
file, so it also catches raw HTML, template and generated links (footnotes, the
annotated bibliography), including `#fragment`s that point nowhere.

Why Python and not lychee: the build has just written these files, and one pass
over them with two regexes collects every id and every href/src value; the
navigation repeats the same links on every page, so links are resolved once per
(folder, value): about 0.6 s for a 200-page site, where lychee took 30-50 s and
over 1 GiB for the same internal check. lychee stays for external links:
`make linkcheck` (lychee-online.toml).

What counts as broken: a relative or site-absolute (/base/...) link whose file is
missing (a folder means its index.html), or whose #fragment is no id (nor <a
name>) of the HTML page it points to. Links with a scheme (https:, mailto:,
data:...), `//host` links and text fragments (#:~:text=) are not checked here.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from livingreview.core.digest_cache import DigestCache, digest_of
from livingreview.core.findings import Finding
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml

CHECK = "links"
_VALUE = r"""(?:"[^"]*+"|'[^']*+'|[^\s"'>]++)"""  # "...", '...' or bare
_ATTRIBUTES = r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+"""  # up to the tag's >, quote-aware
# Other attributes (lazily, each whole), up to the first href, src, id or name, and its value.
_FIRST = rf"""(?>\s*+[^\s"'=>]++(?:\s*+=\s*+{_VALUE})?)*?
              \s*+(?P<attr>(?i:href|src|id|name))\s*+=\s*+(?P<value>{_VALUE})"""
# A comment; a <script> or <style> element, its content skipped; a start tag with an href, src, id or name
# (tags without one do not match, so the regex engine skips most of a page by itself).
TAG = re.compile(rf"""<(?: !--.*?-->
                         | (?P<raw>(?i:script|style))(?![^\s/>])(?P<rawattrs>{_ATTRIBUTES})>.*?(?i:</(?P=raw)\s*>)
                         | (?P<name>[a-zA-Z][^\s/>]*+){_FIRST}(?P<rest>{_ATTRIBUTES})> )""", re.S | re.X)
ATTRIBUTE = re.compile(_FIRST, re.X)  # the next one in the rest of a tag
EXTERNAL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")  # a scheme (https:, mailto:, data:...) or //host
_SKIP, _HERE = -1, -2  # link kinds in _Resolver.steps besides a count of ../ steps
# Just above the site's folder, another version's folder: frozen versions sit side by side (living.publish).
OTHER_VERSION = re.compile(r"^(?:latest|\d+\.\d+\.\d+)(?:/|$)")


@dataclass(frozen=True)
class BrokenLink:
    page: str  # the HTML file, relative to the site
    line: int
    href: str  # the attribute's value, entities decoded
    url: str  # where it points: a path relative to the site, percent-decoded, with its #fragment
    reason: str


def check_site(site: Path | None, root: Path, site_url: str | None = None,
               kept: DigestCache | None = None) -> list[Finding]:
    """Findings for every broken link or anchor of the site built into `site` (default root/site).

    kept: the ids and links of pages read before, by the digest of their HTML (a build keeps them in .cache/).
    """
    root = root.resolve()
    site = (site or root / "site").resolve()
    if not (site / "index.html").is_file():
        return [Finding(_shown(site, root), 1, "error", "no built site here (index.html missing): run make build",
                        CHECK)]
    config = load_mkdocs_yaml(root / "mkdocs.yml")
    base_path = urlsplit(site_url or str(config.data.get("site_url") or "")).path
    docs_dir = root / config.docs_dir()
    findings: list[Finding] = []
    # A broken link in a template (the nav, the footer) breaks on every page: report it once, with a count.
    repeats: dict[str, list[Finding]] = {}
    for broken in broken_links(site, base_path, kept):
        finding = _finding(broken, site, docs_dir, root)
        if finding.path.endswith(".md"):
            findings.append(finding)
        else:
            repeats.setdefault(broken.url, []).append(finding)
    for same in repeats.values():
        first = same[0]
        more = f" (and on {len(same) - 1} other built page(s): a template or nav link?)" if len(same) > 1 else ""
        findings.append(Finding(first.path, first.line, first.severity, first.message + more, first.check))
    return findings


def broken_links(site: Path, base_path: str = "", kept: DigestCache | None = None) -> list[BrokenLink]:
    """Every link of the site's HTML files whose file or #fragment is missing, in file and line order.
    base_path: site_url's path (/living-review/), which the site's absolute links start with.
    kept: each page's ids and links by its HTML, and the verdict of a site whose every file was there before."""
    files, folders = _tree(site)
    pages = {page: (site / page).read_bytes() for page in sorted(f for f in files if f.endswith(".html"))}
    if kept is None:
        return _broken_links(files, folders, {page: _scan(data) for page, data in pages.items()}, base_path)
    digests = {page: digest_of([data]) for page, data in pages.items()}  # each scan is kept under its page's
    same_site = digest_of(["broken links", base_path, "\0".join(sorted(files)), "\0".join(sorted(folders)),
                           *digests.values()])
    if (verdict := kept.get(same_site)) is not None:
        for digest in digests.values():
            kept.get(digest)  # still used: the next build, after an edit, rescans only the edited pages
        return verdict
    scans = {page: kept.get_or_make(digests[page], lambda data=data: _scan(data)) for page, data in pages.items()}
    verdict = _broken_links(files, folders, scans, base_path)
    kept.put(same_site, verdict)
    return verdict


def _broken_links(files: set[str], folders: set[str], scans: dict[str, tuple[set[str], list[tuple[int, str]]]],
                  base_path: str) -> list[BrokenLink]:
    resolver = _Resolver(files, folders, {page: ids for page, (ids, _) in scans.items()}, base_path)
    broken: list[BrokenLink] = []
    for page, (_, links) in scans.items():
        up = _folders_up(page)
        broken += [BrokenLink(page, line, href, *verdict) for line, href in links
                   if (verdict := resolver.check(page, up, href))]
    return broken


def _scan(data: bytes) -> tuple[set[str], list[tuple[int, str]]]:
    return scan_html(data.decode("utf-8", errors="replace"))


def scan_html(text: str) -> tuple[set[str], list[tuple[int, str]]]:
    """The ids (id=, <a name=) of an HTML text and its href and src values with their lines; comments,
    scripts and styles left out."""
    ids: set[str] = set()
    links: list[tuple[int, str]] = []
    line, counted = 1, 0
    for tag in TAG.finditer(text):
        for attribute in _attributes(tag, text):
            value = attribute["value"]
            value = value[1:-1] if value[0] in "\"'" else value
            value = html.unescape(value) if "&" in value else value
            name = attribute["attr"].lower()
            if name in ("href", "src"):
                at = attribute.start("value")
                line, counted = line + text.count("\n", counted, at), at
                links.append((line, value))
            elif name == "id" or tag["name"] in ("a", "A"):  # name= is an anchor on <a> only
                ids.add(value)
    return ids, links


def _attributes(tag: re.Match[str], text: str) -> Iterator[re.Match[str]]:
    """The href, src, id and name attributes of a TAG match, as matches with groups attr and value."""
    if tag["attr"]:
        yield tag
        start, end = tag.span("rest")
    elif tag["raw"]:
        start, end = tag.span("rawattrs")
    else:
        return  # a comment
    while start < end and (attribute := ATTRIBUTE.match(text, start, end)):
        yield attribute
        start = attribute.end()


def _tree(site: Path) -> tuple[set[str], set[str]]:
    """Every file and folder of the site, as paths relative to it ('' is the site itself)."""
    files: set[str] = set()
    folders: set[str] = set()
    for folder, _, names in os.walk(site):
        relative = Path(folder).relative_to(site).as_posix()
        relative = "" if relative == "." else relative
        folders.add(relative)
        files.update(posixpath.join(relative, name) for name in names)
    return files, folders


def _folders_up(page: str) -> list[str]:
    """The page's folder, then each one above it up to the site's ('')."""
    parts = page.split("/")[:-1]
    return ["".join(f"{part}/" for part in parts[:depth]) for depth in range(len(parts), -1, -1)]


def _steps(href: str) -> tuple[int, str]:
    """A link value as (number of leading ../, the rest), or (_HERE, #fragment) or (_SKIP, '')."""
    value = href.strip()
    if not value or EXTERNAL.match(value):
        return _SKIP, ""
    if value[0] in "#?":
        return _HERE, value.partition("#")[2]
    ups = 0
    while value.startswith("../", 3 * ups):
        ups += 1
    return ups, value[3 * ups:]


class _Resolver:
    """Where a link of a page points, and whether that exists: (url, reason) when broken, else None."""

    def __init__(self, files: set[str], folders: set[str], ids: dict[str, set[str]], base_path: str) -> None:
        self.files, self.folders, self.ids = files, folders, ids
        base = base_path.strip("/")
        self.base = f"/{base}/" if base else "/"
        self.steps: dict[str, tuple[int, str]] = {}
        # The navigation repeats its links on every page: `../../methods/` of every page two folders deep is
        # one key ('', 'methods/'), resolved once.
        self.memo: dict[tuple[str | None, str], tuple[str, str] | None] = {}

    def check(self, page: str, up: list[str], href: str) -> tuple[str, str] | None:
        """The verdict on one link of `page`; `up` lists the page's folder and those above it."""
        steps = self.steps.get(href)
        if steps is None:
            steps = self.steps[href] = _steps(href)
        ups, rest = steps
        if ups < 0:
            return None if ups == _SKIP else self._fragment(page, rest)
        key = (up[ups] if ups < len(up) else None, rest)
        try:
            return self.memo[key]
        except KeyError:
            verdict = self.memo[key] = self._resolve(*key)
            return verdict

    def _resolve(self, folder: str | None, value: str) -> tuple[str, str] | None:
        """The verdict on a link value relative to `folder` (None: a folder above the site's)."""
        path, _, fragment = value.partition("#")
        path = unquote(path.partition("?")[0])
        if path.startswith("/"):
            if not (path + "/").startswith(self.base):
                return path, f"not found: outside the site (its addresses start with {self.base})"
            folder, path = "", path[len(self.base):]
        target = ".." if folder is None else posixpath.normpath(folder + path or ".")
        if target == ".." or target.startswith("../"):
            above = value if folder is None else target[3:]
            if OTHER_VERSION.match(above) and not above.startswith("../"):
                return None  # a sibling version of the site (mike's layout: /latest/, /0.2.0/), not this build's
            return f"../{value}", "not found: above the site's top folder"
        target = "" if target == "." else target
        folder_only = not path or path.endswith("/") or posixpath.basename(path) in (".", "..")
        file = target if target in self.files and not folder_only else posixpath.join(target, "index.html")
        if file not in self.files:
            missing = file if folder_only or target in self.folders else target
            return target + (f"#{unquote(fragment)}" if fragment else ""), f"not found: no {missing} in the site"
        return self._fragment(file, fragment)

    def _fragment(self, file: str, fragment: str) -> tuple[str, str] | None:
        """None if the HTML file has this #fragment (or it is empty, #top or a text fragment, or not HTML)."""
        ids = self.ids.get(file)
        if ids is None or fragment in ids:
            return None
        fragment = unquote(fragment.partition(":~:")[0])  # #id:~:text=...: only the id is an anchor
        if not fragment or fragment == "top" or fragment in ids:
            return None
        return f"{file}#{fragment}", f"fragment #{fragment} not found in {file}"


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


def _finding(broken: BrokenLink, site: Path, docs_dir: Path, root: Path) -> Finding:
    """The finding at the link's line in the page source when found there, else in the built HTML."""
    html_file = site / broken.page
    message = f"broken link {broken.href}: {broken.reason}"
    source = source_page(html_file, site, docs_dir)
    if source is not None:
        found = _line_in_source(source, broken.href)
        if found:
            return Finding(_shown(source, root), found, "error",
                           f"{message} (built as {_shown(html_file, root)}:{broken.line})", CHECK)
    return Finding(_shown(html_file, root), broken.line, "error", message
                   + (f" (page source: {_shown(source, root)})" if source else ""), CHECK)


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
