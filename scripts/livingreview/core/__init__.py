"""What every other package builds on: findings, project paths, atomic writes, Markdown text, mkdocs.yml
read without MkDocs, page front matter, the authoring markers, and the plain caches (by digest, parses).

May import: the standard library and plain libraries (PyYAML, Markdown, bibtexparser's caller passes
text in). Never mkdocs, never another livingreview package.
"""
