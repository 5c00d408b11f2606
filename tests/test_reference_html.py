"""References written as HTML outside the page's Markdown give what the page's Markdown gave.

The annotated bibliography and each page's reference footnotes are rendered by
livingreview.references.render through livingreview.core.short_markdown (PERFORMANCE.md says
why); these tests compare that path with converting the same text in the page.
"""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livingreview.references import render
from livingreview.references.bibliography import Entry
from livingreview.core.digest_cache import DigestCache
from livingreview.core.mkdocs_yaml import load_mkdocs_yaml
from livingreview.core.project import ROOT
from livingreview.core.short_markdown import ShortMarkdown

GLOSSARY = {"CT": "Computed tomography", "MRI": "Magnetic resonance imaging"}
TEXTS = {
    "doe2020": "Doe J, Roe R. A trial of *MRI*-guided CT planning \\[phase 3\\]. *Lancet Oncol*. 2020;21(3):1-9. "
               "doi:[10.1/x](https://doi.org/10.1/x)",
    "roe2019": "[Roe R, Poe P, et al.]{.nocase} Dose & fractionation: 2 Gy vs <5 Gy. *J Clin Oncol*. 2019.",
}


def entry(key: str, **fields: str) -> Entry:
    base = {"author": "Doe, J.", "title": "T", "year": "2020", "keywords": "site:lung, tech:radiomics, type:trial",
            "verification": "seen-in-sources", "verification_source": "PubMed page & publisher <site>",
            "verification_date": "2026-11-01", "annote": "A CT study of *radiomics* features."}
    return Entry(key, "article", {**base, **fields}, "bib/references.bib", 1)


def page_markdown() -> markdown.Markdown:
    """Python-Markdown set up as the site's pages are (extensions from mkdocs.yml), with the glossary."""
    config = load_mkdocs_yaml(ROOT / "mkdocs.yml").data
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name = next(iter(item)) if isinstance(item, dict) else item
        if name == "pymdownx.snippets":
            continue  # the glossary comes from abbreviation definitions appended below
        names.append(name)
        if isinstance(item, dict):
            configs[name] = item[name]
    return markdown.Markdown(extensions=names, extension_configs=configs)


def with_glossary(text: str) -> str:
    return text + "\n\n" + "\n".join(f"*[{term}]: {meaning}" for term, meaning in GLOSSARY.items()) + "\n"


def test_footnotes_as_html_equal_footnotes_as_markdown():
    entries = {key: entry(key) for key in TEXTS}
    page = "Claim one[^doe2020]. Claim two[^roe2019] and [^other].\n\n" + "\n".join(
        f"[^{key}]: {text}" for key, text in TEXTS.items()) + "\n[^other]: A plain note with *CT*.\n"
    # The Markdown-only way: the text and badge go through the page's conversion.
    old = page_markdown().convert(with_glossary(render.FOOTNOTE_DEF.sub(
        lambda m: (f"[^{m['key']}]: {render.clean_reference_text(m['text'])} "
                   f"{render.status_badge(entries[m['key']])}\n") if m["key"] in entries else m[0], page)))
    slotted, texts = render.take_footnotes(page, entries)
    assert texts == TEXTS and "*Lancet Oncol*" not in slotted, "references were not taken out"
    to_html = ShortMarkdown(GLOSSARY)
    filled = {key: render.footnote_html(text, entries[key], to_html) for key, text in texts.items()}
    new = render.fill_footnotes(page_markdown().convert(with_glossary(slotted)), filled)
    assert new == old
    assert "{.nocase}" not in new and 'class="ref-status ref-status--seen-in-sources"' in new


def test_footnotes_of_unknown_keys_and_the_full_bibliography():
    """Only entries' footnotes are taken; without slots (the annotated bibliography's full list) they go."""
    page = "Claim[^doe2020] and [^note].\n\n[^doe2020]: Doe J. Text.\n[^note]: A note.\n"
    slotted, texts = render.take_footnotes(page, {"doe2020": entry("doe2020")})
    assert texts == {"doe2020": "Doe J. Text."}
    assert "[^doe2020]: <!--livingreview-reference:doe2020-->" in slotted and "[^note]: A note." in slotted
    gone, texts = render.take_footnotes(page, {"doe2020": entry("doe2020")}, keep_slots=False)
    assert texts == {"doe2020": "Doe J. Text."} and "[^doe2020]:" not in gone and "[^note]: A note." in gone


