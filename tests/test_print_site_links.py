"""print-site's link rewriting done in one pass (livingreview.print_site_links) gives print-site's own text."""

from __future__ import annotations

import pytest

from livingreview import print_site_links


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


def test_install_can_be_switched_off():
    from mkdocs_print_site_plugin import urls

    assert print_site_links.install(True) and urls.fix_href_links is print_site_links.fix_href_links
    assert not print_site_links.install(False)
    assert urls.fix_href_links is print_site_links._original
