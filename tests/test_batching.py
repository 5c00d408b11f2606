"""Batched reference formatting: same output as mkdocs-bibtex page by page, cached, refused when unsafe.

The builds compare whole sites: batched (cold and warm cache) against
LIVINGREVIEW_NO_BATCH=1, where mkdocs-bibtex 4.4.0 formats each page itself.
Speed is measured by `make bench`, never here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_mkdocs_build
from livingreview.speed import batching as formatting, pybtex_cache
from livingreview.core import parse_cache, project
from livingreview.core.digest_cache import DigestCache
from livingreview.core.project import find_csl
from livingreview.speed.switch import SOME_OFF_ENV
from livingreview.tools.synthetic import make_review

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


# A build in which all the work livingreview.speed.offload can take goes to its helper process; prints what it did.
# Also counts, per cache file, the values asked for that had been promised (the guessed key was right).
OFFLOAD_PROBE = """
import collections, json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from livingreview.core import digest_cache
from livingreview.speed import offload
asked = collections.Counter()
get = digest_cache.DigestCache.get
def counting_get(self, digest):
    if digest in self._promised:
        asked[self.path.name if self.path else ""] += 1
    return get(self, digest)
digest_cache.DigestCache.get = counting_get
build(load_config(site_dir=sys.argv[1]))
print(json.dumps({"answered": offload.answered(), "asked": asked}))
"""


def _offloaded_build(project: Path, site: Path) -> dict[str, dict[str, int]]:
    """A cold build with no in-place budget (LIVINGREVIEW_OFFLOAD_AFTER=0); .cache/ removed after it."""
    result = subprocess.run([sys.executable, "-c", OFFLOAD_PROBE, str(site)], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "LIVINGREVIEW_OFFLOAD_AFTER": "0",
                                            "PYTHONPATH": str(project / "scripts")})
    assert result.returncode == 0, result.stderr[-3000:]
    shutil.rmtree(project / ".cache")
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def synthetic_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A small synthetic review (real pages and entries plus generated ones), built four ways."""
    base = tmp_path_factory.mktemp("batching")
    review = make_review(base / "review", pages=30, entries=150, cites_per_page=6)
    return {
        "project": review.root,
        "offload calls": _offloaded_build(review.root, base / "offloaded"),
        "offloaded": base / "offloaded",
        "cold": _build(review.root, base / "cold"),
        "warm": _build(review.root, base / "warm"),  # .cache/ from the cold build
        "unbatched": _build(review.root, base / "unbatched", NO_BATCH),
    }


@pytest.mark.slow
def test_synthetic_review_batched_equals_unbatched(synthetic_builds):
    """One pandoc run with only the cited entries renders exactly what the plugin renders page by page."""
    assert_same_site(synthetic_builds["cold"], synthetic_builds["unbatched"])


@pytest.mark.slow
def test_work_done_in_the_helper_process_builds_the_same_site(synthetic_builds):
    """Search entries, link scans and reference HTML made in the helper process change nothing."""
    calls, asked = synthetic_builds["offload calls"]["answered"], synthetic_builds["offload calls"]["asked"]
    for function in ("livingreview.checks.links.scan_html",
                     "livingreview.core.short_markdown.convert_all", "livingreview.speed.print_site_links.rewrite_page"):
        assert calls.get(function), f"{function} never ran in the helper process: {calls}"
    # What was made ahead is what the build then asked for (keys guessed right, print-site's included).
    for cache in ("links.pickle", "entry-html.json", "print-pages.pickle"):
        assert asked.get(cache), f"nothing promised in {cache} was asked for: {asked}"
    assert_same_site(synthetic_builds["offloaded"], synthetic_builds["unbatched"])


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
def test_a_warm_build_after_edits_equals_a_build_without_caches(project_copy, tmp_path):
    """Every kept result (references, HTML snippets, evidence map, search entries, link scans, templates)
    follows an edit of the bibliography, a page and a template."""
    _build(project_copy, tmp_path / "first")  # fills .cache/
    bib = project_copy / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    edited = text.replace("year = {2014},", "year = {2015},", 1).replace("Decoding tumour phenotype",
                                                                         "Decoding the tumour phenotype", 1)
    assert edited != text
    bib.write_text(edited, encoding="utf-8")
    page = project_copy / "docs" / "sites" / "lung.md"
    page.write_text(page.read_text(encoding="utf-8").replace("## PET-based target definition",
                                                             "## Target definition with PET", 1), encoding="utf-8")
    template = project_copy / "overrides" / "partials" / "review-notice.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n<!-- edited template -->\n", encoding="utf-8")
    warm = _build(project_copy, tmp_path / "warm")
    assert_same_site(warm, _build(project_copy, tmp_path / "unbatched", NO_BATCH))
    assert "Decoding the tumour phenotype" in (warm / "references" / "index.html").read_text(encoding="utf-8")
    assert "edited template" in (warm / "print_page" / "index.html").read_text(encoding="utf-8")


