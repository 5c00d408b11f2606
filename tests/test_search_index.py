"""The Pagefind index (livingreview.reader.search): told which pages carry the index mark, Pagefind reads
only those and writes the same index as when it reads every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from livingreview.reader import search

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head>
<body><nav>navigation words</nav><article {mark}><h1>{title}</h1><p>{body}</p></article></body></html>"""


def _site(root: Path, pages: dict[str, tuple[str, bool]]) -> Path:
    for path, (body, indexed) in pages.items():
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        title = path.split("/")[0].title()
        file.write_text(PAGE.format(title=title, body=body, mark="data-pagefind-body" if indexed else ""),
                        encoding="utf-8")
    return root


def _bundle(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / search.BUNDLE).rglob("*"))
            if p.is_file()}


PAGES = {"index.html": ("home page words", True), "lung/index.html": ("stereotactic ablative radiotherapy", True),
         "print_page/index.html": ("every page again " * 200, False)}


def test_listed_pages_give_the_same_index_as_every_page(tmp_path):
    every = _site(tmp_path / "every", PAGES)
    listed = _site(tmp_path / "listed", PAGES)
    search.index_site(every)
    search.index_site(listed, ["index.html", "lung/index.html"])
    assert _bundle(every) == _bundle(listed)
    assert len(list((listed / search.BUNDLE / "fragment").iterdir())) == 2


def test_only_the_listed_pages_are_read(tmp_path):
    site = _site(tmp_path / "site", PAGES)
    search.index_site(site, ["lung/index.html"])
    assert len(list((site / search.BUNDLE / "fragment").iterdir())) == 1


@pytest.mark.parametrize("page", ["a,b/index.html", "x{y}/index.html", "what?/index.html", "[draft]/index.html"])
def test_a_path_pagefind_would_read_as_a_pattern_means_every_page_is_read(tmp_path, page):
    assert search.pagefind_glob([page, "index.html"]) is None
    site = _site(tmp_path / "site", {**PAGES, page: ("odd folder", True)})
    search.index_site(site, [page, "index.html"])  # every page read: the three marked ones indexed
    assert len(list((site / search.BUNDLE / "fragment").iterdir())) == 3


def test_a_list_too_long_for_one_argument_means_every_page_is_read():
    pages = [f"page-{n:05d}/index.html" for n in range(10_000)]
    assert search.pagefind_glob(pages) is None
    assert search.pagefind_glob(pages[:100]) == "{" + ",".join(pages[:100]) + "}"
