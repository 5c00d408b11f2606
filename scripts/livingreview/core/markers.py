"""The HTML comments authors write as instructions to the build: the one list of them.

Each must be written exactly as here (they are matched as plain text); the
checks report near misses such as `<!-- no-claims -->` instead of ignoring them.
AUTHORING.md documents them.
"""

from __future__ import annotations

# A paragraph (or the block just before a lone marker) that states no fact needing a citation.
NO_CLAIM = "<!-- no-claim -->"
# Replaced by the annotated bibliography (scripts/livingreview/build/references.py).
ANNOTATED_BIBLIOGRAPHY = "<!-- annotated-bibliography -->"
# Replaced by the site x technology table (scripts/livingreview/reader/evidence_map.py).
EVIDENCE_MAP = "<!-- evidence-map -->"
# Replaced by the table of abbreviations (scripts/livingreview/reader/glossary.py).
GLOSSARY = "<!-- glossary -->"
# Replaced by the whole review's citation, formats and downloads (scripts/livingreview/build/citing.py).
CITE_THE_REVIEW = "<!-- cite-the-review -->"
# Replaced by the page's key studies, timeline and table (scripts/livingreview/evidence/tables.py).
KEY_STUDIES = "<!-- key-studies -->"

MARKERS = (NO_CLAIM, ANNOTATED_BIBLIOGRAPHY, EVIDENCE_MAP, GLOSSARY, CITE_THE_REVIEW, KEY_STUDIES)
