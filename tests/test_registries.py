"""Reading registry answers, making keys and the polite HTTP client, against recorded-format fixtures."""

from __future__ import annotations

import pytest

from livingreview.references import bibkeys
from livingreview.contrib.add_ref import authors_text, guess_keywords, initials, page_range, title_text
from livingreview.contrib.http_client import Client, NotFound, RegistryError, Unreachable, parse_retry_after, user_agent
from livingreview.contrib.registries import (
    Person, classify_identifier, fetch_crossref, fetch_pubmed, fetch_trial, parse_crossref, parse_pubmed,
)
from registry_server import FIXTURES, Answer


@pytest.mark.parametrize("text, expected", [
    ("10.1056/NEJMoa053422", ("doi", "10.1056/NEJMoa053422")),
    ("https://doi.org/10.1016/S1470-2045(16)30102-4", ("doi", "10.1016/S1470-2045(16)30102-4")),
    ("doi:10.1056/NEJMoa053422", ("doi", "10.1056/NEJMoa053422")),
    ("27339115", ("pmid", "27339115")),
    ("PMID: 27339115", ("pmid", "27339115")),
    ("https://pubmed.ncbi.nlm.nih.gov/27339115/", ("pmid", "27339115")),
    ("nct01584258", ("nct", "NCT01584258")),
    ("https://clinicaltrials.gov/study/NCT01584258", ("nct", "NCT01584258")),
])
def test_identifiers_are_recognised_in_the_forms_people_paste(text, expected):
    assert classify_identifier(text) == expected


@pytest.mark.parametrize("text", ["", "10.1056", "NCT123", "ISRCTN97182923", "0123", "hello world"])
def test_anything_else_is_refused_with_the_accepted_forms(text):
    with pytest.raises(ValueError, match="not a DOI"):
        classify_identifier(text)


def test_keys_follow_the_convention():
    assert bibkeys.base_key("Dearnaley", "2016", "Conventional versus hypofractionated") == "dearnaley2016conventional"
    assert bibkeys.base_key("Müller-Lüdenscheidt", "2020", "The 10-year outcomes of a trial") == \
        "mullerludenscheidt2020outcomes"
    assert bibkeys.base_key("van Hagen", "2012", "Preoperative chemoradiotherapy") == "vanhagen2012preoperative"
    assert bibkeys.base_key("Ødegård", "2019", "{MRI}-guided therapy") == "odegard2019mriguided"
    assert bibkeys.unique_key("x2016a", {"x2016a", "x2016ab"}) == "x2016ac"
    assert bibkeys.unique_key("x2016a", set()) == "x2016a"
    assert bibkeys.KEY.match(bibkeys.base_key("O'Brien", "2001", "Ça marche: à l'œil"))


def test_names_titles_and_pages_are_normalised():
    assert initials("Hugo J. W. L.") == "H. J. W. L."
    assert initials("Jean-Pierre") == "J.-P."
    assert initials("DP") == "D. P."
    assert page_range("1047-60") == "1047--1060"
    assert page_range("e1234") == "e1234"
    assert page_range("R99-R117") == "R99--R117"
    assert title_text("Phase III trial of MRI-Linac & CHHiP: 50% (Squamous-Cell)") == \
        r"Phase {III} trial of {MRI-Linac} \& {CHHiP}: 50\% (Squamous-Cell)"
    seven = [Person(f"Name{i}", "Ann") for i in range(7)]
    assert authors_text(seven) == "Name0, A. and Name1, A. and Name2, A. and others"
    assert authors_text([Person("CHHiP Investigators", organisation=True)]) == "{CHHiP Investigators}"


def test_crossref_record_is_read_fully():
    body = (FIXTURES / "crossref" / "dearnaley2016.json").read_bytes()
    record = parse_crossref(body, "https://api.crossref.org/works/x")
    assert record.title.startswith("Conventional versus hypofractionated")
    assert record.authors[0] == Person("Dearnaley", "David")
    assert record.authors[-1] == Person("CHHiP Investigators", organisation=True)
    assert (record.journal, record.year, record.volume, record.number, record.pages) == \
        ("The Lancet Oncology", "2016", "17", "8", "1047-1060")
    assert record.retractions == [] and record.is_retraction_notice == ""


def test_crossref_retractions_are_seen_both_ways():
    retracted = parse_crossref((FIXTURES / "crossref" / "carberry2008.json").read_bytes(), "u")
    assert any("10.5555/666655554444" in r for r in retracted.retractions)
    notice = parse_crossref((FIXTURES / "crossref" / "carberry-retraction-notice.json").read_bytes(), "u")
    assert notice.is_retraction_notice == "10.5555/12345678"


