"""The review's MkDocs hooks (mkdocs.yml `hooks:`): every step is listed, in order, in
livingreview/build/pipeline.py; this file only hands them to MkDocs.

MkDocs loads it by path with this folder on sys.path, hence the absolute import.
"""

from livingreview.build.pipeline import mkdocs_hooks

globals().update(mkdocs_hooks())
