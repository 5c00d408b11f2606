"""A local stand-in for Crossref, NCBI E-utilities and ClinicalTrials.gov, serving tests/fixtures/registries/.

Runs http.server in a thread on 127.0.0.1 with a port chosen by the OS.
Routes: /crossref/works/{doi}, /eutils/efetch.fcgi?id={pmid}, /eutils/esearch.fcgi and
/eutils/esummary.fcgi (one answer for any query), /ctgov/studies/{nct}.
A test can script the next answers for a path prefix (status, headers, body,
delay) to play 429s, 5xx, slow or malformed answers; every request is logged.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "registries"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def load_fixtures() -> dict[str, Answer]:
    """Path (as the tools request it, unquoted, lower-cased DOI) -> answer."""
    routes: dict[str, Answer] = {}
    for path in sorted((FIXTURES / "crossref").glob("*.json")):
        doi = json.loads(path.read_text(encoding="utf-8"))["message"]["DOI"].lower()
        routes[f"/crossref/works/{doi}"] = Answer(200, path.read_bytes(), {"Content-Type": "application/json"})
    for path in sorted((FIXTURES / "pubmed").glob("*.xml")):
        routes[f"/eutils/efetch/{path.stem}"] = Answer(200, path.read_bytes(), {"Content-Type": "text/xml"})
    for name in ("esearch", "esummary"):  # one answer for every query (literature surveillance)
        path = FIXTURES / "pubmed" / f"{name}.json"
        routes[f"/eutils/{name}.fcgi"] = Answer(200, path.read_bytes(), {"Content-Type": "application/json"})
    for path in sorted((FIXTURES / "clinicaltrials").glob("*.json")):
        routes[f"/ctgov/studies/{path.stem}"] = Answer(200, path.read_bytes(), {"Content-Type": "application/json"})
    return routes


# What efetch answers for a PMID it does not have: an empty set, with HTTP 200.
EMPTY_PUBMED = (b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
                b'2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
                b'<PubmedArticleSet></PubmedArticleSet>\n')


class RegistryServer:
    def __init__(self) -> None:
        self.routes = load_fixtures()
        self.scripted: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                answer = server.answer(self.path)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def env(self) -> dict[str, str]:
        """Environment pointing the tools here, with waits of milliseconds."""
        return {
            "CROSSREF_API_URL": self.url + "/crossref",
            "NCBI_EUTILS_URL": self.url + "/eutils",
            "CLINICALTRIALS_API_URL": self.url + "/ctgov",
            "LIVINGREVIEW_CONTACT": "tests@example.org",
            "LIVINGREVIEW_HTTP_TIMEOUT": "2",
            "LIVINGREVIEW_HTTP_RETRIES": "2",
            "LIVINGREVIEW_HTTP_BACKOFF": "0.01",
            "LIVINGREVIEW_HTTP_MAX_WAIT": "0.05",
            "LIVINGREVIEW_HTTP_MIN_INTERVAL": "0",
        }

    def script(self, prefix: str, *answers: Answer) -> None:
        """The next requests whose (normalised) path starts with prefix get these answers, in order."""
        self.scripted.setdefault(prefix, []).extend(answers)

    def normalise(self, raw: str) -> str:
        parts = urllib.parse.urlsplit(raw)
        path = urllib.parse.unquote(parts.path)
        if path.startswith("/crossref/works/"):
            return path.lower()
        if path == "/eutils/efetch.fcgi":
            query = urllib.parse.parse_qs(parts.query)
            return "/eutils/efetch/" + ",".join(query.get("id", []))
        return path

    def answer(self, raw: str) -> Answer:
        path = self.normalise(raw)
        for prefix, queue in self.scripted.items():
            if path.startswith(prefix) and queue:
                return queue.pop(0)
        if path in self.routes:
            return self.routes[path]
        if path.startswith("/eutils/efetch/"):
            return Answer(200, EMPTY_PUBMED, {"Content-Type": "text/xml"})
        if path.startswith("/crossref/works/"):
            return Answer(404, b"Resource not found.", {"Content-Type": "text/plain"})
        if path.startswith("/ctgov/studies/"):
            return Answer(404, b'{"message": "Study not found"}', {"Content-Type": "application/json"})
        return Answer(404, b"no such route", {"Content-Type": "text/plain"})

    def __enter__(self) -> "RegistryServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
