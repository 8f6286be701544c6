"""``--installed-font``: families counted as installed on the visitors' devices."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from push_manifest import build_manifest
from push_manifest.cli import cli

SITE = {
    "index.html": '<!doctype html><link rel="stylesheet" href="a.css"><p>Hello</p>',
    "a.css": '@font-face { font-family: Web; src: url(web.woff2) format("woff2") }\n'
    '@font-face { font-family: Local; src: local("Segoe UI"), url(local.woff2) }\n'
    '.x, p { font-family: "Segoe UI", Web, sans-serif }\n'
    "body { font-family: Local }",
    "web.woff2": "",
    "local.woff2": "",
}


def _fonts(root: Path, *installed: str) -> list[str]:
    manifest = build_manifest([root / "index.html"], root, installed_fonts=installed)
    (page,) = manifest.pages
    return sorted(r.url for r in page.resources if r.url.endswith(".woff2"))


def test_a_web_font_after_an_installed_family_is_not_listed(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site(SITE)
    assert _fonts(root) == ["/web.woff2"]  # Segoe UI is not in the default set
    assert _fonts(root, "Segoe UI") == []
    assert _fonts(root, "  segoe ui ") == []  # names compare ASCII case-insensitively


def test_local_of_an_installed_family_is_found_locally(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({**SITE, "index.html": '<link rel="stylesheet" href="a.css">Body text'})
    assert _fonts(root) == ["/local.woff2"]
    assert _fonts(root, "Segoe UI") == []


def test_the_command_line_option_and_the_cache(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site(SITE)
    base = ["-f", str(root / "index.html"), "-m", "-", "--cache-dir", str(tmp_path / "c")]
    runner = CliRunner()
    listed = runner.invoke(cli, base)
    assert listed.exit_code == 0 and "/web.woff2" in listed.stdout
    # Another installed set is another cache: the cached page is not reused.
    installed = runner.invoke(cli, [*base, "--installed-font", "Segoe UI"])
    assert installed.exit_code == 0 and "/web.woff2" not in installed.stdout
    assert "--installed-font FAMILY" in runner.invoke(cli, ["--help"]).stdout
