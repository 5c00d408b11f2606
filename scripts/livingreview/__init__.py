"""Tools behind the living review: bibliography, citations, checks and rendering.

Every function here is plain Python: the command-line interface
(`python -m livingreview`), the tests and the thin MkDocs hooks in
`scripts/hook_references.py` all call the same code.
"""
