"""Serve a built site on 127.0.0.1 the way the production host does, for browser tests and audits.

Like GitHub Pages, text responses are gzip-compressed when the client accepts it, every
response states its Content-Length, and a missing path answers 404 with the site's own
404.html. The port comes from the OS (bind 0), so parallel runs never collide.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

# Types GitHub Pages compresses; images and fonts are already compressed.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip for text, the site's 404 page, and no log noise."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".json": "application/json",
        ".xml": "application/xml",
        ".svg": "image/svg+xml",
    }

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the standard redirect to the slash-terminated URL
            path = path / "index.html"
        status = 200
        if not path.is_file():
            status, path = 404, Path(self.directory) / "404.html"
            if not path.is_file():
                self.send_error(404)
                return None
        body = path.read_bytes()
        content_type = self.guess_type(str(path))
        headers = {"Content-Type": content_type, "Cache-Control": "max-age=600"}
        if content_type.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._body = body
        return _NullFile()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[override]
        outputfile.write(self._body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        pass


class _NullFile:
    """send_head's contract is a file to copy and close; the body is already in memory."""

    def close(self) -> None:
        pass


@contextmanager
def serve_site(directory: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `directory` in a background thread; yields the base URL ending in '/'."""
    if not (directory / "index.html").is_file():
        raise FileNotFoundError(f"{directory}: no index.html, build the site first")
    handler = partial(SiteRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
