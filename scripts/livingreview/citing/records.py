"""Citation records for the review, its pages and their sections, in the formats reference managers read.

One `CitationRecord` per page or section, built from `extra.review` in mkdocs.yml
and the page's front matter. The writers turn it into BibTeX, RIS, CSL-JSON and
the Highwire Press / Dublin Core meta tags. No MkDocs here: the build step
(livingreview/build/citing.py) passes plain values.

Decisions, in one place:

- Item type. Downloads and meta tags file a page as a *report*: BibTeX
  @techreport, RIS RPRT, CSL "report", and the Highwire tag
  `citation_technical_report_institution`, which Zotero's Embedded Metadata
  translator maps to its Report type (otherwise `citation_title` makes it guess a
  journal article). The AMA and Vancouver text shown on the page is formatted
  from the same record as a CSL "webpage", the form both style guides use for a
  part of a website (with the report type, the AMA style drops the review's name).
- DOI. The review's DOI (if `extra.review.doi` is set; empty means none) goes
  into every record and download, but not into the formatted text of a page or
  section: AMA prints a DOI *instead of* the URL, and the DOI names the whole
  review, not the page.
- Names. Authors are strings: "Family, Given" for a person (BibTeX order);
  a name without a comma is a group or organisation and is kept whole.
- Dates. `updated` (front matter) is the last editorial update of the page:
  the date a citation carries. `published` is the page's first publication,
  from published/anchors.json (see anchors.py); a page not yet recorded there
  uses its `updated` date.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Literal, Mapping

from livingreview.references.bibkeys import DOI

VERSION = re.compile(r"^\d+\.\d+\.\d+$")
KEY_PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REPORT_GENRE = "Living review"

# Media types of the downloads, for <link rel="alternate"> and the download links.
MEDIA_TYPES = {
    "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems",
    "json": "application/vnd.citationstyles.csl+json",
}
FORMAT_LABELS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}


class CitingConfigError(ValueError):
    """`extra.review` in mkdocs.yml or a page's front matter cannot make a citation record."""


@dataclass(frozen=True)
class Name:
    family: str = ""
    given: str = ""
    literal: str = ""  # a group or organisation, never split

    @property
    def display(self) -> str:
        """The name as written in the sources: "Family, Given" or the literal name."""
        if self.literal:
            return self.literal
        return f"{self.family}, {self.given}" if self.given else self.family

    def csl(self) -> dict[str, str]:
        if self.literal:
            return {"literal": self.literal}
        return {"family": self.family, "given": self.given} if self.given else {"family": self.family}


def parse_name(text: str) -> Name:
    """ "Doe, Jane" -> a person; "Living Review Contributors" -> a group, kept whole."""
    text = " ".join(str(text).split())
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        return Name(family=family, given=given)
    return Name(literal=text)


def parse_names(value: Any, where: str) -> tuple[Name, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise CitingConfigError(f"{where}: 'authors' must be a non-empty list of names (\"Family, Given\" "
                                "for a person, a group's name as it is)")
    return tuple(parse_name(v) for v in value)


def as_date(value: Any, where: str) -> datetime.date:
    """A YAML date (PyYAML reads 2026-11-27 as datetime.date) or an ISO date string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CitingConfigError(f"{where} must be an ISO date YYYY-MM-DD, not {value!r}") from None


def clean_doi(value: Any, where: str) -> str | None:
    """The DOI, or None when unset or left as an empty placeholder."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", text, flags=re.IGNORECASE)
    if not DOI.match(text):
        raise CitingConfigError(f"{where} must be a DOI such as 10.5281/zenodo.1234567 (or empty), not {value!r}")
    return text


@dataclass(frozen=True)
class Review:
    """The whole review, from mkdocs.yml (`site_name`, `site_url`, `extra.review`)."""

    title: str
    url: str  # this version's frozen address: <site>/<version>/ (living.publish deploys it there)
    version: str
    released: datetime.date
    publisher: str
    authors: tuple[Name, ...]
    doi: str | None
    key: str
    language: str = "en"
    site: str = ""  # the site's root address (site_url), ends with "/"


