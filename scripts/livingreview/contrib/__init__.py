"""Contributor tools that talk to the outside world: add a paper by DOI, PMID or NCT number
(make add-ref), re-check records against Crossref and PubMed (make verify-refs), and the HTTP client
and registry readers they share. Base URLs come from the environment, so tests use a local stand-in.

May import: core, references. No MkDocs.
"""
