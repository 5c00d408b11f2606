"""The MkDocs side of the review: the build's steps, in order, and the state they share.

Owns: livingreview.build.pipeline (the ordered list of steps and the hooks MkDocs
calls), build.state (the one typed object a build's steps share) and one module
of steps per concern (checks, references, citing, reader), each a thin adapter
from a MkDocs event to the plain functions of that concern's package.
May import: mkdocs and every other livingreview package. Nothing else imports it,
except scripts/hooks.py, the file mkdocs.yml names.
"""