@pytest.mark.parametrize("text, expected", [
    ("1000. Genomes Project. *Nature*. 2015.", "1000. Genomes Project. <em>Nature</em>. 2015."),
    ("# Group. A *CT* study.", '# Group. A <em><abbr title="Computed tomography">CT</abbr></em> study.'),
    ("- Anonymous. Title.", "- Anonymous. Title."),
    ("> Quoted. *J*.", "&gt; Quoted. <em>J</em>."),
    ("<div>raw</div> record", "&lt;div&gt;raw&lt;/div&gt; record"),  # no escape helps: shown as plain text
])
def test_a_reference_that_opens_with_block_markdown_is_still_one_paragraph(text, expected):
    to_html = ShortMarkdown(GLOSSARY)
    assert render.paragraph_content(to_html(text)) is None, "not a case of block Markdown"
    assert render.reference_html(text, to_html) == expected
    # In a page, the footnote holds one paragraph: the reference, its badge and the back link.
    page = f"Claim[^odd].\n\n[^odd]: {text}\n"
    slotted, texts = render.take_footnotes(page, {"odd": entry("odd")})
    html = render.fill_footnotes(page_markdown().convert(slotted),
                                 {"odd": render.footnote_html(texts["odd"], entry("odd"), to_html)})
    footnote = html[html.index('<li id="fn:odd">'):]
    assert footnote.count("<p>") == 1 and expected in footnote and "ref-status" in footnote


def test_annotated_bibliography_is_html_in_slots_under_markdown_headings():
    entries = [entry("doe2020"), entry("roe2019", keywords="site:lung, site:prostate, tech:radiomics, type:trial",
                                       doi="10.1234/y", annote="")]
    annotated = render.annotated_bibliography(entries)
    md = page_markdown()
    html = annotated.fill(md.convert(with_glossary(annotated.markdown)), TEXTS.get, ShortMarkdown(GLOSSARY))
    assert annotated.anchors == {"ref-doe2020", "ref-roe2019"}
    assert "livingreview-slot" not in html
    # Each entry once in full, cross-linked from its second group, with badge, annotation and meta line.
    assert html.count('id="ref-roe2019"') == 1 and 'See <a href="#ref-roe2019">Doe 2020</a> above.' in html
    assert '<h2 id="site-lung">' in html and '<h2 id="site-prostate">' in html
    assert '<abbr title="Computed tomography">CT</abbr> study of <em>radiomics</em>' in html
    assert "Verification: PubMed page &amp; publisher &lt;site&gt;" in html
    assert '<a href="https://doi.org/10.1234/y">doi:10.1234/y</a>' in html, "DOI not in the text: linked in the meta line"
    assert 'ref-status--seen-in-sources" title="' in html and "{.nocase}" not in html


def test_short_markdown_keeps_its_results_by_text_and_glossary(tmp_path, monkeypatch):
    cache_file = tmp_path / "entry-html.json"
    first = ShortMarkdown(GLOSSARY, DigestCache(cache_file))
    converted = first("A *CT* scan.")
    first.save()
    assert converted == '<p>A <em><abbr title="Computed tomography">CT</abbr></em> scan.</p>'
    calls = []
    monkeypatch.setattr(markdown.Markdown, "convert", lambda self, text: calls.append(text) or "<p>x</p>")
    assert ShortMarkdown(GLOSSARY, DigestCache(cache_file))("A *CT* scan.") == converted
    assert calls == [], "a kept result was converted again"
    ShortMarkdown({"CT": "Cone-beam CT"}, DigestCache(cache_file))("A *CT* scan.")
    assert calls == ["A *CT* scan."], "a changed glossary must convert again"


