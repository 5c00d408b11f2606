"""Batched reference formatting: same output as mkdocs-bibtex page by page, cached, refused when unsafe.

The builds compare whole sites: batched (cold and warm cache) against
LIVINGREVIEW_NO_BATCH=1, where mkdocs-bibtex 4.4.0 formats each page itself.
Speed is measured by `make bench`, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_mkdocs_build
from livingreview import formatting, parse_cache
from livingreview.project import find_csl
from livingreview.synthetic import make_review

NO_BATCH = {formatting.BATCH_OFF_ENV: "1"}
AMA = str(find_csl("american-medical-association.csl"))


def site_files(site: Path) -> dict[str, bytes]:
    """Every built file but the sitemap (it carries the build date)."""
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.name.startswith("sitemap.xml")}


def assert_same_site(left: Path, right: Path) -> None:
    a, b = site_files(left), site_files(right)
    assert sorted(a) == sorted(b), f"files differ: {sorted(set(a) ^ set(b))[:10]}"
    for name in a:
        if a[name] != b[name]:
            la, lb = a[name].decode(errors="replace").splitlines(), b[name].decode(errors="replace").splitlines()
            first = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            pytest.fail(f"{name} differs at line {first + 1}:\n  {la[first:first + 1]}\n  {lb[first:first + 1]}")


def _build(project: Path, site: Path, env: dict[str, str] | None = None) -> Path:
    build = run_mkdocs_build(project, site, env)
    assert build.returncode == 0, build.log[-3000:]
    return site


@pytest.fixture(scope="module")
def synthetic_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small synthetic review (real pages and entries plus generated ones), built three ways."""
    base = tmp_path_factory.mktemp("batching")
    review = make_review(base / "review", pages=30, entries=150, cites_per_page=6)
    return {
        "project": review.root,
        "cold": _build(review.root, base / "cold"),
        "warm": _build(review.root, base / "warm"),  # .cache/ from the cold build
        "unbatched": _build(review.root, base / "unbatched", NO_BATCH),
    }


@pytest.mark.slow
def test_synthetic_review_batched_equals_unbatched(synthetic_builds):
    """One pandoc run with only the cited entries renders exactly what the plugin renders page by page."""
    assert_same_site(synthetic_builds["cold"], synthetic_builds["unbatched"])


@pytest.mark.slow
def test_synthetic_review_warm_cache_equals_cold(synthetic_builds):
    """Text served from .cache/ is the text pandoc produced."""
    cache = synthetic_builds["project"] / ".cache"
    assert (cache / "references.json").is_file()
    assert any((cache / "parsed").glob("pybtex-*.pickle"))
    assert_same_site(synthetic_builds["warm"], synthetic_builds["cold"])


@pytest.mark.slow
def test_real_site_batched_equals_unbatched(project_copy, tmp_path):
    """The real review: batched build and LIVINGREVIEW_NO_BATCH=1 build are identical."""
    batched = _build(project_copy, tmp_path / "batched")
    unbatched = _build(project_copy, tmp_path / "unbatched", NO_BATCH)
    assert_same_site(batched, unbatched)


@pytest.mark.slow
def test_author_date_style_refuses_batching(project_copy, tmp_path):
    """An author-date CSL falls back to the plugin's per-page path, with a logged reason."""
    config = project_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "csl_file: american-medical-association.csl" in text
    config.write_text(text.replace("csl_file: american-medical-association.csl", "csl_file: apa.csl"),
                      encoding="utf-8")
    build = run_mkdocs_build(project_copy, tmp_path / "site")
    assert "formatted page by page by mkdocs-bibtex: the CSL style is author-date" in build.log, build.log[-3000:]
    assert not (project_copy / ".cache" / "references.json").exists(), "batching ran anyway"


# --- when batching is safe -------------------------------------------------------------


def _csl(tmp_path: Path, body: str) -> str:
    path = tmp_path / "style.csl"
    path.write_text(f'<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text">{body}</style>',
                    encoding="utf-8")
    return str(path)


def test_numeric_styles_are_batched():
    assert formatting.batching_refusal(AMA) is None


@pytest.mark.parametrize("body, reason", [
    ('<info><category citation-format="author-date"/></info>', "author-date"),
    ('<bibliography subsequent-author-substitute="---"><layout/></bibliography>', "repeated authors"),
    ('<bibliography><layout><text variable="citation-number"/></layout></bibliography>', "number"),
])
def test_unsafe_styles_are_refused(tmp_path, body, reason):
    refusal = formatting.batching_refusal(_csl(tmp_path, body))
    assert refusal and reason in refusal


