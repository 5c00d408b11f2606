"""The pages as written, beyond what make check enforces (tests/test_checks.py runs those checks)."""

from __future__ import annotations

import os

import pytest

from livingreview.checks.content import FINGERPRINT, fingerprint, load_fingerprint
from livingreview.core.project import ROOT

SOURCE = ROOT.parent / "shared" / "source" / "source-article.txt"


def test_the_committed_fingerprint_is_the_source_articles():
    """The source-copying check compares against the article itself (its 12-word runs, as digests)."""
    if not SOURCE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide the source article at {SOURCE}")
        pytest.skip(f"source article not at {SOURCE}")
    assert load_fingerprint() == set(fingerprint(SOURCE.read_text(encoding="utf-8"))), \
        f"regenerate {FINGERPRINT.name}: python -m livingreview fingerprint-source {SOURCE}"


def test_copying_is_found_through_the_fingerprint(tmp_path):
    """Twelve words in a row from the fingerprinted text are found, with their line; eleven are not."""
    from livingreview.checks.content import copied_runs
    from livingreview.checks.sources import MarkdownFile

    article = "the quick brown fox jumps over the lazy dog while twelve small words make one long run here"
    runs = set(fingerprint(article))
    copied = MarkdownFile("docs/x.md", "x.md", "---\ntitle: x\n---\n\nIntro.\n\nAs written: The quick brown "
                          "fox jumps over the lazy dog while twelve small words [@key].\n", is_page=True)
    [finding] = copied_runs(copied, runs)
    assert (finding.line, finding.check) == (7, "source-copying")
    eleven = MarkdownFile("docs/y.md", "y.md", "---\ntitle: y\n---\n\nThe quick brown fox jumps over the lazy "
                          "dog while twelve.\n", is_page=True)
    assert copied_runs(eleven, runs) == []
