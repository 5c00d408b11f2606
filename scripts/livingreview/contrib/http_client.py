"""A polite HTTP client for the bibliographic registries (Crossref, NCBI, ClinicalTrials.gov).

Polite means: a User-Agent that names the project and a contact, a timeout on
every request, a minimum interval between requests to the same host, and
bounded retries with exponential backoff on 429 and 5xx answers (and on
timeouts), honouring Retry-After up to a cap. Every setting comes from the
environment so that tests can point the tools at a local server and wait
milliseconds instead of seconds.
"""

from __future__ import annotations

import email.utils
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

from livingreview.core.project import ROOT

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_CONTACT_URL = "https://github.com/personalized-rt/living-review/issues"


class RegistryError(Exception):
    """A registry could not answer: no network, timeout, error status or an answer we cannot read."""


class NotFound(RegistryError):
    """The registry answered that the identifier does not exist (HTTP 404, or an empty result)."""


class Unreachable(RegistryError):
    """The registry's host cannot be reached at all (no network, DNS failure, connection refused)."""


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError as exc:
        raise RegistryError(f"environment variable {name}={raw!r} is not a number") from exc


def _repo_url() -> str:
    """repo_url from mkdocs.yml, read as text (the file may hold tags a plain YAML loader rejects)."""
    try:
        text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    except OSError:
        return ""
    match = re.search(r"^repo_url:\s*(\S+)\s*$", text, re.MULTILINE)
    return match[1] if match else ""


def contact() -> str:
    """Who the registries can contact about our traffic: LIVINGREVIEW_CONTACT, else the issue tracker."""
    configured = os.environ.get("LIVINGREVIEW_CONTACT", "").strip()
    if configured:
        return configured
    repo = _repo_url()
    return repo.rstrip("/") + "/issues" if repo else DEFAULT_CONTACT_URL


def contact_email() -> str:
    """The contact if it is an e-mail address (Crossref's `mailto`, NCBI's `email`), else ''."""
    value = contact().removeprefix("mailto:")
    return value if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) else ""


def user_agent() -> str:
    who = contact()
    if contact_email():
        who = "mailto:" + contact_email()
    return f"personalized-rt-living-review/1.0 (+{who})"


@dataclass
class Client:
    timeout: float = 20.0  # seconds per request
    retries: int = 3  # further attempts after the first
    backoff: float = 1.0  # first wait; doubles on each retry
    max_wait: float = 30.0  # cap on any single wait, Retry-After included
    min_interval: float = 0.34  # between requests to one host (NCBI allows 3 a second without a key)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    waits: list[float] = field(default_factory=list)  # every wait, for reports and tests
    _last_request: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Client":
        return cls(
            timeout=_env_float("LIVINGREVIEW_HTTP_TIMEOUT", 20.0),
            retries=int(_env_float("LIVINGREVIEW_HTTP_RETRIES", 3)),
            backoff=_env_float("LIVINGREVIEW_HTTP_BACKOFF", 1.0),
            max_wait=_env_float("LIVINGREVIEW_HTTP_MAX_WAIT", 30.0),
            min_interval=_env_float("LIVINGREVIEW_HTTP_MIN_INTERVAL", 0.34),
        )

    def _wait(self, seconds: float) -> None:
        seconds = max(0.0, min(seconds, self.max_wait))
        self.waits.append(seconds)
        if seconds:
            self.sleep(seconds)

    def _pace(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None and self.min_interval > 0:
            remaining = self.min_interval - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)
        self._last_request[host] = self.clock()

    def get(self, url: str, *, accept: str = "application/json") -> Response:
        """GET with retries; NotFound on 404, RegistryError on anything else that is not 200."""
        host = urllib.parse.urlsplit(url).netloc
        request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": accept})
        attempt = 0
        while True:
            self._pace(host)
            retry_after: float | None = None
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (http(s) only)
                    return Response(url, answer.status, answer.read())
            except urllib.error.HTTPError as exc:
                status = exc.code
                if status == 404:
                    raise NotFound(f"{host} answered 404 Not Found for {url}") from None
                if status not in RETRY_STATUSES:
                    raise RegistryError(f"{host} answered HTTP {status} {exc.reason} for {url}") from None
                problem = f"HTTP {status} {exc.reason}"
                retry_after = parse_retry_after(exc.headers.get("Retry-After"))
            except (TimeoutError, socket.timeout):
                problem = f"no answer within {self.timeout:g} s"
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    problem = f"no answer within {self.timeout:g} s"
                else:
                    raise Unreachable(f"cannot reach {host} ({reason}); is the network available?") from None
            except (ConnectionError, OSError) as exc:
                raise Unreachable(f"connection to {host} failed: {exc}") from None
            if attempt >= self.retries:
                raise RegistryError(f"{host}: {problem} for {url}, gave up after {attempt + 1} attempts")
            self._wait(retry_after if retry_after is not None else self.backoff * 2**attempt)
            attempt += 1


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
