"""The bibliography readers download (data/references.bib): it imports into a reference manager without an
author named "others", and every entry says whether it is evidence."""

from __future__ import annotations

import bibtexparser
from bibtexparser import middlewares
from pybtex.database import parse_string

from livingreview.references import export
from livingreview.references.bibliography import parse_bibtex

SHORT_LIST = """@article{doe2020trial,
  author = {Doe, Jane and {van Hagen}, P. and others},
  title = {A trial},
  journal = {J Test},
  year = {2020},
  volume = {1},
  pages = {1--2},
  doi = {10.1000/test.1},
  keywords = {site:lung, type:rct},
  verification = {seen-in-sources},
  verification_date = {2026-12-01},
  verification_source = {PubMed 123456; publisher page},
  annote = {What the trial did.}
}

@article{roe2021idea,
  author = {Roe, Rick},
  title = {An idea},
  journal = {J Test},
  year = {2021},
  volume = {2},
  pages = {3},
  keywords = {site:lung, type:review},
  verification = {unverified},
  annote = {Cited by the source article.},
  nct = {NCT00000001}
}
"""


def exported() -> str:
    entries = parse_bibtex(SHORT_LIST, "bib/test.bib").entries
    return export.export_bibtex(entries, header="Test review, version 0.2.0")


def test_a_shortened_author_list_loses_others_and_says_so():
    text = exported()
    persons = parse_string(text, "bibtex").entries["doe2020trial"].persons["author"]
    assert [" ".join(p.last_names) for p in persons] == ["Doe", "{van Hagen}"]  # the particle stays braced
    note = parse_string(text, "bibtex").entries["doe2020trial"].fields["note"]
    assert export.SHORTENED in note


def test_each_entry_says_whether_it_is_evidence():
    fields = {key: entry.fields for key, entry in parse_string(exported(), "bibtex").entries.items()}
    assert fields["doe2020trial"]["note"].startswith("Record seen in public sources: PubMed 123456; publisher page "
                                                     "(2026-12-01).")
    assert "not evidence" in fields["roe2021idea"]["note"] and "NCT00000001" in fields["roe2021idea"]["note"]
    assert export.SHORTENED not in fields["roe2021idea"]["note"]
    for entry in fields.values():  # none of our own fields: a reference manager would file them as clutter
        assert not {"verification", "verification_date", "verification_source", "nct", "missing"} & set(entry)


def test_the_sites_export_holds_every_entry_and_reads_back(built_site, bibliography):
    text = (built_site.site / export.PATH).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert {e.key for e in library.entries} == {e.key for e in bibliography.entries}
    for key, entry in parse_string(text, "bibtex").entries.items():
        names = [str(p) for p in entry.persons.get("author", [])]
        assert "others" not in [n.lower() for n in names], key
        assert entry.fields["note"], key
    shortened = sum(e.get("author").rstrip().endswith(" and others") for e in bibliography.entries)
    assert text.count(export.SHORTENED) == shortened > 0
