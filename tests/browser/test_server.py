"""The static server: what a plain static host answers, and its request log."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .server import Served, StaticServer, serve


def get(url: str) -> tuple[int, str, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return (
                response.status,
                response.headers["Content-Type"],
                response.headers["Cache-Control"],
                response.read(),
            )
    except urllib.error.HTTPError as error:
        return error.code, "", "", b""


def test_serves_files_by_decoded_path_with_browser_types_and_no_cache(tmp_path: Path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "café menu.png").write_bytes(b"\x89PNG")
    (tmp_path / "app.mjs").write_text("export {};\n")
    (tmp_path / "font.woff2").write_bytes(b"wOF2")
    with serve(tmp_path) as server:
        assert server.origin.startswith("http://127.0.0.1:")
        png = get(server.url("/img/caf%C3%A9%20menu.png?v=1"))
        assert png == (200, "image/png", "no-store", b"\x89PNG")
        assert get(server.url("/app.mjs"))[:2] == (200, "text/javascript")
        assert get(server.url("/font.woff2"))[:2] == (200, "font/woff2")
        assert get(server.url("/missing.css"))[0] == 404
        assert server.served() == (
            Served("/img/caf%C3%A9%20menu.png?v=1", 200),
            Served("/app.mjs", 200),
            Served("/font.woff2", 200),
            Served("/missing.css", 404),
        )


def test_two_servers_get_two_ports_and_a_file_is_not_a_site(tmp_path: Path) -> None:
    with serve(tmp_path) as first, serve(tmp_path) as second:
        assert first.origin != second.origin
    with pytest.raises(NotADirectoryError):
        StaticServer(tmp_path / "nope")
