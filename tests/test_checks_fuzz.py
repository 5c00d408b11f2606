"""Property and fuzz tests: canonical BibTeX is lossless and idempotent; no input makes a check crash."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from check_cases import MINIMAL, tree_digest
from livingreview.references.bib_format import BibFile, canonical_text
from livingreview.references.bibliography import FIELD_ORDER, format_bibliography, parse_bibtex
from livingreview.checks import run_checks
from livingreview.core.findings import Finding

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- canonical form: parse -> format -> parse gives the same data ---------------------------------

KEYS = st.text(string.ascii_lowercase + string.digits + "_-", min_size=1, max_size=16)
FIELD_NAMES = st.one_of(st.sampled_from(FIELD_ORDER), st.text(string.ascii_lowercase + "_", min_size=1, max_size=10))
# Any text but braces and backslashes, plus the LaTeX a bibliography really holds. (A backslash next to a
# brace is read differently inside quotes and braces; format-bib refuses such a file rather than change it,
# see test_format_bib_never_loses_what_it_cannot_keep.)
PLAIN = st.one_of(st.text(st.characters(blacklist_characters="{}\\", blacklist_categories=("Cs", "Cc")), max_size=30),
                  st.sampled_from(["\\'e", "\\&", "\\%", '\\"o', "$\\alpha$", "--", "\\ss{}", "{\\o}"]))


@st.composite
def braced_values(draw, depth: int = 2) -> str:
    """Text with balanced {groups}, as BibTeX values are."""
    parts = draw(st.lists(st.one_of(PLAIN, *([braced_values(depth - 1).map(lambda v: "{" + v + "}")] if depth else [])),
                          max_size=4))
    return "".join(parts)


@st.composite
def bibtex_texts(draw) -> str:
    """A .bib file as a person might write it: any field order, braces or quotes, stray spacing."""
    keys = draw(st.lists(KEYS, min_size=1, max_size=4, unique=True))
    chunks = []
    for key in keys:
        kind = draw(st.sampled_from(["article", "book", "misc", "Article", "INPROCEEDINGS"]))
        names = draw(st.lists(FIELD_NAMES, min_size=1, max_size=6, unique_by=str.lower))
        fields = []
        for name in names:
            value = draw(braced_values())
            if '"' not in value and draw(st.booleans()):
                written = f'"{value}"'
            elif value.isdigit() and draw(st.booleans()):
                written = value
            else:
                written = "{" + value + "}"
            space = draw(st.sampled_from([" ", "", "  ", "\n    "]))
            fields.append(f"{name}{space}={space}{written}")
        separator = draw(st.sampled_from([",\n  ", ", ", ",\n\t"]))
        end = draw(st.sampled_from(["\n}", ",\n}", "}"]))
        chunks.append(f"@{kind}{{{key}{separator}" + separator.join(fields) + end)
    return "\n\n".join(chunks) + "\n"


def data(entries) -> list[tuple[str, str, dict[str, str]]]:
    return sorted((e.key, e.type, e.fields) for e in entries)


@FUZZ
@given(bibtex_texts())
def test_canonical_form_keeps_every_field_and_is_idempotent(text):
    parsed = parse_bibtex(text, "fuzz.bib")
    assume(not parsed.findings)  # invalid BibTeX is the syntax check's business; format-bib refuses it (below)
    canonical, blockers = canonical_text(BibFile("fuzz.bib", text, parsed))
    assert canonical is not None, blockers
    again = parse_bibtex(canonical, "fuzz.bib")
    assert not again.findings
    assert data(again.entries) == data(parsed.entries)
    assert format_bibliography(again.entries) == canonical


# --- no traceback, whatever the input ------------------------------------------------------------

MARKDOWN_PIECES = st.sampled_from([
    "---", "...", "title: x", "updated: 2026-13-45", "status: draft", "```", "~~~", "````python", "`", "[@", "@",
    "]", "[", "[@alpha2020]", "[@ x]", "[@]", "[@a, @b]", "@beta2021", "<!--", "-->", "<!-- no-claim -->",
    "<!-- no-claims -->", "## ", "# ", "{#id}", "{: #x .y}", "!!! note", "???+ tip", "    ", "\t", "|---|", "| a |",
    "<script>", "<a onclick=x>", "javascript:", "&#106;", "--8<-- \"abbreviations.md\"", "--8<--", "- ", "1. ",
    "*[RT]: x", "[x]: http://a", "![i](x.png)", "[l](a.md#b)", "é", "\u200b", "\ufeff", "\r\n", "\n", "\n\n", " ",
    "{", "}", "%", "\\", ":", "-", "=", ",", ";", "'", '"', "x" * 50,
])
MARKDOWN = st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=8)), max_size=60).map("".join)
BIBTEX_PIECES = st.sampled_from([
    "@article{", "@string{", "@comment{", "@preamble{", "@", "{", "}", "=", ",", '"', "%", "\\", "\n", " ",
    "alpha2020", "title", "year = 2020", "doi = {10.1/x}", "keywords = {site:lung}", "verification = {x}", "#", "é",
])
BIBTEX = st.lists(st.one_of(BIBTEX_PIECES, st.text(max_size=6)), max_size=60).map("".join)
FILE_TEXT = {
    "docs/sites/alpha.md": MARKDOWN,
    "docs/index.md": MARKDOWN,
    "docs/includes/abbreviations.md": MARKDOWN,
    "bib/references.bib": BIBTEX,
    "mkdocs.yml": st.lists(st.one_of(st.sampled_from(["nav:", "  - ", "a.md", ": ", "!!python/name:x", "!ENV", "[",
                                                       "{", "\n", "  ", "docs_dir: ", "exclude_docs: |", "- x"]),
                                     st.text(max_size=5)), max_size=30).map("".join),
}


def assert_no_crash(findings: list[Finding]) -> None:
    assert all(isinstance(f, Finding) and f.line >= 1 for f in findings)
    internal = [str(f) for f in findings if f.check == "internal"]
    assert not internal, internal


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path


@pytest.mark.parametrize("target", sorted(FILE_TEXT))
def test_malformed_text_gives_findings_not_tracebacks(target, scratch):
    project = shutil.copytree(MINIMAL, scratch / "project")  # each example rewrites the one target file

    @FUZZ
    @given(text=FILE_TEXT[target])
    def run(text: str) -> None:
        (project / target).write_text(text, encoding="utf-8", newline="")
        before = tree_digest(project)
        assert_no_crash(run_checks(project))
        assert tree_digest(project) == before

    run()


@pytest.mark.parametrize("target", ["bib/references.bib", "docs/sites/alpha.md", "mkdocs.yml"])
def test_random_bytes_give_findings_not_tracebacks(target, scratch):
    project = shutil.copytree(MINIMAL, scratch / "project")

    @FUZZ
    @given(data=st.binary(max_size=300))
    def run(data: bytes) -> None:
        (project / target).write_bytes(data)
        assert_no_crash(run_checks(project))

    run()


@FUZZ
@given(BIBTEX)
def test_format_bib_never_loses_what_it_cannot_keep(text):
    """Whatever the text, canonical_text either gives a lossless rewrite or refuses with a finding."""
    parsed = parse_bibtex(text, "fuzz.bib")
    canonical, blockers = canonical_text(BibFile("fuzz.bib", text, parsed))
    if canonical is None:
        assert blockers and all(b.path == "fuzz.bib" and b.line >= 1 for b in blockers)
    else:
        assert data(parse_bibtex(canonical, "fuzz.bib").entries) == data(parsed.entries)
