"""A static HTTP server for one site directory on 127.0.0.1, on a random free port.

It serves files as a plain static host would (``Content-Type`` by extension, 404 for missing
files) and tells browsers not to cache, so every page load fetches every resource again. It also
logs each request it answers, which lets a test check from the server's side what the browser
fetched (and that nothing else reached it).
"""

from __future__ import annotations

import mimetypes
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# The platform's mime.types may lack these, or map them to what browsers reject for scripts.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
    ".vtt": "text/vtt",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".json": "application/json",
    # No charset parameter, as nginx and Apache send by default: the page's own BOM or
    # <meta charset> decides, which fixtures/browser-tree tests (a transport charset wins).
    ".html": "text/html",
}


@dataclass(frozen=True, slots=True)
class Served:
    """One request the server answered: the request target as sent, and the status code."""

    path: str
    status: int


class _Handler(SimpleHTTPRequestHandler):
    log: list[Served]
    log_lock: threading.Lock

    def guess_type(self, path: str | object) -> str:
        suffix = Path(str(path)).suffix.lower()
        return (
            _TYPES.get(suffix) or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        )

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = code if isinstance(code, int) else int(code) if str(code).isdigit() else 0
        with self.log_lock:
            self.log.append(Served(self.path, status))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Silence the default stderr access log; :meth:`log_request` keeps the record."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closed a page mid-response (a context closed after the quiet period)
        is no error; anything else is printed as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class StaticServer:
    """A running server for ``root``; use as a context manager, or :func:`serve`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(str(self.root))
        self._log: list[Served] = []
        handler = type("SiteHandler", (_Handler,), {"log": self._log, "log_lock": threading.Lock()})
        self._httpd = _Server(("127.0.0.1", 0), partial(handler, directory=str(self.root)))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``, without a trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of root-absolute ``path`` (``/sub/page.html``)."""
        return self.origin + path

    def served(self) -> tuple[Served, ...]:
        """Every request answered so far, in order."""
        return tuple(self._log)

    def start(self) -> StaticServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StaticServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def serve(root: Path) -> Iterator[StaticServer]:
    """Serve ``root`` on 127.0.0.1 for the duration of the ``with`` block."""
    with StaticServer(root) as server:
        yield server
