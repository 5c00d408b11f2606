"""Published addresses stay valid: published/anchors.json, the check, and the redirects that satisfy it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from livingreview.citing import anchors
from livingreview.citing.records import review_from_config
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.project import ROOT


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "livingreview", *args, "--root", str(root)],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})


def snapshot(root: Path) -> dict[str, bytes]:
    files = [root / "mkdocs.yml", *sorted((root / "docs").rglob("*")), *sorted((root / "published").rglob("*"))]
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.is_file()}


def test_the_project_keeps_every_published_address():
    findings = anchors.check_anchors(ROOT)
    assert not findings, "\n".join(map(str, findings))


def test_record_covers_the_committed_pages_and_their_sections():
    record = anchors.load_record(ROOT)
    assert record is not None
    lung = record["pages"]["sites/lung.md"]
    assert lung["url"] == "sites/lung/"
    assert {"pet-target-definition", "dose-escalation"} <= set(lung["ids"])
    assert record["pages"]["index.md"]["url"] == ""


def test_heading_ids_as_the_toc_extension_makes_them():
    text = ("---\ntitle: T\n---\n\n# Page {#top}\n\n## Explicit id {#given}\n\n## Auto *slug* here\n\n"
            "### Closed heading ###\n\n```\n## not a heading {#code}\n```\n\n"
            "<a id=\"old-name\"></a>\n## New name {: #new-name .x}\n")
    assert anchors.heading_ids(text) == ["given", "auto-slug-here", "closed-heading", "new-name"]
    assert anchors.all_ids(text) >= {"given", "old-name", "new-name", "top"}
    assert "code" not in anchors.all_ids(text)


@pytest.mark.parametrize("src, url", [("index.md", ""), ("sites/lung.md", "sites/lung/"),
                                      ("sites/index.md", "sites/"), ("a/README.md", "a/")])
def test_page_url(src, url):
    assert anchors.page_url(src) == url


def test_a_removed_heading_id_fails_the_check(project_copy: Path):
    page = project_copy / "docs" / "sites" / "lung.md"
    page.write_text(page.read_text(encoding="utf-8").replace(" {#dose-escalation}", ""), encoding="utf-8")
    before = snapshot(project_copy)
    result = run_cli(project_copy, "check-anchors")
    assert result.returncode == 1
    assert "docs/sites/lung.md:1: error: section id 'dose-escalation' was published" in result.stdout
    assert "[published-anchors]" in result.stdout
    assert snapshot(project_copy) == before  # a check changes nothing on disk

    # Keeping the old id as an anchor before the heading satisfies it.
    text = page.read_text(encoding="utf-8").replace("## Dose escalation", '<a id="dose-escalation"></a>\n\n'
                                                    "## Dose escalation", 1)
    page.write_text(text, encoding="utf-8")
    assert not anchors.check_anchors(project_copy)


def rename_lung_page(root: Path) -> None:
    (root / "docs" / "sites" / "lung.md").rename(root / "docs" / "sites" / "lung-cancer.md")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("sites/lung.md", "sites/lung-cancer.md"),
                      encoding="utf-8")


def add_redirect(root: Path, old: str, new: str) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "redirect_maps: {}" in text
    config.write_text(text.replace("redirect_maps: {}", f"redirect_maps:\n        {old}: {new}"), encoding="utf-8")


def test_a_renamed_page_fails_until_redirected(project_copy: Path):
    rename_lung_page(project_copy)
    findings = anchors.check_anchors(project_copy)
    assert [f.path for f in findings] == ["published/anchors.json"]
    assert "page sites/lung.md (published at /sites/lung/) is gone and has no redirect" in findings[0].message
    assert findings[0].line == anchors._line_of((project_copy / anchors.RECORD).read_text(), '"sites/lung.md"') > 1

    add_redirect(project_copy, "sites/lung.md", "sites/lung-cancer.md")
    assert not anchors.check_anchors(project_copy)

    # The redirect carries the section anchors: they must exist on the new page.
    page = project_copy / "docs" / "sites" / "lung-cancer.md"
    page.write_text(page.read_text(encoding="utf-8").replace("{#sabr}", "{#sabr-comet}"), encoding="utf-8")
    [finding] = anchors.check_anchors(project_copy)
    assert finding.path == "docs/sites/lung-cancer.md" and "'sabr'" in finding.message


def test_a_redirect_to_a_missing_page_is_reported(project_copy: Path):
    rename_lung_page(project_copy)
    add_redirect(project_copy, "sites/lung.md", "sites/lungs.md")
    [finding] = anchors.check_anchors(project_copy)
    assert finding.path == "mkdocs.yml" and "sites/lungs.md, which is not a page" in finding.message


def current_review(root: Path):
    config = load_mkdocs_yaml(root / "mkdocs.yml").data
    return review_from_config(config.get("extra"), site_name=str(config.get("site_name", "")),
                              site_url=config.get("site_url"))


def test_publish_adds_new_pages_and_ids_and_never_drops_old_ones(project_copy: Path):
    rename_lung_page(project_copy)
    add_redirect(project_copy, "sites/lung.md", "sites/lung-cancer.md")
    result = run_cli(project_copy, "publish-anchors")
    assert result.returncode == 0, result.stdout + result.stderr
    pages = json.loads((project_copy / anchors.RECORD).read_text(encoding="utf-8"))["pages"]
    assert "sites/lung.md" in pages and "sites/lung-cancer.md" in pages
    review = current_review(project_copy)
    assert pages["sites/lung-cancer.md"]["first_published"] == review.released.isoformat()
    assert pages["sites/lung-cancer.md"]["first_version"] == review.version
    assert pages["sites/lung.md"]["first_version"] == "0.1.0"  # the old page keeps its own
    written = (project_copy / anchors.RECORD).read_text(encoding="utf-8")
    run_cli(project_copy, "publish-anchors")
    assert (project_copy / anchors.RECORD).read_text(encoding="utf-8") == written  # idempotent


def test_no_record_is_an_error(project_copy: Path):
    (project_copy / anchors.RECORD).unlink()
    [finding] = anchors.check_anchors(project_copy)
    assert "make publish-anchors" in finding.message
