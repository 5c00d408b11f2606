"""The pages as written: own words, citations that resolve, enough substance, stable headings."""

from __future__ import annotations

import os
import re

import pytest

from conftest import CONTENT_PAGES, SITE_PAGES, TECHNOLOGY_PAGES, page_path
from livingreview.references.citations import cited_keys, find_citations
from livingreview.core.markdown_text import mask_code, split_front_matter
from livingreview.core.project import DOCS, ROOT
from livingreview.references.verification import VERIFIED

SOURCE = ROOT.parent / "shared" / "source" / "source-article.txt"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "includes" not in p.parts)
SOURCE_REFERENCES = {
    "belli2023headneck", "palma2021lung", "zhang2020imaging", "lo2023precision", "koutsouvelis2022esophageal",
    "tandon2023rectal", "li2020biology", "awan2022radiomics", "destefano2022prostate", "merchant2020pediatric",
}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def prose_words(page: str) -> int:
    text = page_path(page).read_text(encoding="utf-8")
    body = "\n".join(text.split("\n")[split_front_matter(text).body_start:])
    body = re.sub(r"<!--.*?-->", " ", body, flags=re.DOTALL)
    body = re.sub(r"\[@[^\]]*\]|\{#[^}]*\}|^#+ .*$", " ", body, flags=re.MULTILINE)
    return len(words(mask_code(body)[0]))


def test_no_run_of_twelve_words_copied_from_the_source_article():
    """No page shares any 12-word run with the source article."""
    if not SOURCE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must provide the source article at {SOURCE}")
        pytest.skip(f"source article not at {SOURCE}")
    source = words(SOURCE.read_text(encoding="utf-8"))
    grams = {tuple(source[i:i + 12]) for i in range(len(source) - 11)}
    for path in PAGES:
        text = words(re.sub(r"\[@[^\]]*\]", " ", path.read_text(encoding="utf-8")))
        copied = [" ".join(text[i:i + 12]) for i in range(len(text) - 11) if tuple(text[i:i + 12]) in grams]
        assert not copied, f"{path.relative_to(ROOT)} copies: {copied[0]!r}"


def test_every_citation_resolves(bibliography):
    """Each [@key] in docs/ names an entry of bib/."""
    keys = set(bibliography.by_key())
    for path in PAGES:
        for citation in find_citations(path.read_text(encoding="utf-8")):
            assert citation.key in keys, f"{path.relative_to(ROOT)}:{citation.line}: unknown key {citation.key}"


@pytest.mark.parametrize("page", SITE_PAGES)
def test_site_pages_are_substantive(bibliography, page):
    """At least 600 words and 4 references, 2 of them checked records beyond the source article's list."""
    entries = bibliography.by_key()
    keys = set(cited_keys(page_path(page).read_text(encoding="utf-8")))
    checked = {k for k in keys if entries[k].get("verification") in VERIFIED and k not in SOURCE_REFERENCES}
    assert prose_words(page) >= 600
    assert len(keys) >= 4
    assert len(checked) >= 2, checked


@pytest.mark.parametrize("page", TECHNOLOGY_PAGES)
def test_technology_pages_are_substantive(page):
    """At least 400 words and 3 references."""
    assert prose_words(page) >= 400
    assert len(set(cited_keys(page_path(page).read_text(encoding="utf-8")))) >= 3


@pytest.mark.parametrize("page", CONTENT_PAGES)
def test_unverified_references_never_stand_alone_as_evidence(bibliography, page):
    """A citation of the source article's unverified references always comes with the source article."""
    text = page_path(page).read_text(encoding="utf-8")
    for block in re.findall(r"\[[^\[\]]*@[^\[\]]*\]", mask_code(text)[0]):
        keys = set(re.findall(r"@([a-z0-9_-]+)", block))
        if keys & SOURCE_REFERENCES:
            assert "nguyen2025personalized" in keys, f"{page}: {block} cites an unverified reference alone"