def versioned_url(site_url: str, version: str) -> str:
    """Where a version is published for good: <site_url>/<version>/ (mike's layout). Under mike, whose plugin
    appends the version to site_url for the build, site_url already ends with it."""
    root = site_url.rstrip("/")
    return (root if root.endswith("/" + version) else f"{root}/{version}") + "/"


def review_from_config(extra: Mapping[str, Any] | None, *, site_name: str, site_url: str | None,
                       language: str = "en") -> Review:
    """Read and check `extra.review`; every problem names the mkdocs.yml key."""
    review = (extra or {}).get("review")
    if not isinstance(review, Mapping):
        raise CitingConfigError("mkdocs.yml: add 'extra: review:' with version, released, publisher and authors")
    where = "mkdocs.yml: extra.review"
    version = str(review.get("version", "")).strip()
    if not VERSION.match(version):
        raise CitingConfigError(f"{where}.version must be a version number such as 0.1.0, not {version!r}")
    publisher = str(review.get("publisher") or "").strip()
    if not publisher:
        raise CitingConfigError(f"{where}.publisher must name who publishes the review")
    key = str(review.get("key") or "").strip()
    if not KEY_PREFIX.match(key):
        raise CitingConfigError(f"{where}.key must be lower-case letters, digits and dashes, not {key!r}")
    if not site_url:
        raise CitingConfigError("mkdocs.yml: site_url is needed: every citation carries the page's address")
    site = site_url.rstrip("/") + "/"
    if site.rstrip("/").endswith("/" + version):  # a build under mike: its plugin appended the version
        site = site.rstrip("/").removesuffix("/" + version) + "/"
    return Review(
        title=str(review.get("title") or site_name).strip(),
        url=versioned_url(site, version),
        site=site,
        version=version,
        released=as_date(review.get("released"), f"{where}.released"),
        publisher=publisher,
        authors=parse_names(review.get("authors"), f"{where}.authors"),
        doi=clean_doi(review.get("doi"), f"{where}.doi"),
        key=key,
        language=language,
    )


Kind = Literal["review", "page", "section"]


@dataclass(frozen=True)
class CitationRecord:
    key: str
    kind: Kind
    title: str
    container: str | None  # the review's title; None for the review itself
    authors: tuple[Name, ...]
    publisher: str
    version: str
    published: datetime.date
    updated: datetime.date
    url: str
    doi: str | None
    language: str
    literature_searched: datetime.date | None = None


def page_key(review: Review, src_uri: str) -> str:
    stem = src_uri.removesuffix(".md")
    stem = "home" if stem == "index" else stem.removesuffix("/index")
    return f"{review.key}-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def review_record(review: Review, published: datetime.date | None = None) -> CitationRecord:
    return CitationRecord(
        key=review.key, kind="review", title=review.title, container=None, authors=review.authors,
        publisher=review.publisher, version=review.version, published=published or review.released,
        updated=review.released, url=review.url, doi=review.doi, language=review.language,
    )


def page_record(review: Review, *, src_uri: str, url: str, meta: Mapping[str, Any],
                published: datetime.date | None = None) -> CitationRecord:
    """The record of one page; `url` is site-relative ("sites/lung/", "./" for home), `meta` its front matter."""
    where = f"docs/{src_uri}: front matter"
    title = str(meta.get("title") or "").strip()
    if not title:
        raise CitingConfigError(f"{where} needs a 'title' to cite the page by")
    authors = parse_names(meta["authors"], where) if meta.get("authors") is not None else review.authors
    updated = as_date(meta.get("updated"), f"{where} 'updated'")
    searched = meta.get("literature_searched")
    return CitationRecord(
        key=page_key(review, src_uri), kind="page", title=title, container=review.title, authors=authors,
        publisher=review.publisher, version=review.version, published=published or updated,
        updated=updated, url=review.url + url.removeprefix(".").lstrip("/"), doi=review.doi, language=review.language,
        literature_searched=as_date(searched, f"{where} 'literature_searched'") if searched else None,
    )


