"""Fetch a publication's record from Crossref (DOI), PubMed (PMID) or ClinicalTrials.gov (NCT number).

Each registry's answer is read into one `Record` with the same fields, so that
adding a reference (add_ref.py) and re-checking one (verify_refs.py) never care
which service answered. Base URLs come from the environment (CROSSREF_API_URL,
NCBI_EUTILS_URL, CLINICALTRIALS_API_URL) and default to the public services.
"""

from __future__ import annotations

import html
import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from livingreview.references.bibkeys import DOI, PMID
from livingreview.contrib.http_client import Client, NotFound, RegistryError, contact_email

DEFAULT_URLS = {
    "CROSSREF_API_URL": "https://api.crossref.org",
    "NCBI_EUTILS_URL": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "CLINICALTRIALS_API_URL": "https://clinicaltrials.gov/api/v2",
}



def base_url(name: str) -> str:
    return (os.environ.get(name, "").strip() or DEFAULT_URLS[name]).rstrip("/")


@dataclass(frozen=True)
class Person:
    family: str  # or an organisation's whole name when `organisation` is true
    given: str = ""
    organisation: bool = False


@dataclass
class Record:
    """One publication as a registry describes it."""

    source: str  # "Crossref" | "PubMed" | "ClinicalTrials.gov"
    url: str  # the URL fetched: what verification_source names
    kind: str  # "article" | "trial-registration" | Crossref's own type for the rest
    title: str
    authors: list[Person] = field(default_factory=list)
    journal: str = ""
    journal_names: list[str] = field(default_factory=list)  # every name the registry gives, for comparing
    years: list[str] = field(default_factory=list)  # preferred first (print), then the others
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    nct: str = ""
    publication_types: list[str] = field(default_factory=list)
    retractions: list[str] = field(default_factory=list)  # notices that this record is retracted
    is_retraction_notice: str = ""  # set when the record itself retracts another (the DOI it retracts)

    @property
    def year(self) -> str:
        return self.years[0] if self.years else ""


# Identifiers


def classify_identifier(text: str) -> tuple[str, str]:
    """('doi' | 'pmid' | 'nct', normalised value) from what a contributor types or pastes; ValueError if none."""
    value = text.strip()
    value = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", value, flags=re.IGNORECASE)
    value = re.sub(r"^doi:\s*", "", value, flags=re.IGNORECASE)
    value = urllib.parse.unquote(value) if value.startswith("10.") and "%" in value else value
    if DOI.match(value):
        return "doi", value
    pubmed = re.match(r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/|pmid:?\s*)?"
                      r"(\d+)/?$", value, flags=re.IGNORECASE)
    if pubmed and PMID.match(pubmed[1]):
        return "pmid", pubmed[1]
    trial = re.match(r"^(?:https?://(?:www\.)?clinicaltrials\.gov/(?:study|ct2/show)/)?(nct\d{8})/?$", value,
                     flags=re.IGNORECASE)
    if trial:
        return "nct", trial[1].upper()
    raise ValueError(f"'{text}' is not a DOI (10.xxxx/...), a PubMed ID (digits) or an NCT number (NCT + 8 digits)")


def fetch(kind: str, value: str, client: Client) -> Record:
    fetchers = {"doi": fetch_crossref, "pmid": fetch_pubmed, "nct": fetch_trial}
    return fetchers[kind](value, client)


# Crossref: https://api.crossref.org/swagger-ui/index.html (GET /works/{doi})


def crossref_url(doi: str) -> str:
    url = f"{base_url('CROSSREF_API_URL')}/works/{urllib.parse.quote(doi, safe='/')}"
    mail = contact_email()
    return url + ("?" + urllib.parse.urlencode({"mailto": mail}) if mail else "")


def fetch_crossref(doi: str, client: Client) -> Record:
    url = crossref_url(doi)
    try:
        answer = client.get(url, accept="application/json")
    except NotFound:
        raise NotFound(f"Crossref does not know DOI {doi} ({shown_url(url)} answered 404)") from None
    return parse_crossref(answer.body, shown_url(url))


