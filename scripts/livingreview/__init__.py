"""Tools behind the living review, one subpackage per concern (scripts/README.md draws the map).

core        findings, paths, atomic writes, Markdown text, mkdocs.yml, front matter, plain caches
references  bib/: parsing, canonical form, keys, vocabulary, statuses, reference lists
evidence    bib/studies.yaml: study records, key-studies tables, timelines, the dataset
citing      citing the review: records, formats, meta tags, published addresses
reader      glossary, evidence map, print page
checks      every source check (make check) and the built site's links
living      releases, what changed, the feed, literature surveillance
contrib     add-ref, verify-refs, registries (online)
tools       PDF, Lighthouse, static server, synthetic reviews, bench
speed       build speed only, behind one switch
build       the MkDocs side: the build's steps in order (build/pipeline.py)

Every package but build and speed is plain Python: the command line
(`python -m livingreview`), the tests and the build call the same code.
"""
