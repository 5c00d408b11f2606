"""print-site's link rewriting done in one pass (livingreview.speed.print_site_links) gives print-site's own text."""

from __future__ import annotations

import pytest

from livingreview.speed import print_site_links


@pytest.fixture
def installed():
    assert print_site_links.install(True), "mkdocs-print-site-plugin 2.9 expected (requirements.lock)"
    yield print_site_links._original
    print_site_links.install(False)


def bibliography_page(entries: int) -> str:
    """Like the annotated bibliography: an id per entry, a cross-link per entry, external DOI links."""
    parts = ['<h2 id="site-lung">Lung<a class="headerlink" href="#site-lung" title="Link">&para;</a></h2>']
    for i in range(entries):
        parts.append(f'<div class="annotated-entry" id="ref-k{i}">\n<p>Entry {i}. '
                     f'<a href="https://doi.org/10.1/{i}">doi</a> <span class="ref-status">ok</span></p>\n</div>')
    parts.append("<ul>" + "".join(f'<li>See <a href="#ref-k{i}">K{i}</a> above.</li>' for i in range(entries))
                 + "</ul>")
    parts.append('<p><a href="../sites/lung/#pet">lung</a> <a title="x" href="../methods/">methods</a></p>')
    return "\n".join(parts)


@pytest.mark.parametrize("key, url", [("references", "references/"), ("sites-lung", "sites/lung/")])
def test_same_text_as_print_site_without_calling_it_on_the_page(installed, monkeypatch, key, url):
    page = bibliography_page(300)
    expected = installed(page, key, url, True)
    whole_page_calls = []

    def counting(html, *args):
        if html == page:
            whole_page_calls.append(1)
        return installed(html, *args)

    monkeypatch.setattr(print_site_links, "_original", counting)
    assert print_site_links.fix_href_links(page, key, url, True) == expected
    assert not whole_page_calls, "fell back to print-site's own whole-page loop"


@pytest.mark.parametrize("page", [
    # print-site rewrites #x to #p-x, then rewrites that result again: order matters, so no shortcut.
    '<a href="#x">a</a> <a href="#p-x">b</a>',
    # the same text where print-site's pattern did not match it (inside an attribute)
    '<span title=\'<a href="#x"\'></span><a href="#x">a</a>',
    '<A HREF="#x">upper</A> <a href="#x">lower</a> <a\n href="#y">newline</a>',
    '<p>no links at all</p>',
    '<a href="#x"><a href="#x">nested</a></a> <a class="c" href="#x">',
])
def test_tricky_pages_give_print_sites_text(installed, page):
    assert print_site_links.fix_href_links(page, "p", "p/", True) == installed(page, "p", "p/", True)


def footnoted_page(notes: int) -> str:
    """Like a site page: headings, footnote references and the footnote list, each with an id print-site prefixes."""
    refs = "".join(f'<sup id="fnref:k{i}"><a class="footnote-ref" href="#fn:k{i}">{i}</a></sup>' for i in range(notes))
    items = "".join(f'<li id="fn:k{i}">\n<p>Ref {i}. <a class="footnote-backref" href="#fnref:k{i}">&#8617;</a></p>\n'
                    "</li>\n" for i in range(notes))
    return (f'<h1 id="lung">Lung</h1>\n<h2 id="pet">PET</h2>\n<p>Text{refs}</p>\n'
            f'<div class="annotated-entry" id="ref-k1"></div>\n<div class="footnote">\n<ol>\n{items}</ol>\n</div>')


@pytest.mark.parametrize("key", ["sites-lung", "references"])
def test_ids_get_print_sites_prefix_without_its_whole_page_loop(installed, monkeypatch, key):
    page = footnoted_page(300)
    expected = print_site_links._original_ids(page, key)
    assert expected != page and f'id="{key}-fn:k7"' in expected
    monkeypatch.setattr(print_site_links, "_original_ids", lambda *args: pytest.fail("fell back to print-site"))
    assert print_site_links.update_anchor_ids(page, key) == expected


@pytest.mark.parametrize("page", [
    '<h2 id="x">X</h2> <h2 id="p-x">already prefixed</h2>',  # a new text equal to an old one: order matters
    '<li class="x" id="x">the id text also in the class</li>',
    '<li><span id="s">print-site changes the span through the li</span></li>',
    '<h2 id="">empty id</h2>',
    '<H2 ID="upper">case</H2> <h2 id="upper">lower</h2>',
    '<div id="d"><li id="a" title="<b>">attribute with a tag in it</li></div>',
    '<p>no ids at all</p>',
])
def test_tricky_ids_give_print_sites_text(installed, page):
    assert print_site_links.update_anchor_ids(page, "p") == print_site_links._original_ids(page, "p")


def test_a_page_rewrite_is_kept_and_reused_while_the_page_is_unchanged(tmp_path):
    from mkdocs_print_site_plugin import renderer

    original = print_site_links._original_page or renderer.fix_internal_links
    html = '<h2 id="a">A</h2><p><a href="../other/#b">b</a> <a href="#a">a</a></p>'
    calls = []
    try:
        assert print_site_links.install(True, tmp_path / "print-pages.pickle")
        first = renderer.fix_internal_links(html, "page/", True, "1")
        assert first == original(html, "page/", True, "1") and "page-a" in first
        print_site_links.save()
        assert print_site_links.install(True, tmp_path / "print-pages.pickle")  # the next build
        print_site_links._original_page = lambda *args: calls.append(args) or original(*args)
        assert renderer.fix_internal_links(html, "page/", True, "1") == first
        assert calls == [], "an unchanged page was rewritten again"
        assert renderer.fix_internal_links(html, "other/", True, "2") == original(html, "other/", True, "2")
        assert len(calls) == 1, "another URL or heading number is another rewrite"
    finally:
        print_site_links._original_page = original
        print_site_links.install(False)
    assert renderer.fix_internal_links is original