SECTION_TITLE = "{page} \u2014 {section}"


def section_record(page: CitationRecord, anchor: str, title: str) -> CitationRecord:
    """A `##` section: cited as "Page title — Section title" at the page's URL with the anchor."""
    return replace(page, key=f"{page.key}--{anchor}", kind="section",
                   title=SECTION_TITLE.format(page=page.title, section=title), url=f"{page.url.split('#')[0]}#{anchor}")


# --- Dates -----------------------------------------------------------------

def full_title(record: CitationRecord) -> str:
    """The title a reference manager stores: a page or section names the review it belongs to, since no
    Highwire tag or report field carries a series title ("Lung cancer — Personalized ...: A Living Review")."""
    return f"{record.title} — {record.container}" if record.container else record.title


def version_label(record: CitationRecord) -> str:
    return f"Version {record.version}"


def date_parts(day: datetime.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def slash_date(day: datetime.date) -> str:
    """Highwire and RIS dates: YYYY/MM/DD."""
    return day.strftime("%Y/%m/%d")


# --- CSL-JSON ----------------------------------------------------------------

def csl_item(record: CitationRecord, *, display: bool = False) -> dict[str, Any]:
    """The CSL-JSON item: the download (report), or `display=True` for the formatted text (webpage)."""
    item: dict[str, Any] = {
        "id": record.key,
        "type": "webpage" if display else "report",
        "title": record.title,
        "author": [name.csl() for name in record.authors],
        "publisher": record.publisher,
        "issued": date_parts(record.updated),
        "URL": record.url,
        "language": record.language,
    }
    if record.container:
        item["container-title"] = record.container
    if not display:
        # Reference managers drop container-title and version from a report: the title names the review,
        # collection-title and number carry the review and the version where they are read.
        item["title"] = full_title(record)
        item["genre"] = REPORT_GENRE
        item["version"] = record.version
        item["number"] = version_label(record)
        item["collection-title"] = record.container or record.title
        item["original-date"] = date_parts(record.published)
    if record.doi and (not display or record.kind == "review"):
        item["DOI"] = record.doi
    return item


def to_csl_json(record: CitationRecord) -> str:
    return json.dumps([csl_item(record)], indent=2, ensure_ascii=False) + "\n"


# --- BibTeX ------------------------------------------------------------------

LATEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                  "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
ACRONYM = re.compile(r"(?<![\w{])([A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*)")


def bibtex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(char, char) for char in text)


def bibtex_title(text: str) -> str:
    """Escaped, with words of two or more capitals (PET, MRI) braced so styles keep their case."""
    return ACRONYM.sub(r"{\1}", bibtex_escape(text))


def bibtex_name(name: Name) -> str:
    if name.literal:
        return "{" + bibtex_escape(name.literal) + "}"
    return bibtex_escape(name.display)


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def record_note(record: CitationRecord) -> str:
    parts = [f"Version {record.version}", f"first published {record.published.isoformat()}",
             f"last updated {record.updated.isoformat()}"]
    if record.literature_searched:
        parts.append(f"literature searched through {record.literature_searched.isoformat()}")
    return "; ".join(parts)