@pytest.mark.parametrize("damage", ["{not json", ""])
def test_damaged_html_cache_is_ignored(tmp_path, damage):
    cache_file = tmp_path / "entry-html.json"
    cache_file.write_text(damage, encoding="utf-8")
    assert ShortMarkdown(GLOSSARY, DigestCache(cache_file))("*x*") == "<p><em>x</em></p>"


def test_html_slots_fill_where_markdown_left_them_and_refuse_surprises():
    from livingreview.core.html_slots import HtmlSlots

    slots = HtmlSlots()
    text = f"## A {{#a}}\n\n{slots.add('a', '<ul><li>one</li></ul>')}\n\nAfter.\n"
    page = slots.fill(page_markdown().convert(text))
    assert re.search(r'<h2 id="a">.*</h2>\s*<ul><li>one</li></ul>\s*<p>After.</p>', page) and "slot" not in page
    with pytest.raises(ValueError, match="two slots"):
        slots.add("a", "again")
    lost = HtmlSlots()
    inside_code = f"```\n{lost.add('b', '<p>x</p>')}\n```\n"  # escaped by Markdown: the slot is gone
    with pytest.raises(ValueError, match="missing from the converted page"):
        lost.fill(page_markdown().convert(inside_code))


PIECES = [*"aZé9 .,;:-'\"()/%+=?{}$@^\u00a0\u2013\x02\x0b\f_&<\\#*`[]!~|CTMRI\n", "CT", "MRI", "CTs", " * ",
          "1. ", "word", "](https://e.org/CT)", "&amp;", "&#67;", "\\-", "<b>", "</b>", "*[CT]: x\n", "*[X]: y\n",
          "  \n", "\n\n", "`CT`"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join))
def test_plain_text_shortcut_gives_what_markdown_gives(text):
    """Both shortcuts: plain text skips Markdown, text without a glossary term skips the glossary."""
    fast = ShortMarkdown(GLOSSARY)
    slow = markdown.Markdown(extensions=["abbr"], extension_configs={"abbr": {"glossary": GLOSSARY}})
    assert fast(text) == slow.convert(text)


def test_the_helper_process_converts_as_short_markdown_does(monkeypatch):
    """convert_all (run in the helper) rebuilds the Markdown set-up from the fingerprint: the site's whole
    glossary and texts using it give the same HTML as ShortMarkdown itself."""
    from livingreview.reader import glossary
    from livingreview.speed import offload
    from livingreview.core.short_markdown import convert_all

    abbreviations = {a.term: a.meaning for a in glossary.load_abbreviations()[0]}
    assert len(abbreviations) > 10
    texts = [f"A *{term}* study of {term}s and {term}-based [{term}](https://e.org/{term}) planning."
             for term in abbreviations] + list(TEXTS.values())
    short = ShortMarkdown(abbreviations)
    assert convert_all(short.fingerprint, texts) == [short(text) for text in texts]
    # convert_ahead promises those texts; the page then takes what the helper made.
    promised = []
    monkeypatch.setattr(offload, "wanted", lambda cost: True)
    monkeypatch.setattr(offload, "submit_each",
                        lambda function, *args, count, cost: promised.append(args[1]) or [None] * count)
    ahead = ShortMarkdown(abbreviations)
    offload.convert_ahead(ahead, texts + ["Plain text needs no Markdown"], chunk=7)
    assert sorted(t for chunk in promised for t in chunk) == sorted(set(texts)), "plain texts are not sent"
    assert promised[0] == texts[-(len(texts) % 7 or 7):], "the last chunk goes first"


def test_annotated_bibliography_names_every_text_it_converts():
    """markdown_texts (what a cold build converts ahead) is what fill converts, in its order."""
    entries = [entry("doe2020"), entry("roe2019", keywords="site:lung, site:prostate, tech:radiomics, type:trial",
                                       annote="", verification_source="")]
    annotated = render.annotated_bibliography(entries)
    converted: list[str] = []
    annotated.fill(page_markdown().convert(annotated.markdown), TEXTS.get,
                   lambda text: converted.append(text) or ShortMarkdown(GLOSSARY)(text))
    assert converted == annotated.markdown_texts(TEXTS.get)
    assert len(converted) == 4  # doe2020: reference, annotation, source; roe2019: its reference only
