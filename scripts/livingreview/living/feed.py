"""The review's update feed: Atom (RFC 4287), one entry per release, at the site's root (feed.xml).

Each entry is a changelog entry (docs/changelog.md): its version, date and summary, and links to the
pages that release changed (from the release manifests), at the version's frozen address. Every
page's head links to the feed, so feed readers find it from any page.
"""

from __future__ import annotations

import datetime
import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from livingreview.citing.records import Review, versioned_url

FEED = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass
class Release:
    version: str
    released: datetime.date
    summary: str  # plain text
    anchor: str | None
    changed: list[tuple[str, str]] = field(default_factory=list)  # (page url relative to the site, title)


def _timestamp(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(review: Review, releases: list[Release], changelog_url: str = "changelog/") -> str:
    """The feed's XML text; `releases` newest first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": review.language})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    add(root, "id", review.site + FEED)
    add(root, "title", f"{review.title}: new versions")
    add(root, "subtitle", "Each release of the living review, with what it changed.")
    add(root, "updated", _timestamp(releases[0].released if releases else review.released))
    add(root, "link", rel="self", type="application/atom+xml", href=review.site + FEED)
    add(root, "link", rel="alternate", type="text/html", href=review.site)
    author = add(root, "author")
    add(author, "name", review.publisher)
    for release in releases:
        base = versioned_url(review.site, release.version)
        entry = add(root, "entry")
        add(entry, "id", base)
        add(entry, "title", f"Version {release.version}")
        add(entry, "updated", _timestamp(release.released))
        add(entry, "published", _timestamp(release.released))
        link = posixpath.join(base, changelog_url) + (f"#{release.anchor}" if release.anchor else "")
        add(entry, "link", rel="alternate", type="text/html", href=link)
        for url, title in release.changed:
            add(entry, "link", rel="related", type="text/html", href=base + url, title=title)
        add(entry, "summary", release.summary)
        items = "".join(f'<li><a href="{base + url}">{_escape(title)}</a></li>' for url, title in release.changed)
        content = f"<p>{_escape(release.summary)}</p>" + (
            f"<p>Pages changed in this version:</p><ul>{items}</ul>" if items else "")
        add(entry, "content", content, type="html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