def to_bibtex(record: CitationRecord) -> str:
    # @techreport has no series or version field: the title names the review, `number` gives the version.
    fields: list[tuple[str, str]] = [
        ("author", " and ".join(bibtex_name(n) for n in record.authors)),
        ("title", bibtex_title(full_title(record))),
        ("institution", bibtex_escape(record.publisher)),
        ("type", REPORT_GENRE),
        ("number", version_label(record)),
        ("year", str(record.updated.year)),
        ("month", MONTHS[record.updated.month - 1]),
        ("date", record.updated.isoformat()),
        ("url", record.url),
    ]
    if record.doi:
        fields.append(("doi", record.doi))
    fields += [("language", "english" if record.language == "en" else record.language),
               ("note", bibtex_escape(record_note(record)))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@techreport{{{record.key},\n{body}\n}}\n"


# --- RIS ---------------------------------------------------------------------

def to_ris(record: CitationRecord) -> str:
    lines: list[tuple[str, str]] = [("TY", "RPRT"), ("ID", record.key), ("TI", full_title(record))]
    if record.container:
        lines.append(("T2", record.container))
    lines += [("AU", ris_name(name)) for name in record.authors]
    # SN is the report number reference managers keep for a report (ET, the edition, is dropped).
    lines += [("PY", str(record.updated.year)), ("DA", slash_date(record.updated)), ("PB", record.publisher),
              ("M3", REPORT_GENRE), ("SN", version_label(record)), ("ET", record.version), ("UR", record.url)]
    if record.doi:
        lines.append(("DO", record.doi))
    lines += [("LA", record.language), ("N1", record_note(record)), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


# --- Meta tags ---------------------------------------------------------------

def ris_name(name: Name) -> str:
    """RIS authors are "Family, Given"; a group's name ends with a comma, so it stays one name."""
    return f"{name.literal}," if name.literal else name.display


def highwire_author(name: Name) -> str:
    """As Zotero's Embedded Metadata translator splits citation_author: at the comma, so a group's name
    ends with one ("Living Review Contributors,") and stays whole."""
    return f"{name.literal}," if name.literal else name.display


def highwire_tags(record: CitationRecord) -> list[tuple[str, str]]:
    """Highwire Press tags as Zotero's Embedded Metadata translator and Google Scholar read them."""
    tags = [("citation_title", full_title(record))]
    tags += [("citation_author", highwire_author(name)) for name in record.authors]
    tags += [
        ("citation_publication_date", slash_date(record.updated)),
        ("citation_online_date", slash_date(record.published)),
        # This tag is what makes Zotero file the page as a Report instead of a journal article; the report
        # number keeps the version.
        ("citation_technical_report_institution", record.publisher),
        ("citation_technical_report_number", version_label(record)),
        ("citation_publisher", record.publisher),
        ("citation_fulltext_html_url", record.url),
        ("citation_language", record.language),
    ]
    if record.doi:
        tags.append(("citation_doi", record.doi))
    return tags


def dublin_core_tags(record: CitationRecord) -> list[tuple[str, str]]:
    # No DC.type: Zotero would take its value ("Text") as the report's type.
    tags = [("DC.title", full_title(record))]
    tags += [("DC.creator", highwire_author(name)) for name in record.authors]
    tags += [("DC.date", record.updated.isoformat()), ("DC.publisher", record.publisher),
             ("DC.identifier", record.url), ("DC.language", record.language)]
    if record.doi:
        tags.append(("DC.identifier", f"https://doi.org/{record.doi}"))
    return tags


def download_uri(record: CitationRecord, ext: str) -> str:
    """Where a record's download goes: the site's root folder, named by its key (prt-living-review-sites-lung.bib).

    The root folder matters: Material's JavaScript fetches `sitemap.xml` next to
    every `<link rel="alternate">` target (its language switcher), and only the
    root has one.
    """
    return f"{record.key}.{ext}"


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}


def downloads(record: CitationRecord) -> dict[str, str]:
    """File extension -> content of each download."""
    return {ext: write(record) for ext, write in WRITERS.items()}


def duplicate_keys(records: Iterable[CitationRecord]) -> list[str]:
    """Keys given to more than one record (two pages whose paths differ only in punctuation)."""
    seen: set[str] = set()
    twice: list[str] = []
    for record in records:
        if record.key in seen:
            twice.append(record.key)
        seen.add(record.key)
    return twice