def parse_crossref(body: bytes, url: str) -> Record:
    data = _json(body, "Crossref", url)
    work = data.get("message") if isinstance(data, dict) else None
    if not isinstance(work, dict) or data.get("message-type") not in (None, "work"):
        raise RegistryError(f"Crossref answer from {url} is not a work record")
    title = _first(work.get("title"))
    if not title:
        raise RegistryError(f"Crossref answer from {url} has no title")
    authors = []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        if person.get("family"):
            authors.append(Person(_text(person["family"]), _text(person.get("given", ""))))
        elif person.get("name"):
            authors.append(Person(_text(person["name"]), organisation=True))
    years = _unique(_crossref_year(work.get(k)) for k in ("published-print", "issued", "published-online", "published"))
    crossref_type = str(work.get("type", ""))
    journal_names = [_text(n) for n in (work.get("short-container-title") or []) + (work.get("container-title") or [])]
    retractions = []
    for update in work.get("updated-by") or []:
        if isinstance(update, dict) and update.get("type") in ("retraction", "withdrawal", "removal"):
            retractions.append(f"{update['type']} notice {update.get('DOI', '')}".strip())
    for relation in (work.get("relation") or {}).get("is-retracted-by", []) or []:
        if isinstance(relation, dict):
            retractions.append(f"retraction notice {relation.get('id', '')}".strip())
    if re.match(r"^\s*(retracted|withdrawn)\b", title, re.IGNORECASE):
        retractions.append(f"title says '{title[:40]}'")
    notice = ""
    for update in work.get("update-to") or []:
        if isinstance(update, dict) and update.get("type") in ("retraction", "withdrawal", "removal"):
            notice = str(update.get("DOI", "")) or "another work"
    return Record(
        source="Crossref", url=url,
        kind="article" if crossref_type == "journal-article" else crossref_type or "article",
        title=_text(title), authors=authors,
        journal=journal_names[0] if journal_names else "", journal_names=_unique(journal_names),
        years=years, volume=str(work.get("volume", "")), number=str(work.get("issue", "")),
        pages=str(work.get("page", "") or work.get("article-number", "")), doi=str(work.get("DOI", "")),
        publication_types=[crossref_type] if crossref_type else [],
        retractions=_unique(retractions), is_retraction_notice=notice,
    )


def _crossref_year(date: object) -> str:
    if isinstance(date, dict):
        parts = date.get("date-parts") or [[]]
        if parts and parts[0] and parts[0][0]:
            return str(parts[0][0])
    return ""


# PubMed through NCBI E-utilities: https://www.ncbi.nlm.nih.gov/books/NBK25499/ (efetch, XML)


def pubmed_url(pmid: str) -> str:
    params = {"db": "pubmed", "id": pmid, "retmode": "xml", "tool": "personalized-rt-living-review"}
    mail = contact_email()
    if mail:
        params["email"] = mail
    url = f"{base_url('NCBI_EUTILS_URL')}/efetch.fcgi?{urllib.parse.urlencode(params)}"
    key = os.environ.get("NCBI_API_KEY", "").strip()
    return url + ("&" + urllib.parse.urlencode({"api_key": key}) if key else "")


