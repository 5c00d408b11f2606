"""Every third-party internal the speed layer relies on, with the versions it was written against.

A patch is used only when each distribution it reaches into is installed at
exactly the version named here; otherwise the build says so once and takes the
plain path (the product's own code, which gives the same site, only slower).
Upgrading one of these: read the new version's code, check the patch still
holds (tests/test_speed.py builds the site both ways), then bump it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from mkdocs.plugins import get_plugin_logger

log = get_plugin_logger("livingreview.speed")


@dataclass(frozen=True)
class Patch:
    name: str  # what it makes faster
    written_for: tuple[tuple[str, str], ...]  # (distribution, version) pairs it reaches into


BATCHED_REFERENCES = Patch(
    "references formatted in one pandoc run (mkdocs-bibtex's registry, pybtex's BibTeX writer)",
    (("mkdocs-bibtex", "4.4.0"), ("pybtex", "0.26.1")))
KEPT_PYBTEX_PARSE = Patch("mkdocs-bibtex's pybtex parse kept between builds", (("mkdocs-bibtex", "4.4.0"),))
PRINT_SITE_ONE_PASS = Patch("print-site's page rewrites in one pass, kept between builds",
                            (("mkdocs-print-site-plugin", "2.9"),))
COMPILED_TEMPLATES = Patch("compiled theme templates kept between builds", (("mkdocs", "1.6.1"),))
NAV_ITEMS_ONCE = Patch("Material's navigation items rendered once per page folder",
                       (("mkdocs-material", "9.8.2"), ("mkdocs", "1.6.1"), ("Jinja2", "3.1.6")))

PATCHES = (BATCHED_REFERENCES, KEPT_PYBTEX_PARSE, PRINT_SITE_ONE_PASS, COMPILED_TEMPLATES, NAV_ITEMS_ONCE)


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


_refused: set[str] = set()  # patches already reported in this process (mkdocs serve rebuilds)


def usable(patch: Patch) -> bool:
    """Whether every distribution the patch reaches into is at the version it was written for; if not,
    one message says which and that the plain path is taken."""
    for distribution, version in patch.written_for:
        found = installed_version(distribution)
        if found != version:
            if patch.name not in _refused:
                _refused.add(patch.name)
                log.info("speed: %s is off: it was written for %s %s, and %s is installed; the build takes "
                         "the plain path (same site, slower)", patch.name, distribution, version,
                         found or "none")
            return False
    return True
