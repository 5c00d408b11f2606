"""`make bench` inputs: the synthetic review passes the project's checks, the compared configs differ as documented.

Nothing here is timed: speed is reported by `make bench` (PERFORMANCE.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import get_yaml_loader

from livingreview.tools import bench
from livingreview.references.bibliography import bib_files, load_bibliography
from livingreview.checks import run_checks
from livingreview.references.citations import cited_keys
from livingreview.tools.synthetic import SYNTHETIC_BIB, make_review


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory):
    return make_review(tmp_path_factory.mktemp("bench") / "review", pages=40, entries=250, cites_per_page=5)


def _load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=get_yaml_loader())  # noqa: S506 - MkDocs' own loader


def test_review_has_the_requested_size(review):
    docs = review.root / "docs"
    pages = [p for p in docs.rglob("*.md") if "includes" not in p.relative_to(docs).parts]
    assert len(pages) == review.pages == 40
    assert len(load_bibliography(bib_files(review.root / "bib"), review.root).entries) == review.entries == 250
    nav = (review.root / "mkdocs.yml").read_text(encoding="utf-8")
    assert all(page in nav for page in review.synthetic_pages), "every generated page is in the nav"


def test_review_passes_the_project_checks(review):
    """Generated pages and entries carry what the checks ask for (fields, keywords, claims, anchors)."""
    findings = [f for f in run_checks(review.root) if f.severity == "error"]
    assert not findings, "\n".join(map(str, findings[:10]))


def test_uncited_generated_entries_are_listed_on_purpose(review):
    cited = {key for page in review.synthetic_pages
             for key in cited_keys((review.root / "docs" / page).read_text(encoding="utf-8"))}
    generated = load_bibliography([review.root / "bib" / SYNTHETIC_BIB], review.root).entries
    assert cited and cited <= {e.key for e in generated}
    for entry in generated:
        assert (entry.get("listed") == "intentional") == (entry.key not in cited), entry.key


def test_variant_configs_switch_off_what_they_say(review):
    configs = bench.write_variant_configs(review.root)
    project = _load(configs["project"])
    floor, shipped = (_load(configs[name]) for name in ("floor", "shipped"))

    def plugin_names(config: dict) -> list[str]:
        return [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]

    assert "bibtex" not in plugin_names(floor) and floor["hooks"] == []
    assert plugin_names(floor) == ["search", *(p for p in plugin_names(project) if p != "bibtex")], \
        "other plugins stay; plain Material's search comes in (the project's build indexes with Pagefind)"
    assert plugin_names(shipped) == plugin_names(project) and shipped["hooks"] == []
    bibtex = next(p["bibtex"] for p in shipped["plugins"] if isinstance(p, dict) and "bibtex" in p)
    assert Path(bibtex["csl_file"]).is_file(), "without our hook the plugin needs the CSL path"
    assert {k: v for k, v in floor.items() if k not in ("plugins", "hooks")} == \
        {k: v for k, v in project.items() if k not in ("plugins", "hooks")}


@pytest.mark.parametrize("floor_growth, limit", [(1.0, 2.2), (2.0, 2.2), (2.57, 2.827)])
def test_linear_growth_is_twice_the_time_or_the_floors_own_growth_plus_ten_percent(floor_growth, limit):
    assert bench.scaling_limit(floor_growth) == pytest.approx(limit)
