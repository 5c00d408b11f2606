"""Published addresses stay valid: a committed record of page URLs and section ids, and the check.

`published/anchors.json` lists every page the review has published (by source
path, with its URL, first publication date and version) and the ids of its
sections (`##` to `######` headings). `make publish-anchors` adds what the
sources hold now; entries are never dropped, so an address once published stays
protected. The check fails when

- a recorded page is gone and `redirect_maps` (mkdocs-redirects, in mkdocs.yml)
  does not send its old address to a page that exists, or
- a recorded section id no longer exists on its page (or on the page it now
  redirects to). Keep an old id alive after renaming a heading with an empty
  anchor before it, e.g. `<a id="old-id"></a>`.

Ids are read from the Markdown sources, as Python-Markdown's toc extension makes
them: an explicit `{#id}`, or the slug of the heading text.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import re
from pathlib import Path
from typing import Any

from markdown.extensions.toc import slugify

from livingreview.core.findings import Finding
from livingreview.core.markdown_text import mask_code, split_front_matter
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml

RECORD = Path("published") / "anchors.json"
CHECK = "published-anchors"
HEADING = re.compile(r"^(?P<level>#{2,6})[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
ATTR_ID = re.compile(r"\{:?[^}\n]*?#(?P<id>[\w.:-]+)[^}\n]*\}")
HEADING_ATTR = re.compile(r"\s*\{:?[^}\n]*\}\s*$")
HTML_ID = re.compile(r"<[a-zA-Z][^>]*?\sid=[\"'](?P<id>[^\"']+)[\"']")
INLINE_MARKUP = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")


# --- What the sources hold now ------------------------------------------------

def _body(text: str) -> str:
    front = split_front_matter(text)
    lines = text.split("\n")
    masked, _ = mask_code("\n".join(lines[front.body_start:]))
    return masked


def heading_ids(text: str) -> list[str]:
    """Ids of the `##`..`######` headings of a page, in order, as the toc extension assigns them."""
    ids: list[str] = []
    for match in HEADING.finditer(_body(text)):
        heading = match["text"]
        explicit = ATTR_ID.search(heading)
        if explicit and HEADING_ATTR.search(heading):
            ids.append(explicit["id"])
        else:
            plain = INLINE_MARKUP.sub(lambda m: m.group(1) or "", HEADING_ATTR.sub("", heading))
            ids.append(slugify(plain, "-"))
    return ids


def all_ids(text: str) -> set[str]:
    """Every id a link can land on: headings, `{#id}` attribute lists, raw HTML `id="..."`."""
    body = _body(text)
    return set(heading_ids(text)) | {m["id"] for m in ATTR_ID.finditer(body)} | {m["id"] for m in HTML_ID.finditer(body)}


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """The site-relative URL MkDocs gives a page: sites/lung.md -> sites/lung/, index.md -> ''."""
    stem = src_uri.removesuffix(".md")
    name = stem.rsplit("/", 1)[-1]
    if name in ("index", "README"):
        folder = stem[: -len(name)]
        return folder if use_directory_urls else folder + "index.html"
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def _excluded(src_uri: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        pattern = pattern.strip().lstrip("/")
        if not pattern or pattern.startswith("#"):
            continue
        if pattern.endswith("/") and (src_uri.startswith(pattern) or f"/{pattern}" in f"/{src_uri}"):
            return True
        if fnmatch.fnmatch(src_uri, pattern) or fnmatch.fnmatch(src_uri.rsplit("/", 1)[-1], pattern):
            return True
    return False


def source_pages(root: Path) -> dict[str, str]:
    """{src path relative to docs_dir: Markdown text} of every page MkDocs would build."""
    config = load_mkdocs_yaml(root / "mkdocs.yml").data
    docs = root / str(config.get("docs_dir", "docs"))
    excluded = str(config.get("exclude_docs") or "").splitlines()
    pages: dict[str, str] = {}
    for path in sorted(docs.rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        if any(part.startswith((".", "_")) for part in src.split("/")) or _excluded(src, excluded):
            continue
        pages[src] = path.read_text(encoding="utf-8")
    return pages


# --- The record -----------------------------------------------------------------

def load_record(root: Path) -> dict[str, Any] | None:
    path = root / RECORD
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def updated_record(root: Path, *, released: datetime.date, version: str) -> dict[str, Any]:
    """The record with the current pages and ids added; nothing recorded before is dropped."""
    config = load_mkdocs_yaml(root / "mkdocs.yml").data
    directory_urls = bool(config.get("use_directory_urls", True))
    record = load_record(root) or {}
    pages: dict[str, Any] = dict(record.get("pages", {}))
    for src, text in source_pages(root).items():
        entry = dict(pages.get(src) or {"first_published": released.isoformat(), "first_version": version})
        entry["url"] = page_url(src, directory_urls)
        entry["ids"] = sorted(set(entry.get("ids", [])) | set(heading_ids(text)))
        pages[src] = {k: entry[k] for k in ("url", "first_published", "first_version", "ids")}
    return {
        "about": "Page addresses and section ids the review has published. Written by `make publish-anchors`; "
                 "checked by `python -m livingreview check-anchors`. Never remove an entry: redirect it.",
        "pages": dict(sorted(pages.items())),
    }


def write_record(root: Path, record: dict[str, Any]) -> bool:
    """Write published/anchors.json; False when it already held exactly this."""
    path = root / RECORD
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def first_published(root: Path) -> dict[str, datetime.date]:
    """{src path: date the page was first published}, from the record (empty without one)."""
    record = load_record(root) or {}
    out: dict[str, datetime.date] = {}
    for src, entry in record.get("pages", {}).items():
        try:
            out[src] = datetime.date.fromisoformat(entry["first_published"])
        except (KeyError, TypeError, ValueError):
            continue
    return out


# --- The check --------------------------------------------------------------------

def _line_of(text: str, needle: str) -> int:
    offset = text.find(needle)
    return text.count("\n", 0, offset) + 1 if offset >= 0 else 1


def redirect_maps(root: Path) -> dict[str, str]:
    settings = load_mkdocs_yaml(root / "mkdocs.yml").plugin_config("redirects") or {}
    return {str(k): str(v) for k, v in (settings.get("redirect_maps") or {}).items()}


def check_anchors(root: Path) -> list[Finding]:
    """Every published page and section id still resolves (directly or through a redirect)."""
    shown = RECORD.as_posix()
    record_path = root / RECORD
    if not record_path.exists():
        return [Finding(shown, 1, "error", "no record of published addresses: run `make publish-anchors`", CHECK)]
    record_text = record_path.read_text(encoding="utf-8")
    try:
        pages = json.loads(record_text)["pages"]
    except (ValueError, KeyError, TypeError) as exc:
        return [Finding(shown, 1, "error", f"cannot read the record: {exc}", CHECK)]
    current = source_pages(root)
    redirects = redirect_maps(root)
    findings: list[Finding] = []
    for src, entry in sorted(pages.items()):
        ids = entry.get("ids", []) if isinstance(entry, dict) else []
        url = entry.get("url", src) if isinstance(entry, dict) else src
        line = _line_of(record_text, json.dumps(src))
        target = src
        if src not in current:
            target = redirects.get(src, "")
            if not target:
                findings.append(Finding(shown, line, "error", f"page {src} (published at /{url}) is gone and has no "
                                        f"redirect: add `{src}: <new page>.md` under the redirects plugin's "
                                        "redirect_maps in mkdocs.yml", CHECK))
                continue
            if "://" in target or "#" in target:
                continue  # an external address or a chosen anchor: ids cannot be checked here
            if target not in current:
                findings.append(Finding("mkdocs.yml", _line_of((root / "mkdocs.yml").read_text(encoding="utf-8"),
                                                               src), "error",
                                        f"redirect of {src} points to {target}, which is not a page", CHECK))
                continue
        present = all_ids(current[target])
        for anchor in ids:
            if anchor not in present:
                findings.append(Finding(f"docs/{target}", 1, "error",
                                        f"section id '{anchor}' was published (/{url}#{anchor}) and is gone: restore "
                                        f"`{{#{anchor}}}` on its heading or keep `<a id=\"{anchor}\"></a>` before "
                                        "the renamed one", CHECK))
    return findings


# --- Publishing ----------------------------------------------------------------------

def publish(root: Path) -> tuple[list[Finding], str]:
    """Add the current pages and ids to the record (written only on change); then check it."""
    from livingreview.citing.records import CitingConfigError, review_from_config

    config = load_mkdocs_yaml(root / "mkdocs.yml").data
    try:
        review = review_from_config(config.get("extra"), site_name=str(config.get("site_name", "")),
                                    site_url=config.get("site_url"))
    except CitingConfigError as exc:
        return [Finding("mkdocs.yml", 1, "error", str(exc), CHECK)], "not written"
    record = updated_record(root, released=review.released, version=review.version)
    changed = write_record(root, record)
    summary = f"{RECORD.as_posix()} {'updated' if changed else 'unchanged'}: {len(record['pages'])} pages"
    return check_anchors(root), summary
