"""Maintainer tools around a built site: the PDF (make pdf), Lighthouse scores (make audit), a static
server on 127.0.0.1, and synthetic reviews at scale for make bench.

May import: core, references. Run from the command line, never during a build.
"""