def test_number_in_flush_margin_is_safe(tmp_path):
    body = '<bibliography second-field-align="flush"><layout><text variable="citation-number"/></layout></bibliography>'
    assert formatting.batching_refusal(_csl(tmp_path, body)) is None


# --- the cache of formatted entries ------------------------------------------------------

BIB = textwrap.dedent("""\
    @article{alpha2020,
      author = {Doe, Jane and Roe, Richard},
      title = {First title},
      journal = {J Test},
      year = {2020},
      volume = {1},
      pages = {1--2}
    }

    @article{beta2021,
      author = {Poe, Edgar and others},
      title = {Second title},
      journal = {J Test},
      year = {2021}
    }
""")


def _registry(bib: Path):
    from mkdocs_bibtex.registry import PandocRegistry

    return PandocRegistry(bib_files=[str(bib)], csl_file=AMA, csl_file_encoding=None)


def test_cache_serves_a_second_build_without_pandoc(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    first = _registry(bib)
    assert formatting.prefill_registry(first, ["alpha2020", "beta2021", "unknown"], formatting.ReferenceCache(cache_file)) == 2
    assert "First title" in first._reference_cache["alpha2020"]
    second = _registry(bib)
    assert formatting.prefill_registry(second, ["alpha2020", "beta2021"], formatting.ReferenceCache(cache_file)) == 0
    assert second._reference_cache == first._reference_cache


def test_editing_an_entry_reformats_only_that_entry(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    formatting.prefill_registry(_registry(bib), ["alpha2020", "beta2021"], formatting.ReferenceCache(cache_file))
    bib.write_text(BIB.replace("First title", "Corrected title"), encoding="utf-8")
    registry = _registry(bib)
    assert formatting.prefill_registry(registry, ["alpha2020", "beta2021"], formatting.ReferenceCache(cache_file)) == 1
    assert "Corrected title" in registry._reference_cache["alpha2020"]


def test_digest_follows_entry_csl_and_pandoc(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    entries = _registry(bib).bib_data.entries
    base = formatting.style_fingerprint(AMA)
    digest = formatting.entry_digest(entries["alpha2020"], "alpha2020", base)
    assert formatting.entry_digest(entries["beta2021"], "beta2021", base) != digest
    renamed = _registry(bib).bib_data.entries["alpha2020"]
    renamed.persons["author"][1].last_names[0] = "Rowe"
    assert formatting.entry_digest(renamed, "alpha2020", base) != digest

    other_csl = tmp_path / "ama-copy.csl"
    other_csl.write_text(Path(AMA).read_text(encoding="utf-8") + "\n<!-- edited -->\n", encoding="utf-8")
    assert formatting.style_fingerprint(str(other_csl)) != base
    import pypandoc

    monkeypatch.setattr(pypandoc, "get_pandoc_version", lambda: "0.0.1")
    assert formatting.style_fingerprint(AMA) != base


def test_corrupt_reference_cache_is_rebuilt(tmp_path):
    cache_file = tmp_path / "cache.json"
    cache_file.write_text("{not json", encoding="utf-8")
    assert formatting.ReferenceCache(cache_file).data == {}


# --- parsed .bib files kept between parses ----------------------------------------------


def test_parse_memo_hands_out_fresh_copies(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_cache, "_disk", None)
    memo = parse_cache.ParseMemo("test", "1")
    calls = []

    def parse():
        calls.append(1)
        return {"entries": ["a"]}

    first = memo.get("bib/x.bib", "text", parse)
    first["entries"].append("changed by a caller")
    assert memo.get("bib/x.bib", "text", parse) == {"entries": ["a"]}
    assert memo.get("bib/x.bib", "other text", parse) == {"entries": ["a"]}
    assert len(calls) == 2


def test_parse_memo_on_disk_survives_a_new_process_and_damage(tmp_path, monkeypatch):
    monkeypatch.setattr(parse_cache, "_disk", tmp_path)
    parse_cache.ParseMemo("test", "1").get("bib/x.bib", "v1", lambda: [1])
    assert parse_cache.ParseMemo("test", "1").get("bib/x.bib", "v1", lambda: pytest.fail("parsed again")) == [1]
    parse_cache.ParseMemo("test", "1").get("bib/x.bib", "v2", lambda: [2])
    files = list(tmp_path.glob("test-*.pickle"))
    assert len(files) == 1, "older results of the same file are removed"
    files[0].write_bytes(b"damaged")
    assert parse_cache.ParseMemo("test", "1").get("bib/x.bib", "v2", lambda: [3]) == [3]
    assert parse_cache.ParseMemo("test", "2").get("bib/x.bib", "v2", lambda: [4]) == [4], "parser version is a key"


def test_plugin_parse_is_swapped_and_restored(tmp_path):
    import mkdocs_bibtex.registry
    from pybtex.database import parse_file

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    try:
        formatting.reuse_parsed_bib_files(True)
        assert mkdocs_bibtex.registry.parse_file is not parse_file
        kept = _registry(bib).bib_data
        assert kept.to_string("bibtex") == parse_file(str(bib)).to_string("bibtex")
    finally:
        formatting.reuse_parsed_bib_files(False)
    assert mkdocs_bibtex.registry.parse_file is parse_file


# --- `mkdocs serve`: rebuilds reuse what the first build made ---------------------------

SERVE_PROBE = """
import json, sys
from pathlib import Path
import pypandoc, mkdocs_bibtex.registry
from livingreview import bibliography
from mkdocs.commands.build import build
from mkdocs.config import load_config

counts = {"pandoc": 0, "bibtexparser": 0}
convert = pypandoc.convert_text
def counted_convert(*a, **k):
    counts["pandoc"] += 1
    return convert(*a, **k)
pypandoc.convert_text = counted_convert
parse = bibliography._parse_bibtex
def counted_parse(*a, **k):
    counts["bibtexparser"] += 1
    return parse(*a, **k)
bibliography._parse_bibtex = counted_parse

config = load_config(config_file="mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="serve", dirty=False)
build(config, serve_url="http://127.0.0.1:8000/")
after_first = dict(counts)
page = Path("docs/sites/lung.md")
page.write_text(page.read_text(encoding="utf-8") + "\\n<!-- edited -->\\n", encoding="utf-8")
config = load_config(config_file="mkdocs.yml", site_dir=sys.argv[1])
build(config, serve_url="http://127.0.0.1:8000/")
print(json.dumps({"first": after_first, "total": counts}))
"""


@pytest.mark.slow
def test_serve_rebuild_reuses_formatting_and_parses(project_copy, tmp_path):
    """Under `mkdocs serve` (plugin kept by on_startup), a one-page edit runs no pandoc and no parse."""
    # pandoc for the page citations of hook_citing is another cache's business; count from a warm start.
    _build(project_copy, tmp_path / "warmup")
    formatted = json.loads((project_copy / ".cache" / "references.json").read_text(encoding="utf-8"))
    result = subprocess.run([sys.executable, "-c", SERVE_PROBE, str(tmp_path / "site")], cwd=project_copy,
                            capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project_copy / "scripts")})
    assert result.returncode == 0, result.stderr[-3000:]
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["first"]["pandoc"] == 0, "warm cache: the first build should not need pandoc"
    assert counts["first"]["bibtexparser"] == 0, "parsed bib/ should come from .cache/parsed/"
    assert counts["total"] == counts["first"], f"the rebuild did work again: {counts}"
    after = json.loads((project_copy / ".cache" / "references.json").read_text(encoding="utf-8"))
    assert after == formatted, "a serve rebuild (entries already in the plugin) must not empty the cache"


def test_fast_bibtex_writer_matches_pybtex(tmp_path):
    """The text handed to pandoc is byte for byte what pybtex writes (real bib and tricky fields)."""
    from pybtex.database import parse_file

    from livingreview.project import BIB as BIB_DIR

    tricky = tmp_path / "tricky.bib"
    tricky.write_text(BIB + textwrap.dedent("""\
        @article{gamma2022,
          author = {M{\\"u}ller, J{\\"o}rg and Østergaard, Åse and van der Berg, Jr, Piet},
          title = {100% of {RT} \\& more: a_b ~ c #1 -- ``quoted'' $x^2$ \\emph{émphasis} – dash},
          journal = {J Test},
          year = {2022},
          note = {tab\\there  and   spaces}
        }
    """), encoding="utf-8")
    for path in [*sorted(BIB_DIR.glob("*.bib")), tricky]:
        data = parse_file(str(path))
        assert formatting.bibtex_text(data) == data.to_string("bibtex"), path


def test_reference_cache_drops_what_a_build_no_longer_uses(tmp_path):
    cache_file = tmp_path / "cache.json"
    first = formatting.ReferenceCache(cache_file)
    first.put("old", "text of an entry since edited")
    first.put("kept", "text still cited")
    first.save()
    second = formatting.ReferenceCache(cache_file)
    assert second.get("kept") == "text still cited"
    second.save(prune=False)  # a build that looked up only part of what it uses keeps everything
    assert set(json.loads(cache_file.read_text(encoding="utf-8"))) == {"old", "kept"}
    second.save()
    assert json.loads(cache_file.read_text(encoding="utf-8")) == {"kept": "text still cited"}
