"""The bibliography: reading and writing bib/ (canonical form), citation keys and identifiers, the
keyword vocabulary, verification statuses, citations found in Markdown, and what readers see of it
(reference lists with status badges, the annotated bibliography).

May import: core. No MkDocs.
"""
