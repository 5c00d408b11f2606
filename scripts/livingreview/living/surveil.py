"""Literature surveillance (`make surveil`): what PubMed has added on each topic page's subject since the
page's literature was last searched.

Each topic page keeps its saved search in its front matter (`pubmed_query`). For each, NCBI
E-utilities are asked (https://www.ncbi.nlm.nih.gov/books/NBK25499/): `esearch` for the PubMed ids
added to PubMed (Entrez date) since the page's `literature_searched` date, then `esummary` for their
titles, journals, dates and DOIs, both with retmode=json. Papers already in bib/ (by PMID or DOI) are
left out. The result is a Markdown report on stdout, one section per page; the weekly workflow posts
it as one GitHub issue that it updates.

Polite use: NCBI_EUTILS_URL gives the base address (tests point it at a local stand-in), NCBI_API_KEY
raises NCBI's limit from 3 to 10 requests a second, and the HTTP client keeps at least that interval
between requests (livingreview.contrib.http_client). A service that is down or answers something
other than E-utilities JSON ends the run with one message and exit status 1; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from livingreview.checks.sources import load_sources
from livingreview.contrib.http_client import Client, RegistryError, contact_email
from livingreview.contrib.registries import base_url
from livingreview.references.bibkeys import DOI

RETMAX = 200  # papers per page and run: more means the query wants narrowing
TOOL = "personalized-rt-living-review"


class SurveilError(RuntimeError):
    pass


@dataclass
class Paper:
    pmid: str
    title: str
    journal: str
    date: str
    doi: str


@dataclass
class PageResult:
    page: str
    title: str
    since: datetime.date
    query: str
    found: int  # what PubMed counted
    papers: list[Paper] = field(default_factory=list)  # new to bib/
    known: int = 0  # found, but already in bib/


def _params(extra: dict[str, str]) -> str:
    params = {"db": "pubmed", "retmode": "json", "tool": TOOL, **extra}
    if mail := contact_email():
        params["email"] = mail
    if key := os.environ.get("NCBI_API_KEY", "").strip():
        params["api_key"] = key
    return urllib.parse.urlencode(params)


def _json(client: Client, url: str, what: str) -> dict:
    try:
        body = client.get(url).body
    except RegistryError as exc:
        raise SurveilError(f"PubMed E-utilities ({base_url('NCBI_EUTILS_URL')}) could not be asked for {what}: "
                           f"{exc}") from None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SurveilError(f"PubMed E-utilities answered something that is not JSON for {what} "
                           f"({body[:60]!r}...)") from None
    if not isinstance(data, dict):
        raise SurveilError(f"PubMed E-utilities answered unexpected JSON for {what}")
    return data


def search(client: Client, query: str, since: datetime.date, what: str) -> tuple[int, list[str]]:
    """(how many PubMed found, the first RETMAX PMIDs) added since `since`."""
    url = f"{base_url('NCBI_EUTILS_URL')}/esearch.fcgi?" + _params({
        "term": query, "datetype": "edat", "mindate": since.strftime("%Y/%m/%d"), "maxdate": "3000/12/31",
        "retmax": str(RETMAX), "sort": "pub_date"})
    result = _json(client, url, what).get("esearchresult")
    if not isinstance(result, dict) or "idlist" not in result:
        error = result.get("ERROR") if isinstance(result, dict) else None
        raise SurveilError(f"PubMed esearch gave no id list for {what}" + (f": {error}" if error else ""))
    ids = [str(i) for i in result["idlist"] if str(i).isdigit()]
    try:
        count = int(result.get("count", len(ids)))
    except (TypeError, ValueError):
        count = len(ids)
    return count, ids


def summaries(client: Client, ids: list[str], what: str) -> list[Paper]:
    if not ids:
        return []
    url = f"{base_url('NCBI_EUTILS_URL')}/esummary.fcgi?" + _params({"id": ",".join(ids)})
    result = _json(client, url, what).get("result")
    if not isinstance(result, dict):
        raise SurveilError(f"PubMed esummary gave no result for {what}")
    papers = []
    for pmid in ids:
        item = result.get(pmid)
        if not isinstance(item, dict):
            continue
        doi = next((a.get("value", "") for a in item.get("articleids") or [] if isinstance(a, dict)
                    and a.get("idtype") == "doi"), "")
        papers.append(Paper(pmid, " ".join(str(item.get("title", "")).split()),
                            str(item.get("fulljournalname") or item.get("source") or ""),
                            str(item.get("pubdate") or item.get("epubdate") or ""), doi if DOI.match(doi) else ""))
    return papers


def surveil(root: Path, client: Client, progress=None) -> list[PageResult]:
    sources = load_sources(root)
    known_pmids = {e.get("pmid") for e in sources.entries if e.get("pmid")}
    known_dois = {e.get("doi").lower() for e in sources.entries if e.get("doi")}
    pages = [p for p in sources.pages if p.front and p.front.data and p.front.data.get("pubmed_query")]
    results = []
    for number, page in enumerate(pages, 1):
        data = page.front.data
        since = data.get("literature_searched")
        if not isinstance(since, datetime.date):
            raise SurveilError(f"{page.path}: literature_searched is not a date (make check says more)")
        title = str(data.get("title") or page.doc)
        if progress:
            progress(f"[{number}/{len(pages)}] {title}: searching PubMed since {since.isoformat()}")
        count, ids = search(client, str(data["pubmed_query"]), since, f"{page.path}")
        papers = summaries(client, ids, f"{page.path}")
        new = [p for p in papers if p.pmid not in known_pmids and (not p.doi or p.doi.lower() not in known_dois)]
        results.append(PageResult(page.doc, title, since, str(data["pubmed_query"]), count, new,
                                  len(papers) - len(new)))
    return results


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(results: list[PageResult], today: datetime.date) -> str:
    total = sum(len(r.papers) for r in results)
    lines = [f"# Literature surveillance, {today.isoformat()}", "",
             f"{total} paper(s) new to the bibliography across {len(results)} topic pages, from each page's saved "
             "PubMed query, added to PubMed since the page's `literature_searched` date. A paper listed here is a "
             "candidate to read, not evidence: check its record before citing it (CONTRIBUTING.md).", ""]
    for result in results:
        lines += [f"## {result.title} (`docs/{result.page}`)", "",
                  f"Since {result.since.isoformat()}: {result.found} found, {len(result.papers)} new, "
                  f"{result.known} already in bib/. Query: `{_cell(result.query)}`", ""]
        if result.found > RETMAX:
            lines += [f"Only the {RETMAX} most recent were looked at: narrow the query.", ""]
        if result.papers:
            lines += ["| Title | Journal | Date | PMID | DOI |", "|---|---|---|---|---|"]
            lines += [f"| {_cell(p.title)} | {_cell(p.journal)} | {_cell(p.date)} | "
                      f"[{p.pmid}](https://pubmed.ncbi.nlm.nih.gov/{p.pmid}/) | {p.doi or '-'} |" for p in result.papers]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--out", type=Path, help="write the report to this file instead of stdout")
    return parser


def run(args: argparse.Namespace) -> int:
    terminal = sys.stderr.isatty()

    def progress(text: str) -> None:
        if terminal:
            print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)

    client = Client.from_env()
    if os.environ.get("NCBI_API_KEY", "").strip():
        client.min_interval = min(client.min_interval, 0.1)  # NCBI allows 10 requests a second with a key
    try:
        results = surveil(args.root, client, progress)
    except SurveilError as exc:
        if terminal:
            print(file=sys.stderr)
        print(f"surveil: error: {exc}\nsurveil: no report was written.", file=sys.stderr)
        return 1
    if terminal:
        print("\r\033[K", end="", file=sys.stderr)
    text = report(results, datetime.date.today())
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"surveil: {sum(len(r.papers) for r in results)} new paper(s) on {len(results)} pages", file=sys.stderr)
    return 0
