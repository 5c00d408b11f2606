"""The local stand-in for GitHub Pages used by the browser tests and `make audit`."""

from __future__ import annotations

import gzip
import http.client
from urllib.parse import urlsplit

import pytest

from livingreview.tools.static_server import serve_site


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<h1>home</h1>" * 100, encoding="utf-8")
    (tmp_path / "404.html").write_text("<h1>not here</h1>", encoding="utf-8")
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text("<p>page</p>", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + bytes(200))
    return tmp_path


def get(base: str, path: str, gzip_ok: bool = True) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip, br"} if gzip_ok else {})
    return connection.getresponse()


def test_text_is_gzipped_when_accepted_with_its_length(site):
    with serve_site(site) as base:
        response = get(base, "/")
        body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert int(response.getheader("Content-Length")) == len(body)
    assert gzip.decompress(body) == (site / "index.html").read_bytes()


def test_identity_without_accept_encoding_and_for_images(site):
    with serve_site(site) as base:
        plain = get(base, "/page/", gzip_ok=False)
        image = get(base, "/logo.png")
        assert plain.read() == b"<p>page</p>" and plain.getheader("Content-Encoding") is None
        assert image.getheader("Content-Encoding") is None and len(image.read()) == 204


def test_missing_path_answers_404_with_the_site_page(site):
    with serve_site(site) as base:
        response = get(base, "/nowhere/", gzip_ok=False)
        assert response.status == 404
        assert response.read() == b"<h1>not here</h1>"


def test_directory_without_slash_redirects(site):
    with serve_site(site) as base:
        response = get(base, "/page")
        assert response.status == 301 and response.getheader("Location").endswith("/page/")


def test_unbuilt_site_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="build the site first"):
        with serve_site(tmp_path):
            pass
