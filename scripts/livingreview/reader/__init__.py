"""Reader aids generated at build time: the glossary, the evidence map, the whole-review print page.

May import: core, references, evidence. No MkDocs.
"""