def test_pubmed_record_is_read_fully():
    record = parse_pubmed((FIXTURES / "pubmed" / "27339115.xml").read_bytes(), "u", "27339115")
    assert record.title.endswith("phase 3 CHHiP trial")  # PubMed's final full stop dropped
    assert (record.journal, record.year, record.pages, record.doi, record.pmcid) == \
        ("Lancet Oncol", "2016", "1047-1060", "10.1016/S1470-2045(16)30102-4", "PMC4961874")
    assert "Randomized Controlled Trial" in record.publication_types
    assert guess_keywords(record)[0][0] == "type:rct"
    retracted = parse_pubmed((FIXTURES / "pubmed" / "90000001.xml").read_bytes(), "u", "90000001")
    assert any("Retracted Publication" in r for r in retracted.retractions)


@pytest.mark.parametrize("body", [b"", b"{not json", b"[1, 2]", b'{"status": "ok", "message": {"title": []}}'])
def test_malformed_crossref_answers_are_errors_not_crashes(body):
    with pytest.raises(RegistryError):
        parse_crossref(body, "u")


def test_malformed_pubmed_answers_are_errors_not_crashes():
    with pytest.raises(RegistryError, match="not XML"):
        parse_pubmed(b"<PubmedArticleSet><oops", "u", "1")
    with pytest.raises(NotFound):
        parse_pubmed(b"<PubmedArticleSet></PubmedArticleSet>", "u", "1")


def test_fetches_go_to_the_configured_base_urls_with_a_polite_user_agent(registry):
    client = Client.from_env()
    assert fetch_crossref("10.1056/NEJMoa053422", client).year == "2006"
    assert fetch_pubmed("27626136", client).authors[0].family == "Hamdy"
    trial = fetch_trial("NCT01584258", client)
    assert trial.title.endswith("(PACE)") and trial.authors[0].organisation
    paths = [path for path, _ in registry.requests]
    assert paths[0].startswith("/crossref/works/10.1056/NEJMoa053422")
    assert "mailto=tests%40example.org" in paths[0]
    assert "tool=" in paths[1] and "email=tests%40example.org" in paths[1]
    agents = {headers["User-Agent"] for _, headers in registry.requests}
    assert agents == {user_agent()} and "mailto:tests@example.org" in user_agent()


def test_unknown_identifiers_are_not_found(registry):
    client = Client.from_env()
    with pytest.raises(NotFound, match="Crossref does not know DOI 10.9999/none"):
        fetch_crossref("10.9999/none", client)
    with pytest.raises(NotFound, match="PubMed does not know PMID 99999999"):
        fetch_pubmed("99999999", client)
    with pytest.raises(NotFound, match="ClinicalTrials.gov does not know NCT00000000"):
        fetch_trial("NCT00000000", client)


def test_retry_after_is_honoured_and_capped(registry):
    waits: list[float] = []
    client = Client(retries=3, backoff=0.5, max_wait=10, min_interval=0, sleep=waits.append)
    registry.script("/crossref/works/10.1056/nejmoa053422",
                    Answer(429, b"slow down", {"Retry-After": "7"}),
                    Answer(503, b"busy", {"Retry-After": "3600"}),
                    Answer(502, b"bad gateway"))
    assert fetch_crossref("10.1056/NEJMoa053422", client).title.startswith("Radiotherapy plus")
    assert waits == [7.0, 10.0, 2.0]  # Retry-After, Retry-After capped, then backoff 0.5 * 2**2


def test_retries_are_bounded(registry):
    client = Client(retries=2, backoff=0, min_interval=0, sleep=lambda s: None)
    registry.script("/crossref/works/10.1056/nejmoa053422", *[Answer(500, b"oops")] * 5)
    with pytest.raises(RegistryError, match="gave up after 3 attempts"):
        fetch_crossref("10.1056/NEJMoa053422", client)
    assert sum(p.startswith("/crossref/works/10.1056/NEJMoa053422") for p, _ in registry.requests) == 3


def test_timeouts_are_retried_then_reported(registry):
    client = Client(timeout=0.2, retries=1, backoff=0, min_interval=0, sleep=lambda s: None)
    registry.script("/ctgov/studies/NCT01584258", Answer(200, b"{}", delay=1.0), Answer(200, b"{}", delay=1.0))
    with pytest.raises(RegistryError, match="no answer within 0.2 s"):
        fetch_trial("NCT01584258", client)


def test_no_network_is_reported_at_once(monkeypatch):
    monkeypatch.setenv("CROSSREF_API_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(Unreachable, match="cannot reach 127.0.0.1:9"):
        fetch_crossref("10.1056/NEJMoa053422", Client(retries=3, sleep=lambda s: pytest.fail("no retry")))


def test_retry_after_header_forms():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
