"""Citation-like text in code survives mkdocs-bibtex as literal text."""

from __future__ import annotations

from hypothesis import given, strategies as st

from livingreview.references import code_guard


def test_at_signs_in_code_are_hidden_and_prose_is_not():
    """Only the "@" inside code spans and fences changes."""
    text = "Cited [@a].\n\nCode `[@b]` here.\n\n```\n[@c]\n```\n"
    protected = code_guard.protect(text)
    assert "[@a]" in protected
    assert "[@b]" not in protected and "[@c]" not in protected
    assert code_guard.restore(protected) == text


@given(st.text(alphabet=st.sampled_from(list("@[]`~ \nab;-")), max_size=200))
def test_protect_then_restore_is_the_identity(text):
    """Whatever the input, restoring gives back exactly the original text."""
    assert code_guard.restore(code_guard.protect(text)) == text


def test_citations_in_code_render_literally_in_a_strict_build(project_copy):
    """A page showing citation syntax in code builds strictly and shows it verbatim."""
    from conftest import html_path, run_mkdocs_build

    page = project_copy / "docs" / "methods.md"
    page.write_text(
        page.read_text(encoding="utf-8")
        + "\n## Citation syntax {#citation-syntax}\n\nWrite `[@dearnaley2016chhip]` in a page. <!-- no-claim -->\n\n"
        + "```markdown\nSeveral at once: [@no_such_key; @rtog0617]\n```\n",
        encoding="utf-8",
    )
    build = run_mkdocs_build(project_copy, project_copy / "site")
    assert build.returncode == 0, build.log[-2000:]
    html = html_path(build.site, "methods.md").read_text(encoding="utf-8")
    assert "<code>[@dearnaley2016chhip]</code>" in html
    from lxml import html as lxml_html

    code_text = "".join(lxml_html.fromstring(html).xpath("//pre//text()"))
    assert "[@no_such_key; @rtog0617]" in code_text
    assert code_guard.SENTINEL not in html
    assert 'id="fn:dearnaley2016chhip"' not in html
