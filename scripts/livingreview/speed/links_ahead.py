"""The link check's scan of each page, made by the helper process as MkDocs writes the page."""

from __future__ import annotations

from livingreview.checks.links import scan_html
from livingreview.core.digest_cache import DigestCache, digest_of
from livingreview.speed import offload

SCANNED_PER_SECOND = 50e6  # bytes of HTML scan_html reads per second, about (for offload)


class ScanAhead:
    """Has the helper process scan each page MkDocs is about to write, for check_site to find in `kept`
    (a page written otherwise is scanned by check_site, as any other). A build whose pages keep being
    found in `kept` (a warm one) stops looking after `give_up` in a row: check_site reads them anyway."""

    def __init__(self, kept: DigestCache, give_up: int = 20):
        self.kept, self.give_up, self.found = kept, give_up, 0

    def __call__(self, page: str) -> None:
        if self.found >= self.give_up:
            return
        data = page.encode("utf-8", errors="xmlcharrefreplace")  # the bytes MkDocs writes, as broken_links reads
        key = digest_of([data])
        if self.kept.has(key):
            self.found += 1
            return
        self.found = 0
        text = data.decode("utf-8", errors="replace")
        offload.make_ahead(self.kept, key, scan_html, text, cost=len(data) / SCANNED_PER_SECOND)


