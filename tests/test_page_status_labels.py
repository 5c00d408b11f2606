"""The page statuses of the checks, the theme's navigation labels and the reader notice agree."""

from __future__ import annotations

from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.pages import PAGE_STATUSES
from livingreview.core.project import ROOT


def test_every_page_status_has_a_navigation_label():
    """mkdocs.yml `extra.status` names exactly the statuses pages may carry."""
    config = load_mkdocs_yaml(ROOT / "mkdocs.yml").data
    assert set(config["extra"]["status"]) == set(PAGE_STATUSES)


def test_reader_notice_words_each_status():
    """The notice partial has its own wording for every status, never the raw identifier."""
    notice = (ROOT / "overrides" / "partials" / "review-notice.html").read_text(encoding="utf-8")
    for status in PAGE_STATUSES:
        assert f'status == "{status}"' in notice