def test_every_template_environment_keeps_compiled_templates(tmp_path):
    """MkDocs' environment and print-site's own one both get the bytecode cache."""
    from mkdocs.theme import Theme

    from livingreview.speed.steps import _keep_compiled_templates

    theme = Theme(name="material")
    _keep_compiled_templates(theme, tmp_path / "jinja")
    first, second = theme.get_env(), theme.get_env()
    assert first is not second
    second.get_template("main.html")
    assert any((tmp_path / "jinja").iterdir()), "compiled templates were not kept"
    assert first.bytecode_cache.directory == str(tmp_path / "jinja")


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


def prefill_registry(registry, keys: list[str], cache: DigestCache) -> int:
    """Formatted text for `keys` in the registry at once; how many went through pandoc (0 on a warm cache)."""
    return formatting.PendingFormat(registry, keys, cache).finish()


def _registry(bib: Path):
    from mkdocs_bibtex.registry import PandocRegistry

    return PandocRegistry(bib_files=[str(bib)], csl_file=AMA, csl_file_encoding=None)


def test_cache_serves_a_second_build_without_pandoc(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    first = _registry(bib)
    assert prefill_registry(first, ["alpha2020", "beta2021", "unknown"], DigestCache(cache_file)) == 2
    assert "First title" in first._reference_cache["alpha2020"]
    second = _registry(bib)
    assert prefill_registry(second, ["alpha2020", "beta2021"], DigestCache(cache_file)) == 0
    assert second._reference_cache == first._reference_cache


def test_editing_an_entry_reformats_only_that_entry(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache_file = tmp_path / "cache.json"
    prefill_registry(_registry(bib), ["alpha2020", "beta2021"], DigestCache(cache_file))
    bib.write_text(BIB.replace("First title", "Corrected title"), encoding="utf-8")
    registry = _registry(bib)
    assert prefill_registry(registry, ["alpha2020", "beta2021"], DigestCache(cache_file)) == 1
    assert "Corrected title" in registry._reference_cache["alpha2020"]


def test_many_entries_are_shared_by_two_pandoc_runs_with_the_same_text(tmp_path, monkeypatch):
    """Each pandoc run formats its share of the entries; together they give what one run gives."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    keys = ["alpha2020", "beta2021"]
    one = _registry(bib)
    monkeypatch.setattr(formatting.os, "cpu_count", lambda: 1)
    prefill_registry(one, keys, DigestCache(None))
    runs: list[list[str]] = []
    format_with_pandoc = formatting._format_with_pandoc
    monkeypatch.setattr(formatting, "_format_with_pandoc",
                        lambda registry, share: runs.append(share) or format_with_pandoc(registry, share))
    monkeypatch.setattr(formatting.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(formatting, "MIN_ENTRIES_PER_RUN", 1)
    two = _registry(bib)
    assert prefill_registry(two, keys, DigestCache(None)) == 2
    assert sorted(runs) == [["alpha2020"], ["beta2021"]]
    assert two._reference_cache == one._reference_cache and "First title" in two._reference_cache["alpha2020"]
    assert formatting._pandoc_runs(0) == 0 and formatting._pandoc_runs(1) == 1


def test_pending_entries_read_as_pending_until_pandoc_is_done(tmp_path, monkeypatch):
    """While pandoc runs, mkdocs-bibtex finds every cited entry (PENDING), so it runs no pandoc of its own."""
    import threading

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    cache = DigestCache(tmp_path / "cache.json")
    prefill_registry(_registry(bib), ["alpha2020"], cache)  # alpha2020 cached, beta2021 not
    release = threading.Event()
    run = formatting._format_with_pandoc

    def held_back(registry, keys):
        release.wait(timeout=30)
        return run(registry, keys)

    monkeypatch.setattr(formatting, "_format_with_pandoc", held_back)
    registry = _registry(bib)
    pending = formatting.PendingFormat(registry, ["alpha2020", "beta2021"], DigestCache(tmp_path / "cache.json"))
    assert "First title" in registry._reference_cache["alpha2020"], "a cached entry is there at once"
    assert registry._reference_cache["beta2021"] == formatting.PENDING
    release.set()
    assert pending.finish() == 1
    assert "Second title" in registry._reference_cache["beta2021"]


def test_each_runs_texts_are_handed_on_before_finish_returns(tmp_path, monkeypatch):
    """`then` gets what each pandoc run formatted as it ends (the helper converts it ahead of the pages); a
    `then` that fails changes nothing of the formatting."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    monkeypatch.setattr(formatting.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(formatting, "MIN_ENTRIES_PER_RUN", 1)
    handed: list[dict[str, str]] = []
    registry = _registry(bib)
    pending = formatting.PendingFormat(registry, ["alpha2020", "beta2021"], DigestCache(None))
    pending.then(handed.append)
    pending.then(lambda texts: 1 / 0)
    assert pending.finish() == 2
    assert sorted(key for texts in handed for key in texts) == ["alpha2020", "beta2021"], "one call per run"
    assert {k: v for texts in handed for k, v in texts.items()} == registry._reference_cache


def test_a_pending_entry_left_by_a_failed_run_is_formatted_again(tmp_path, monkeypatch):
    """A `mkdocs serve` rebuild after a failed build finds PENDING in the kept registry: not a text."""
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    registry = _registry(bib)

    def failing(registry, keys):
        raise OSError("pandoc died")

    with monkeypatch.context() as patched:
        patched.setattr(formatting, "_format_with_pandoc", failing)
        pending = formatting.PendingFormat(registry, ["alpha2020"], DigestCache(None))
        with pytest.raises(OSError):
            pending.finish()
    assert "alpha2020" not in registry._reference_cache, "a failed run leaves no PENDING behind"
    registry._reference_cache["alpha2020"] = formatting.PENDING  # as if the build had stopped before finish()
    assert prefill_registry(registry, ["alpha2020"], DigestCache(None)) == 1
    assert "First title" in registry._reference_cache["alpha2020"]


def test_an_entry_pandoc_returns_nothing_for_leaves_the_registry(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    monkeypatch.setattr(formatting, "_format_with_pandoc", lambda registry, keys: {"alpha2020": "Doe J. Text."})
    registry = _registry(bib)
    assert prefill_registry(registry, ["alpha2020", "beta2021"], DigestCache(None)) == 2
    assert registry._reference_cache == {"alpha2020": "Doe J. Text."}


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
    assert DigestCache(cache_file).data == {}


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
        pybtex_cache.reuse_parsed_bib_files(True)
        assert mkdocs_bibtex.registry.parse_file is not parse_file
        kept = _registry(bib).bib_data
        assert kept.to_string("bibtex") == parse_file(str(bib)).to_string("bibtex")
    finally:
        pybtex_cache.reuse_parsed_bib_files(False)
    assert mkdocs_bibtex.registry.parse_file is parse_file


# --- `mkdocs serve`: rebuilds reuse what the first build made ---------------------------

SERVE_PROBE = """
import json, sys
from pathlib import Path
import pypandoc, mkdocs_bibtex.registry
from livingreview.references import bibliography
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

    from livingreview.core.project import BIB as BIB_DIR

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
    first = DigestCache(cache_file)
    first.put("old", "text of an entry since edited")
    first.put("kept", "text still cited")
    first.save()
    second = DigestCache(cache_file)
    assert second.get("kept") == "text still cited"
    second.save(prune=False)  # a build that looked up only part of what it uses keeps everything
    assert set(json.loads(cache_file.read_text(encoding="utf-8"))) == {"old", "kept"}
    second.save()
    assert json.loads(cache_file.read_text(encoding="utf-8")) == {"kept": "text still cited"}


def test_digest_cache_keeps_any_value_in_a_pickle_file(tmp_path):
    cache_file = tmp_path / "kept.pickle"
    first = DigestCache(cache_file)
    first.put("page", ({"id-a", "id-b"}, [(3, "../x/")]))
    first.save()
    assert DigestCache(cache_file).get("page") == ({"id-a", "id-b"}, [(3, "../x/")])
    cache_file.write_bytes(b"damaged")
    assert DigestCache(cache_file).data == {}


def test_kept_or_made_follows_its_inputs_and_the_package_code(tmp_path, monkeypatch):
    from livingreview.core import digest_cache

    made = []

    def make():
        made.append(1)
        return f"value {len(made)}"

    kept = DigestCache(tmp_path / "kept.pickle")
    assert digest_cache.kept_or_made(kept, ["a", b"b"], make) == "value 1"
    assert digest_cache.kept_or_made(kept, ["a", b"b"], make) == "value 1"
    assert digest_cache.kept_or_made(kept, ["ab", b""], make) == "value 2", "inputs are kept apart"
    assert digest_cache.kept_or_made(None, ["a", b"b"], make) == "value 3", "no cache: always made"
    monkeypatch.setattr(digest_cache, "code_digest", lambda: b"other code")
    assert digest_cache.kept_or_made(kept, ["a", b"b"], make) == "value 4", "changed code: made again"


def test_pybtex_parse_made_in_the_background_is_the_one_the_plugin_gets(tmp_path, monkeypatch):
    """The child process parses into the disk cache; the plugin's parse waits for it and parses nothing itself."""
    from pybtex.database import parse_file

    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    monkeypatch.setattr(parse_cache, "_disk", tmp_path / "parsed")
    assert pybtex_cache.parse_in_background([str(bib)])
    monkeypatch.setattr(pybtex_cache, "parse_file", lambda *a, **k: pytest.fail("parsed in this process"))
    kept = pybtex_cache.kept_parse_file(str(bib))
    assert kept.to_string("bibtex") == parse_file(str(bib)).to_string("bibtex")
    assert pybtex_cache._background is None, "the child was waited for"
    assert not pybtex_cache.parse_in_background([str(bib)]), "nothing left to parse: no child"


def test_a_failed_background_parse_leaves_the_parse_to_the_plugin(tmp_path, monkeypatch):
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    monkeypatch.setattr(parse_cache, "_disk", tmp_path / "parsed")
    monkeypatch.setattr(project, "SCRIPTS", tmp_path / "nowhere")  # the child cannot import livingreview
    monkeypatch.setenv("PYTHONPATH", "")
    assert pybtex_cache.parse_in_background([str(bib)])
    assert "alpha2020" in pybtex_cache.kept_parse_file(str(bib)).entries


def test_fields_no_style_can_print_are_left_out_of_pandocs_input(tmp_path):
    """pandoc's BibTeX reader drops the project's own fields and maps annote and keywords to CSL variables
    that only a style naming them prints: those are left out for AMA, kept for a style that prints them."""
    import pypandoc

    bib = tmp_path / "one.bib"
    bib.write_text('@article{k, author = "Doe, J", title = "T", year = "2020", annote = "A note",\n'
                   ' keywords = "site:lung", verification = "verified", verification_source = "PubMed",\n'
                   ' verification_date = "2026-11-01", listed = "yes", missing = "doi"}\n', encoding="utf-8")
    [item] = json.loads(pypandoc.convert_file(str(bib), "csljson", format="bibtex"))
    assert item["annote"] == "A note" and item["keyword"] == "site:lung"
    assert not {f.replace("_", "-") for f in formatting.DROPPED_BY_PANDOC} & {k.lower() for k in item}
    assert not set(formatting.DROPPED_BY_PANDOC).intersection(item), f"pandoc now reads them: {item}"
    assert formatting.unprinted_fields(AMA) == formatting.DROPPED_BY_PANDOC | {"annote", "keywords"}
    printing = tmp_path / "printing.csl"
    printing.write_text(Path(AMA).read_text(encoding="utf-8").replace(
        '<bibliography', '<macro name="n"><text variable="annote"/></macro>\n<bibliography', 1), encoding="utf-8")
    assert formatting.unprinted_fields(str(printing)) == formatting.DROPPED_BY_PANDOC | {"keywords"}


def test_pandoc_gets_the_heap_option_only_when_it_takes_it_and_gives_the_same_text(tmp_path, monkeypatch):
    monkeypatch.delenv("GHCRTS", raising=False)  # restored after the test, whatever use_pandoc_heap sets
    real_pandoc = formatting.pypandoc.get_pandoc_path
    refusing = tmp_path / "pandoc"  # as a pandoc built without runtime options answers GHCRTS
    refusing.write_text('#!/bin/sh\n[ -n "$GHCRTS" ] && echo "Warning: Ignoring GHCRTS variable" >&2\n'
                        'echo "pandoc 3.9"\n', encoding="utf-8")
    refusing.chmod(0o755)
    formatting._pandoc_takes.cache_clear()
    monkeypatch.setattr(formatting.pypandoc, "get_pandoc_path", lambda: str(refusing))
    formatting.use_pandoc_heap()
    assert "GHCRTS" not in os.environ, "given to a pandoc that would warn on every run"
    formatting._pandoc_takes.cache_clear()
    monkeypatch.setattr(formatting.pypandoc, "get_pandoc_path", real_pandoc)
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    monkeypatch.setenv(SOME_OFF_ENV, "pandoc-heap")
    plain = _registry(bib)
    prefill_registry(plain, ["alpha2020", "beta2021"], DigestCache(None))
    assert "GHCRTS" not in os.environ, "set with the mechanism off"
    monkeypatch.delenv(SOME_OFF_ENV)
    with_heap = _registry(bib)
    prefill_registry(with_heap, ["alpha2020", "beta2021"], DigestCache(None))  # sets it before pandoc runs
    assert os.environ.get("GHCRTS") == formatting.PANDOC_HEAP
    assert with_heap._reference_cache == plain._reference_cache
    monkeypatch.setenv("GHCRTS", "-A8m")
    formatting.use_pandoc_heap()
    assert os.environ["GHCRTS"] == "-A8m", "a GHCRTS the user set is theirs"
    formatting._pandoc_takes.cache_clear()
