"""Material's navigation rendered once per item and page folder (livingreview.speed.nav_items) gives the
same pages as Material's own rendering, on navigations built to catch a wrong key: section index pages
with pages below their own URL, siblings in one folder, three levels, relative and absolute links,
directory and file URLs, and the navigation features that change what an item's HTML holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from livingreview.speed import nav_items

PAGES = ["index.md", "about.md", "a/index.md", "a/one.md", "a/two.md", "a/deep/index.md", "a/deep/x.md",
         "a/deep/y.md", "b/one.md", "b/two.md", "b/more/z.md", "c.md"]
NAV = [
    {"Home": "index.md"},
    {"About": "about.md"},
    {"A": ["a/index.md", "a/one.md", "a/two.md",
           {"Deep": ["a/deep/index.md", "a/deep/x.md", "a/deep/y.md"]},
           {"Back to B": "b/two.md"}]},
    {"B": ["b/one.md", "b/two.md", {"More": ["b/more/z.md"]},
           {"A's deep page": "https://example.org/a/deep/x/"}, {"Up": "../elsewhere/"}]},
    {"C": "c.md"},
]
FEATURES = {
    "plain": [],
    "indexes and sections": ["navigation.indexes", "navigation.sections"],
    "tabs, sections, expand": ["navigation.tabs", "navigation.sections", "navigation.expand"],
    "prune and indexes": ["navigation.prune", "navigation.indexes"],
}


def _project(root: Path, features: list[str], directory_urls: bool, siblings: int = 0) -> Path:
    many = [f"many/page-{n}.md" for n in range(siblings)]
    for page in PAGES + many:
        path = root / "docs" / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {page}\n\n## Part one\n\nText of {page}.\n", encoding="utf-8")
    config = {"site_name": "Nav", "nav": NAV + ([{"Many": many}] if many else []), "use_directory_urls": directory_urls,
              "theme": {"name": "material", "features": features}, "plugins": []}
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root / "mkdocs.yml"


def _site(config_file: Path, site: Path, keep_nav_items: bool) -> dict[str, str]:
    config = load_config(config_file=str(config_file), site_dir=str(site))
    if keep_nav_items:
        nav_items.install(config.theme)
    build(config)
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


@pytest.mark.parametrize("directory_urls", [True, False], ids=["directory-urls", "file-urls"])
@pytest.mark.parametrize("features", list(FEATURES), ids=list(FEATURES))
def test_kept_navigation_items_give_the_same_pages(tmp_path, features, directory_urls):
    config_file = _project(tmp_path / "project", FEATURES[features], directory_urls)
    plain = _site(config_file, tmp_path / "plain", keep_nav_items=False)
    kept = _site(config_file, tmp_path / "kept", keep_nav_items=True)
    assert sorted(kept) == sorted(plain)
    for name in plain:
        assert kept[name] == plain[name], f"{name} differs with kept navigation items"


def test_items_are_kept_and_reused(tmp_path, monkeypatch):
    """The cache is used: with 30 pages in one folder, items are rendered far fewer times than pages x items."""
    config_file = _project(tmp_path / "project", [], True, siblings=30)
    renders = 0
    call = nav_items.Macro.__call__

    def counting(self, *args, **kwargs):
        nonlocal renders
        renders += self.name == nav_items.MACRO
        return call(self, *args, **kwargs)

    monkeypatch.setattr(nav_items.Macro, "__call__", counting)
    _site(config_file, tmp_path / "plain", keep_nav_items=False)
    plain, renders = renders, 0
    _site(config_file, tmp_path / "kept", keep_nav_items=True)
    assert renders < plain / 4, (renders, plain)
