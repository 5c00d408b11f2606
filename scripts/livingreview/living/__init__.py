"""The living part: releases (one version everywhere it lives), what changed between versions, the
update feed, and literature surveillance.

May import: core, references, citing. No MkDocs.
"""
