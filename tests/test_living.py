"""The living part: release manifests and what changed, the feed, releases and frozen versions (mike)."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
import yaml
from lxml import html as lxml_html

from check_cases import tree_digest
from conftest import html_path
from living_flow import EDITED_PAGE, current_version, git_copy, livingreview, run
from livingreview.citing.records import versioned_url
from livingreview.living import changes, feed
from livingreview.living.manifest import Manifest, PageManifest


def page(title: str, sections: dict[str, str], references=(), studies=()) -> PageManifest:
    return PageManifest(title, {k: {"title": k.title(), "digest": d} for k, d in sections.items()},
                        list(references), list(studies))


OLD = Manifest("0.1.0", "2026-11-27", {
    "sites/lung.md": page("Lung cancer", {"_intro": "a", "pet": "b", "sabr": "c"}, ["x", "y"], ["x"]),
    "sites/gone.md": page("Gone", {"_intro": "z"}),
}, {"x": "seen-in-sources", "y": "unverified"})
NEW = Manifest("0.2.0", "2026-12-05", {
    "sites/lung.md": page("Lung cancer", {"_intro": "a", "pet": "B", "adaptive": "d"}, ["x", "z"], ["x", "z"]),
    "sites/new.md": page("New", {"_intro": "n"}),
}, {"x": "seen-in-sources", "y": "seen-in-sources", "z": "seen-in-sources"})


def test_changes_between_two_manifests_by_section_id_and_text():
    found = changes.compare(OLD, NEW)
    [lung] = found.pages
    assert lung.added_sections == [("adaptive", "Adaptive")] and lung.changed_sections == [("pet", "Pet")]
    assert lung.removed_sections == [("sabr", "Sabr")]
    assert (lung.added_references, lung.removed_references) == (["z"], ["y"])
    assert (lung.added_studies, lung.removed_studies) == (["z"], [])
    assert found.added_pages == [("sites/new.md", "New")] and found.removed_pages == [("sites/gone.md", "Gone")]
    assert found.statuses == [("y", "unverified", "seen-in-sources")]
    text = changes.to_markdown(found)
    assert "[Adaptive](sites/lung.md#adaptive)" in text and "sections changed: [Pet](sites/lung.md#pet)" in text
    assert "Verification of `y`: unverified → seen-in-sources" in text and "New page: [New](sites/new.md)" in text


def test_unchanged_manifests_say_so_and_a_first_release_lists_every_page():
    assert changes.compare(NEW, NEW).pages == [] and "No page changed" in changes.to_markdown(changes.compare(NEW, NEW))
    assert "First release" in changes.to_markdown(changes.compare(None, NEW))


def test_each_page_knows_the_release_it_last_changed_in():
    assert changes.last_changed([OLD, NEW]) == {"sites/lung.md": "0.2.0", "sites/gone.md": "0.1.0",
                                                "sites/new.md": "0.2.0"}
    same = Manifest("0.3.0", "2027-01-01", NEW.pages, NEW.statuses)
    assert changes.last_changed([OLD, NEW, same])["sites/lung.md"] == "0.2.0"


def test_a_manifest_reads_back_what_it_wrote():
    again = Manifest.from_json(NEW.to_json())
    assert again.to_json() == NEW.to_json() and again.pages["sites/lung.md"].sections["pet"]["digest"] == "B"


def test_the_feed_is_atom_that_feedparser_reads():
    from livingreview.citing.records import review_from_config

    review = review_from_config({"review": {"version": "0.2.0", "released": "2026-12-05", "publisher": "P",
                                            "authors": ["Group"], "key": "k"}},
                                site_name="Review", site_url="https://example.org/review/")
    releases = [feed.Release("0.2.0", feed.datetime.date(2026, 12, 5), "Breadth & <data>.", "v0-2-0",
                             [("sites/lung/", "Lung cancer")]),
                feed.Release("0.1.0", feed.datetime.date(2026, 11, 27), "First.", "v0-1-0")]
    parsed = feedparser.parse(feed.atom_feed(review, releases))
    assert not parsed.bozo, parsed.bozo_exception
    assert [e.title for e in parsed.entries] == ["Version 0.2.0", "Version 0.1.0"]
    first = parsed.entries[0]
    assert first.link == "https://example.org/review/0.2.0/changelog/#v0-2-0"
    assert first.summary == "Breadth & <data>." or "Breadth &amp;" in first.summary
    assert "https://example.org/review/0.2.0/sites/lung/" in [link.href for link in first.links]


def test_the_built_site_has_a_feed_every_page_links_to(built_site):
    parsed = feedparser.parse((built_site.site / "feed.xml").read_bytes())
    assert not parsed.bozo and parsed.entries and parsed.feed.title
    for source in ("index.md", "sites/lung.md", "references.md"):
        head = lxml_html.fromstring(html_path(built_site.site, source).read_text(encoding="utf-8"))
        href = head.xpath("//link[@type='application/atom+xml']/@href")
        assert href and href[0].endswith("feed.xml"), source


def test_every_topic_page_says_its_version(built_site):
    html = html_path(built_site.site, "sites/lung.md").read_text(encoding="utf-8")
    assert re.search(r'class="review-notice__version">Version \d+\.\d+\.\d+ of the review', html)


def test_versioned_addresses():
    assert versioned_url("https://e.org/r/", "0.2.0") == "https://e.org/r/0.2.0/"
    assert versioned_url("https://e.org/r/0.2.0", "0.2.0") == "https://e.org/r/0.2.0/"  # under mike


# --- releases that must be refused ------------------------------------------------------


@pytest.fixture
def repo(tmp_path):
    return git_copy(tmp_path / "project")


@pytest.mark.parametrize("make_it_wrong, words", [
    (lambda p: None, "is not newer"),
    (lambda p: (p / "docs" / "sites" / "lung.md").write_text("changed", encoding="utf-8"), "uncommitted changes"),
    (lambda p: (run(p, "sh", "-c", "printf '\\nA claim with a key nobody defined [@nosuchkey2099].\\n' >> "
                    "docs/sites/lung.md && git commit -qam broken")), "make check fails"),
])
def test_a_release_refused_changes_nothing(repo, make_it_wrong, words):
    make_it_wrong(repo)
    version = current_version(repo) if words == "is not newer" else "9.9.9"
    before = tree_digest(repo / "docs"), (repo / "mkdocs.yml").read_bytes(), run(repo, "git", "rev-parse", "HEAD").stdout
    result = livingreview(repo, "release", "--version", version, "--summary", "x", check=False)
    assert result.returncode == 1 and words in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    after = tree_digest(repo / "docs"), (repo / "mkdocs.yml").read_bytes(), run(repo, "git", "rev-parse", "HEAD").stdout
    assert after == before and not run(repo, "git", "tag").stdout.strip()


def test_a_published_version_is_never_rebuilt(repo):
    livingreview(repo, "publish")
    again = livingreview(repo, "publish", check=False)
    assert again.returncode == 1 and "already published" in again.stderr and "Traceback" not in again.stderr


# --- the whole flow: publish, edit, release, publish ------------------------------------


@pytest.mark.slow
def test_both_versions_are_served_side_by_side(release_flow):
    versions = json.loads((release_flow.pages / "versions.json").read_text(encoding="utf-8"))
    by_version = {v["version"]: v for v in versions}
    assert set(by_version) == {release_flow.first, release_flow.second}
    assert by_version[release_flow.second]["aliases"] == ["latest"] and by_version[release_flow.first]["aliases"] == []
    for version in (release_flow.first, release_flow.second):
        assert (release_flow.pages / version / "sites" / "lung" / "index.html").is_file()
    assert (release_flow.pages / "latest" / "sites" / "lung" / "index.html").is_file()
    # Addresses without a version (version 0.1.0's citations, older links) lead to the page in latest.
    stub = (release_flow.pages / "sites" / "lung" / "index.html").read_text(encoding="utf-8")
    assert 'location.replace("../../latest/sites/lung/" + location.hash)' in stub
    assert not (release_flow.pages / release_flow.first / release_flow.first).exists()
    assert "latest" in (release_flow.pages / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_version_cites_its_own_address(release_flow):
    for version in (release_flow.first, release_flow.second):
        html = (release_flow.pages / version / "sites" / "lung" / "index.html").read_text(encoding="utf-8")
        tree = lxml_html.fromstring(html)
        url = tree.xpath("//meta[@name='citation_fulltext_html_url']/@content")[0]
        assert url.endswith(f"/{version}/sites/lung/"), url
        assert tree.xpath("//link[@rel='canonical']/@href") == [url]  # mike's site_url carries the version
        assert tree.xpath("//meta[@name='citation_technical_report_number']/@content") == [f"Version {version}"]
        bib = (release_flow.pages / version / "prt-living-review-sites-lung.bib").read_text(encoding="utf-8")
        assert f"/{version}/sites/lung/" in bib and f"Version {version}" in bib


@pytest.mark.slow
def test_the_new_version_lists_what_changed_and_the_feed_both_releases(release_flow):
    changelog = (release_flow.project / "docs" / "changelog.md").read_text(encoding="utf-8")
    assert f"\n\n## Version {release_flow.second}" in changelog  # its own block, after a blank line
    entry = changelog.split(f"## Version {release_flow.second}", 1)[1].split("\n## Version", 1)[0]
    assert "A test release." in entry
    assert "[A section added for the release test](sites/lung.md#release-test)" in entry
    assert re.search(r"\[Lung cancer\]\(sites/lung\.md\): sections added", entry)
    parsed = feedparser.parse((release_flow.pages / release_flow.second / "feed.xml").read_bytes())
    assert [e.title for e in parsed.entries][:2] == [f"Version {release_flow.second}", f"Version {release_flow.first}"]
    assert any(link.href.endswith(f"/{release_flow.second}/sites/lung/") for link in parsed.entries[0].links)
    assert (release_flow.project / "published" / "manifests" / f"{release_flow.second}.json").is_file()
    cff = yaml.safe_load((release_flow.project / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == cff["preferred-citation"]["version"] == release_flow.second
    assert cff["preferred-citation"]["url"].endswith(f"/{release_flow.second}/") and cff["url"].endswith("/living-review/")
    assert run(release_flow.project, "git", "tag").stdout.split() == [f"v{release_flow.second}"]
    anchors = json.loads((release_flow.project / "published" / "anchors.json").read_text(encoding="utf-8"))
    assert "release-test" in anchors["pages"]["sites/lung.md"]["ids"]
    lung = (release_flow.pages / release_flow.second / "sites" / "lung" / "index.html").read_text(encoding="utf-8")
    assert "this page last changed in version" in lung and release_flow.second in lung
    assert EDITED_PAGE


def test_addresses_without_a_version_get_redirects_that_never_overwrite_a_real_page(tmp_path):
    from livingreview.living import publish

    repo = tmp_path / "repo"
    repo.mkdir()
    files = {"0.2.0/index.html": "home", "0.2.0/sites/a/index.html": "a", "0.2.0/own/index.html": "own",
             "own/index.html": "a page someone put there", "versions.json": "[]", "index.html": "mike's"}
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    for args in (("init", "-q", "-b", "gh-pages"), ("add", "-A"), ("commit", "-q", "-m", "pages"),
                 ("checkout", "-q", "-b", "main")):  # the maintainer's checkout is on main
        run(repo, "git", *args)
    assert publish.redirect_unversioned_addresses(repo, "0.2.0", ["0.2.0"], say=lambda _: None) == 1

    def on_branch(name: str) -> str:
        return run(repo, "git", "show", f"gh-pages:{name}").stdout

    assert 'location.replace("../../latest/sites/a/" + location.hash)' in on_branch("sites/a/index.html")
    assert on_branch("own/index.html") == "a page someone put there"
    assert on_branch("index.html") == "mike's"
    assert publish.redirect_unversioned_addresses(repo, "0.2.0", ["0.2.0"], say=lambda _: None) == 0  # no change