def shown_url(url: str) -> str:
    """A fetched URL fit to print or store: without the contact address, tool name or API key."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in ("mailto", "email", "tool", "api_key")]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch_pubmed(pmid: str, client: Client) -> Record:
    url = pubmed_url(pmid)
    try:
        answer = client.get(url, accept="application/xml")
    except NotFound:
        raise NotFound(f"PubMed does not know PMID {pmid} ({shown_url(url)} answered 404)") from None
    return parse_pubmed(answer.body, shown_url(url), pmid)


def parse_pubmed(body: bytes, url: str, pmid: str) -> Record:
    from lxml import etree  # here, so that the command line starts without it

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise RegistryError(f"PubMed answer from {url} is not XML: {exc}") from None
    if root.tag == "eFetchResult" or root.find(".//ERROR") is not None:
        raise NotFound(f"PubMed does not know PMID {pmid} ({url}: {root.findtext('.//ERROR') or 'error'})")
    article = root.find("PubmedArticle")
    if article is None:
        if root.tag == "PubmedArticleSet":
            raise NotFound(f"PubMed does not know PMID {pmid} ({url} returned no article)")
        raise RegistryError(f"PubMed answer from {url} is not a PubmedArticleSet")
    citation = article.find("MedlineCitation")
    art = citation.find("Article") if citation is not None else None
    if art is None:
        raise RegistryError(f"PubMed answer from {url} has no Article element")
    found_pmid = citation.findtext("PMID", "").strip()
    if found_pmid and found_pmid != pmid:
        raise RegistryError(f"PubMed answered with PMID {found_pmid} when asked for {pmid} ({url})")
    title = _text("".join(art.find("ArticleTitle").itertext()) if art.find("ArticleTitle") is not None else "")
    title = title.removesuffix(".") if not title.endswith("..") else title
    if title.startswith("[") and title.endswith("]"):  # PubMed brackets titles translated into English
        title = title[1:-1].removesuffix(".")
    if not title:
        raise RegistryError(f"PubMed answer from {url} has no title")
    authors = []
    for author in art.findall("AuthorList/Author"):
        if author.findtext("LastName"):
            given = author.findtext("ForeName") or author.findtext("Initials") or ""
            authors.append(Person(_text(author.findtext("LastName")), _text(given)))
        elif author.findtext("CollectiveName"):
            authors.append(Person(_text("".join(author.find("CollectiveName").itertext())), organisation=True))
    journal = art.find("Journal")
    issue = journal.find("JournalIssue") if journal is not None else None
    year = ""
    if issue is not None:
        year = issue.findtext("PubDate/Year") or (issue.findtext("PubDate/MedlineDate") or "")[:4]
    years = _unique([year] + [d.findtext("Year", "") for d in art.findall("ArticleDate")])
    names = [journal.findtext("ISOAbbreviation", ""), journal.findtext("Title", "")] if journal is not None else []
    names.append(citation.findtext("MedlineJournalInfo/MedlineTA", ""))
    ids = {i.get("IdType"): (i.text or "").strip() for i in article.findall("PubmedData/ArticleIdList/ArticleId")}
    elocation = {e.get("EIdType"): (e.text or "").strip() for e in art.findall("ELocationID")}
    types = [_text(t.text or "") for t in art.findall("PublicationTypeList/PublicationType")]
    retractions = []
    if "Retracted Publication" in types:
        retractions.append("PubMed publication type 'Retracted Publication'")
    for comment in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        if comment.get("RefType") == "RetractionIn":
            retractions.append(f"retraction: {_text(comment.findtext('RefSource', ''))}".strip())
    pages = art.findtext("Pagination/StartPage") or art.findtext("Pagination/MedlinePgn") or ""
    if art.findtext("Pagination/StartPage") and art.findtext("Pagination/EndPage"):
        pages = f"{art.findtext('Pagination/StartPage')}-{art.findtext('Pagination/EndPage')}"
    return Record(
        source="PubMed", url=url, kind="article", title=title, authors=authors,
        journal=_unique(names)[0] if _unique(names) else "", journal_names=_unique(names), years=years,
        volume=issue.findtext("Volume", "") if issue is not None else "",
        number=issue.findtext("Issue", "") if issue is not None else "",
        pages=pages or elocation.get("pii", ""),
        doi=ids.get("doi", "") or elocation.get("doi", ""), pmid=pmid, pmcid=ids.get("pmc", ""),
        publication_types=types, retractions=_unique(retractions),
        is_retraction_notice="retraction notice" if "Retraction of Publication" in types else "",
    )


# ClinicalTrials.gov API v2: https://clinicaltrials.gov/data-api/api (GET /studies/{nctId})


def trial_url(nct: str) -> str:
    return f"{base_url('CLINICALTRIALS_API_URL')}/studies/{nct}"


def fetch_trial(nct: str, client: Client) -> Record:
    url = trial_url(nct)
    try:
        answer = client.get(url, accept="application/json")
    except NotFound:
        raise NotFound(f"ClinicalTrials.gov does not know {nct} ({url} answered 404)") from None
    return parse_trial(answer.body, url, nct)


def parse_trial(body: bytes, url: str, nct: str) -> Record:
    data = _json(body, "ClinicalTrials.gov", url)
    protocol = data.get("protocolSection") if isinstance(data, dict) else None
    if not isinstance(protocol, dict):
        raise RegistryError(f"ClinicalTrials.gov answer from {url} has no protocolSection")
    ident = protocol.get("identificationModule") or {}
    found = str(ident.get("nctId", ""))
    if found.upper() != nct:
        raise RegistryError(f"ClinicalTrials.gov answered with {found or 'no NCT number'} when asked for {nct} ({url})")
    title = _text(ident.get("officialTitle") or ident.get("briefTitle") or "")
    if not title:
        raise RegistryError(f"ClinicalTrials.gov answer from {url} has no title")
    if ident.get("acronym") and ident["acronym"] not in title:
        title = f"{title} ({_text(ident['acronym'])})"
    status = protocol.get("statusModule") or {}
    dates = [(status.get("studyFirstPostDateStruct") or {}).get("date"), status.get("studyFirstSubmitDate"),
             (status.get("startDateStruct") or {}).get("date")]
    years = _unique(str(d)[:4] for d in dates if isinstance(d, str) and re.match(r"^\d{4}", d))
    sponsor = ((protocol.get("sponsorCollaboratorsModule") or {}).get("leadSponsor") or {}).get("name") \
        or (ident.get("organization") or {}).get("fullName") or ""
    design = protocol.get("designModule") or {}
    types = [str(design.get("studyType", ""))] + [str(p) for p in design.get("phases") or []]
    allocation = (design.get("designInfo") or {}).get("allocation")
    if allocation:
        types.append(str(allocation))
    return Record(
        source="ClinicalTrials.gov", url=url, kind="trial-registration", title=title,
        authors=[Person(_text(sponsor), organisation=True)] if sponsor else [],
        years=years, nct=nct, publication_types=[t for t in types if t],
    )


# Shared helpers


def _json(body: bytes, service: str, url: str) -> dict:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(f"{service} answer from {url} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RegistryError(f"{service} answer from {url} is not a JSON object")
    return data


def _first(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value or "")


TAG = re.compile(r"<[^>]+>")


def _text(value: str) -> str:
    """Plain text: markup (JATS/HTML tags, entities) removed, whitespace collapsed."""
    return " ".join(html.unescape(TAG.sub("", str(value))).split())


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
