"""Citing the review: a citation record per page, section and the whole review; its formats (AMA and
Vancouver through pandoc, BibTeX, RIS, CSL-JSON, citation meta tags); the published page addresses and
section ids that must keep resolving (published/anchors.json).

May import: core, references. No MkDocs.
"""
