"""The evidence behind each page as data: bib/studies.yaml, one record per study (what the paper found),
keyed by the citation key in bib/ (which keeps the bibliographic data: one source of truth).

Owns: the records' schema and loading with line numbers (studies.py, schema.py), the key-studies
table and timeline a topic page shows (tables.py, timeline.py), the downloadable dataset (dataset.py)
and the maintainer's evidence report (report.py).
May import: core, references. No MkDocs.
"""
