"""Confinement: no reference makes the tool open, read, list or even look up anything outside
the root (issue "Hostile and broken input", item 1).

Every test runs the crawl under the file-access spy (``conftest.FileSpy``) with a secret file in
a sibling of the root, and asserts both the outcome and that nothing physically outside the root
was touched. URLs cannot leave the root: ``..`` that the URL parser removes is clamped at ``/``
as browsers do (listed, with an ``above-root`` warning, SPEC §4); what survives the URL parser
and would climb on disk (``..%2f``, ``..%5c``, NUL, ``file:``, drive paths, symlinks out) is
excluded with an ``outside-root`` warning.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from push_manifest import Manifest, WarningCode, build_manifest, render
from push_manifest.cli import cli
from push_manifest.site import FileState, Site

from ..conftest import FIXTURES
from .conftest import Area, FileSpy, crawl_all


def crawl(area: Area, spy: FileSpy, page: str = "index.html", **kwargs: object) -> Manifest:
    with spy.active():
        manifest = crawl_all([area.root / page], root=area.root, **kwargs)
    return manifest


def assert_confined(area: Area, spy: FileSpy, allowed: tuple[Path, ...] = ()) -> None:
    assert spy.under(area.root), "the spy saw nothing: it is not watching"
    assert spy.under(area.outside) == []
    assert spy.escapes(area.base, area.root, allowed) == []


def keys(manifest: Manifest) -> list[str]:
    return [r.url for page in manifest.pages for r in page.resources]


def outside_warnings(manifest: Manifest) -> list[str]:
    return [w.reference for w in manifest.warnings if w.code is WarningCode.OUTSIDE_ROOT]


def above_root_warnings(manifest: Manifest) -> list[str]:
    return [w.reference for w in manifest.warnings if w.code is WarningCode.ABOVE_ROOT]


# -- the spy itself ----------------------------------------------------------------------------


def test_spy_catches_every_way_of_reaching_the_secret(area: Area, file_spy: FileSpy) -> None:
    (area.root / "link.css").symlink_to(area.secret)
    (area.root / "vendor").symlink_to(area.outside, target_is_directory=True)
    with file_spy.active():
        area.secret.read_text()
        (area.root / "link.css").read_bytes()
        os.stat(area.root / "vendor" / "secret.css")
        os.listdir(area.root / "vendor")
        fd = os.open(area.base, os.O_RDONLY)
        try:
            os.close(os.open("outside/secret.css", os.O_RDONLY, dir_fd=fd))
        finally:
            os.close(fd)
    seen = {(a.op, a.path) for a in file_spy.escapes(area.base, area.root)}
    secret = os.path.realpath(area.secret)
    assert ("open", secret) in seen
    assert ("stat", secret) in seen
    assert ("list", os.path.realpath(area.outside)) in seen
    # open(), a read through the file symlink, and os.open relative to a directory descriptor
    assert len([a for a in file_spy.accesses if a.path == secret and a.op == "open"]) == 3


def test_spy_allows_looking_up_the_directories_above_the_root(
    area: Area, file_spy: FileSpy
) -> None:
    with file_spy.active():
        os.path.realpath(area.root / "index.html")
    assert file_spy.under(area.base)  # the lookups were seen, and allowed
    assert file_spy.escapes(area.base, area.root) == []


# -- references that leave the root --------------------------------------------------------

CLAMPED = [
    pytest.param("../outside/secret.css", "/outside/secret.css", id="dotdot"),
    pytest.param("../../../../../../../../etc/passwd", "/etc/passwd", id="dotdot-chain"),
    pytest.param("sub/../../outside/secret.css", "/outside/secret.css", id="dotdot-after-segment"),
    pytest.param("./.././outside/secret.css", "/outside/secret.css", id="dot-and-dotdot"),
    pytest.param("%2e%2e/outside/secret.css", "/outside/secret.css", id="pct-dotdot"),
    pytest.param("%2E%2e/outside/secret.css", "/outside/secret.css", id="pct-dotdot-mixed-case"),
    pytest.param(".%2e/outside/secret.css", "/outside/secret.css", id="pct-half-dotdot"),
    pytest.param("..\\outside\\secret.css", "/outside/secret.css", id="backslash"),
    pytest.param("/../outside/secret.css", "/outside/secret.css", id="root-absolute-dotdot"),
    pytest.param("\\..\\outside\\secret.css", "/outside/secret.css", id="backslash-root-dotdot"),
    pytest.param(
        ". ./outside/secret.css".replace(" ", "\t"), "/outside/secret.css", id="tab-inside-dotdot"
    ),
]

ESCAPES = [
    pytest.param("..%2foutside%2fsecret.css", id="pct-slash"),
    pytest.param("%2e%2e%2Foutside%2Fsecret.css", id="pct-dotdot-pct-slash"),
    pytest.param("..%5coutside%5csecret.css", id="pct-backslash"),
    pytest.param("file:///etc/passwd", id="file-url"),
    pytest.param("FILE://localhost/etc/passwd", id="file-url-host"),
    pytest.param("C:\\Windows\\win.ini", id="windows-drive"),
    pytest.param("c:/windows/win.ini", id="windows-drive-slash"),
    pytest.param("%00secret.css", id="nul-byte"),
]


def markup_for(element: str, reference: str) -> str:
    css = reference.replace("\\", "\\\\")  # a CSS string reads "\\" as one backslash
    return {
        "link": f"<link rel=stylesheet href='{reference}'>",
        "img": f"<img src='{reference}'>",
        "style": f"<style>@import '{css}'; b {{ background: url('{css}') }}</style>",
    }[element]


@pytest.mark.parametrize(("reference", "path"), CLAMPED)
@pytest.mark.parametrize("element", ["link", "img", "style"])
def test_dotdot_above_the_root_is_clamped_listed_and_warned(
    area: Area, file_spy: FileSpy, reference: str, path: str, element: str
) -> None:
    """As a browser: the URL parser never climbs above ``/``, so the file named is under the
    root (here missing: listed anyway, as any missing local file), with an ``above-root``
    warning; nothing outside the root is looked up."""
    area.write(
        {"index.html": f"{markup_for(element, reference)}<img src=ok.png>", "ok.png": b"png"}
    )
    manifest = crawl(area, file_spy)
    assert keys(manifest) == [path, "/ok.png"]
    assert outside_warnings(manifest) == []
    assert above_root_warnings(manifest) == [reference]
    assert_confined(area, file_spy)


@pytest.mark.parametrize("reference", ESCAPES)
@pytest.mark.parametrize("element", ["link", "img", "style"])
def test_traversal_is_excluded_and_warned(
    area: Area, file_spy: FileSpy, reference: str, element: str
) -> None:
    area.write(
        {"index.html": f"{markup_for(element, reference)}<img src=ok.png>", "ok.png": b"png"}
    )
    manifest = crawl(area, file_spy)
    assert keys(manifest) == ["/ok.png"]
    assert outside_warnings(manifest) == [reference]
    assert above_root_warnings(manifest) == []
    assert_confined(area, file_spy)


def test_clamped_dotdot_names_the_file_under_the_root(area: Area, file_spy: FileSpy) -> None:
    """The real-site case (an admin template one level too deep in ``..``): listed, followed."""
    area.write({
        "index.html": "<link rel=stylesheet href='../assets/app.css'>",
        "assets/app.css": "b { background: url(../../img/bg.png) }", "img/bg.png": b"png",
    })  # fmt: skip
    manifest = crawl(area, file_spy)
    assert keys(manifest) == ["/assets/app.css", "/img/bg.png"]
    assert [(w.document, w.reference) for w in manifest.warnings] == [
        ("index.html", "../assets/app.css"), ("assets/app.css", "../../img/bg.png"),
    ]  # fmt: skip
    assert {w.code for w in manifest.warnings} == {WarningCode.ABOVE_ROOT}
    assert_confined(area, file_spy)


def test_strict_does_not_fail_on_clamped_dotdot(area: Area, tmp_path: Path) -> None:
    area.write({"index.html": "<img src='../ok.png'>", "ok.png": b"png"})
    out = tmp_path / "m.json"
    result = CliRunner().invoke(
        cli, ["-f", str(area.root / "index.html"), "-m", str(out), "--strict"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "[above-root]" in result.stderr
    assert '"/ok.png"' in out.read_text()


@pytest.mark.parametrize(
    ("reference", "code"),
    [("../../outside/secret.css", WarningCode.ABOVE_ROOT),
     ("../%2e%2e/outside/secret.css", WarningCode.ABOVE_ROOT),
     ("..%5C..%5Coutside/secret.css", WarningCode.OUTSIDE_ROOT)],
)  # fmt: skip
def test_traversal_from_a_stylesheet_is_warned(
    area: Area, file_spy: FileSpy, reference: str, code: WarningCode
) -> None:
    area.write({
        "index.html": "<link rel=stylesheet href=css/site.css>",
        "css/site.css": f"@import '{reference}';\nbody {{ background: url(../img/ok.png) }}",
        "img/ok.png": b"png",
    })  # fmt: skip
    manifest = crawl(area, file_spy)
    clamped = ["/outside/secret.css"] if code is WarningCode.ABOVE_ROOT else []
    assert keys(manifest) == ["/css/site.css", *clamped, "/img/ok.png"]
    [warning] = [w for w in manifest.warnings if w.code is code]
    assert (warning.document, warning.reference) == ("css/site.css", reference)
    assert_confined(area, file_spy)


def test_one_dotdot_that_stays_inside_is_followed(area: Area, file_spy: FileSpy) -> None:
    area.write({
        "sub/page.html": "<link rel=stylesheet href='../css/a.css'><img src='%2e%2e/b.png'>",
        "css/a.css": "i { background: url(../c.png) }",
        "b.png": b"", "c.png": b"",
    })  # fmt: skip
    manifest = crawl(area, file_spy, "sub/page.html")
    assert keys(manifest) == ["/css/a.css", "/b.png", "/c.png"]
    assert manifest.warnings == ()


def test_absolute_file_path_of_the_site_or_beside_it_is_excluded(
    area: Area, file_spy: FileSpy
) -> None:
    area.write({
        "index.html": f"<link rel=stylesheet href='{area.secret}'>"
        f"<img src='{area.root}/logo.png'><img src='/logo.png'>",
        "logo.png": b"png",
    })  # fmt: skip
    manifest = crawl(area, file_spy)
    assert keys(manifest) == ["/logo.png"]
    assert outside_warnings(manifest) == [str(area.secret), f"{area.root}/logo.png"]
    assert_confined(area, file_spy)


def test_path_starting_with_two_slashes_never_becomes_another_host(
    area: Area, file_spy: FileSpy
) -> None:
    """Found by the fuzzer: ``..//x`` from ``/sub/`` has the path ``//x``, which a ``Link``
    header would read as the scheme-relative URL of host ``x``."""
    area.write({"sub/page.html": "<link rel=stylesheet href='..//evil.example/x.css'>"
                                 "<img src='/.//evil.example/y.png'>"})  # fmt: skip
    manifest = crawl(area, file_spy, "sub/page.html")
    assert keys(manifest) == ["/evil.example/x.css", "/evil.example/y.png"]
    assert "<//" not in render(manifest, "link")


def test_other_schemes_and_hosts_are_not_local_and_not_warned(
    area: Area, file_spy: FileSpy
) -> None:
    refs = ["https://cdn.example/a.css", "//cdn.example/b.css", "data:text/css,a{}",
            "javascript:alert(1)", "blob:http://site.invalid/x", "about:blank", "#top",
            " "]  # fmt: skip
    area.write({"index.html": "".join(f"<link rel=stylesheet href='{r}'>" for r in refs)})
    manifest = crawl(area, file_spy)
    assert keys(manifest) == []
    assert manifest.warnings == ()


def test_module_import_that_climbs_is_clamped(area: Area, file_spy: FileSpy) -> None:
    area.write({
        "index.html": "<script type=module src=js/app.js></script>",
        "js/app.js": "import '../../outside/evil.js';\nimport './ok.js';\n", "js/ok.js": "",
    })  # fmt: skip
    manifest = crawl(area, file_spy)
    assert keys(manifest) == ["/js/app.js", "/outside/evil.js", "/js/ok.js"]
    assert above_root_warnings(manifest) == ["../../outside/evil.js"]
    assert outside_warnings(manifest) == []
    assert_confined(area, file_spy)


# -- symlinks ----------------------------------------------------------------------------------


def test_symlink_to_a_file_outside_is_excluded(area: Area, file_spy: FileSpy) -> None:
    (area.root / "leak.css").symlink_to(area.secret)
    (area.root / "rel-leak.css").symlink_to(Path("..", "outside", "secret.css"))
    area.write({"index.html": "<link rel=stylesheet href=leak.css><img src=rel-leak.css>"})
    manifest = crawl(area, file_spy)
    assert keys(manifest) == []
    assert outside_warnings(manifest) == ["leak.css", "rel-leak.css"]
    assert_confined(area, file_spy)


def test_symlink_to_a_directory_outside_is_excluded(area: Area, file_spy: FileSpy) -> None:
    (area.root / "vendor").symlink_to(area.outside, target_is_directory=True)
    area.write({"index.html": "<link rel=stylesheet href=vendor/secret.css><img src=vendor/>"})
    manifest = crawl(area, file_spy)
    assert keys(manifest) == []
    assert outside_warnings(manifest) == ["vendor/secret.css", "vendor/"]
    assert_confined(area, file_spy)


def test_symlink_that_leaves_and_reenters_the_root_is_excluded(
    area: Area, file_spy: FileSpy
) -> None:
    """Resolving ``../site/real.css`` would look up the root's parent: never done."""
    area.write({"index.html": "<link rel=stylesheet href=alias.css>", "real.css": ""})
    (area.root / "alias.css").symlink_to(Path("..", "site", "real.css"))
    manifest = crawl(area, file_spy)
    assert outside_warnings(manifest) == ["alias.css"]
    assert_confined(area, file_spy)


def test_symlinks_that_stay_inside_are_followed(area: Area, file_spy: FileSpy) -> None:
    area.write({
        "index.html": "<link rel=stylesheet href=css/theme.css><img src=img/abs.png>",
        "shared/theme.css": "@import 'more.css'; a { background: url(bg.png) }",
        "shared/more.css": "", "shared/bg.png": b"", "assets/abs.png": b"",
    })  # fmt: skip
    (area.root / "css").mkdir()
    (area.root / "css" / "theme.css").symlink_to(Path("..", "shared", "theme.css"))
    (area.root / "img").mkdir()
    (area.root / "img" / "abs.png").symlink_to(area.root / "assets" / "abs.png")
    manifest = crawl(area, file_spy)
    assert keys(manifest) == ["/css/theme.css", "/css/more.css", "/img/abs.png", "/css/bg.png"]
    assert [w.reference for w in manifest.warnings] == ["more.css", "bg.png"]  # relative to css/
    assert_confined(area, file_spy)


@pytest.mark.parametrize("shape", ["two-links", "self", "dir-chain"])
def test_symlink_loop_is_excluded_and_the_run_finishes(
    area: Area, file_spy: FileSpy, shape: str
) -> None:
    if shape == "two-links":
        (area.root / "a.css").symlink_to("b.css")
        (area.root / "b.css").symlink_to("a.css")
    elif shape == "self":
        (area.root / "a.css").symlink_to("a.css")
    else:
        (area.root / "d").symlink_to("e/a.css")
        (area.root / "e").mkdir()
        (area.root / "e" / "a.css").symlink_to("../d")
    area.write({"index.html": "<link rel=stylesheet href=a.css><link rel=stylesheet href=d>"
                              "<img src=ok.png>", "ok.png": b""})  # fmt: skip
    manifest = crawl(area, file_spy)
    assert "/ok.png" in keys(manifest)
    assert "a.css" in outside_warnings(manifest) or shape == "dir-chain"
    if shape == "dir-chain":
        assert "d" in outside_warnings(manifest)
    assert_confined(area, file_spy)


def test_fifo_named_css_is_never_opened(area: Area, file_spy: FileSpy) -> None:
    os.mkfifo(area.root / "pipe.css")
    area.write({"index.html": "<link rel=stylesheet href=pipe.css><img src=ok.png>", "ok.png": b""})
    manifest = crawl(area, file_spy)  # opening the FIFO for reading would block forever
    assert keys(manifest) == ["/pipe.css", "/ok.png"]
    assert [w.code for w in manifest.warnings] == [WarningCode.MISSING]
    assert not [a for a in file_spy.accesses if a.op == "open" and a.path.endswith("pipe.css")]


def test_root_that_is_a_symlink(area: Area, file_spy: FileSpy) -> None:
    area.write({
        "index.html": "<link rel=stylesheet href=/css/a.css><img src=..%2foutside%2fsecret.css>",
        "css/a.css": "@import '/css/b.css';", "css/b.css": "",
    })  # fmt: skip
    link = area.base / "root-link"
    link.symlink_to(area.root, target_is_directory=True)
    with file_spy.active():
        via_link = crawl_all([link / "index.html"], root=link)
    direct = crawl_all([area.root / "index.html"], root=area.root)
    assert render(via_link) == render(direct)
    assert keys(via_link) == ["/css/a.css", "/css/b.css"]
    assert outside_warnings(via_link) == ["..%2foutside%2fsecret.css"]
    assert_confined(area, file_spy, allowed=(link,))


def test_absolute_symlink_through_the_root_link_is_followed(area: Area, file_spy: FileSpy) -> None:
    link = area.base / "root-link"
    link.symlink_to(area.root, target_is_directory=True)
    area.write({"index.html": "<link rel=stylesheet href=alias.css>", "real.css": "a{}"})
    (area.root / "alias.css").symlink_to(link / "real.css")
    with file_spy.active():
        manifest = crawl_all([link / "index.html"], root=link)
    assert keys(manifest) == ["/alias.css"]
    assert manifest.warnings == ()
    assert_confined(area, file_spy, allowed=(link,))


def test_page_that_is_a_symlink_outside_is_refused_unread(area: Area, file_spy: FileSpy) -> None:
    (area.root / "index.html").symlink_to(area.outside / "page.html")
    with file_spy.active():
        result = CliRunner().invoke(cli, ["-f", str(area.root / "index.html"), "-m", "-"])
    assert result.exit_code == 2, result.output
    assert "outside the root" in result.stderr
    assert not [a for a in file_spy.under(area.outside) if a.op in ("open", "list")]


def test_site_read_refuses_paths_outside_and_symlinks_swapped_in(area: Area) -> None:
    area.write({"css/a.css": "a{}"})
    site = Site(area.root)
    located = site.locate("http://site.invalid/css/a.css")
    assert located.state is FileState.FILE and located.path is not None
    assert site.read(located.path) == b"a{}"
    with pytest.raises(ValueError):
        site.read(area.secret)
    # A link swapped in after locate() must not redirect the read.
    (area.root / "css" / "a.css").unlink()
    (area.root / "css" / "a.css").symlink_to(area.secret)
    with pytest.raises(OSError):
        site.read(located.path)
    (area.root / "css" / "a.css").unlink()
    (area.root / "css").rmdir()
    (area.root / "css").symlink_to(area.outside, target_is_directory=True)
    (area.outside / "a.css").write_text("stolen")
    with pytest.raises(OSError):
        site.read(located.path)


# -- --strict --------------------------------------------------------------------------------


def test_strict_makes_an_escape_an_error(area: Area, tmp_path: Path) -> None:
    area.write({"index.html": "<link rel=stylesheet href=..%2foutside%2fsecret.css><img src=a.png>",
                "a.png": b""})  # fmt: skip
    out = tmp_path / "m.json"
    result = CliRunner().invoke(
        cli, ["-f", str(area.root / "index.html"), "-m", str(out), "--strict"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "'..%2foutside%2fsecret.css'" in result.stderr and "outside-root" in result.stderr
    assert not out.exists()
    lenient = CliRunner().invoke(
        cli, ["-f", str(area.root / "index.html"), "-m", str(out)], catch_exceptions=False
    )
    assert lenient.exit_code == 0
    assert "warning:" in lenient.stderr and "secret" not in out.read_text()


# -- page globs ------------------------------------------------------------------------------


def test_glob_through_a_symlink_to_the_root_itself_terminates(area: Area) -> None:
    area.write(
        {"index.html": "<img src=a.png>", "blog/post.html": "<img src=/a.png>", "a.png": b""}
    )
    (area.root / "blog" / "loop").symlink_to(area.root, target_is_directory=True)
    manifest = crawl_all([f"{area.root}/**/*.html"], root=area.root)
    assert [page.key for page in manifest.pages] == ["blog/post.html", "index.html"]


def test_glob_does_not_follow_a_directory_symlink_outside(area: Area, file_spy: FileSpy) -> None:
    area.write({"index.html": "<img src=a.png>", "a.png": b""})
    (area.root / "vendor").symlink_to(area.outside, target_is_directory=True)
    with file_spy.active():
        manifest = crawl_all([f"{area.root}/**/*.html"], root=area.root)
    assert [page.key for page in manifest.pages] == ["index.html"]
    assert spy_lists_nothing_outside(area, file_spy)


def spy_lists_nothing_outside(area: Area, spy: FileSpy) -> bool:
    return not [a for a in spy.under(area.outside) if a.op in ("open", "list")]


# -- every fixture site ----------------------------------------------------------------------


def _fixture_sites() -> list[Path]:
    candidates = [p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "cases"]
    cases = FIXTURES / "cases"
    if cases.is_dir():
        candidates += [p for p in cases.iterdir() if p.is_dir()]
    return sorted(p for p in candidates if any(p.rglob("*.html")))


@pytest.mark.parametrize("site", _fixture_sites(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_site_is_crawled_inside_its_root(site: Path, file_spy: FileSpy) -> None:
    with file_spy.active():
        build_manifest([f"{site}/**/*.html"], root=site)
    assert file_spy.under(site)
    assert file_spy.escapes(FIXTURES, site) == []


# -- the incremental cache -------------------------------------------------------------------


class _Payload:
    """Unpickling this creates a file: a stand-in for arbitrary code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_planted_cache_neither_runs_code_nor_reads_outside(
    area: Area, file_spy: FileSpy, tmp_path: Path
) -> None:
    import sqlite3

    from push_manifest.cache import pack, unpack

    area.write({"index.html": "<link rel=stylesheet href=a.css>", "a.css": "a{}"})
    cache = tmp_path / "repo-cache"
    crawl_all([area.root / "index.html"], root=area.root, cache_dir=cache, jobs=1)
    [database] = cache.glob("*.sqlite")
    marker = tmp_path / "code-ran"
    with sqlite3.connect(database) as db:
        signed = db.execute("SELECT deps FROM pages").fetchone()[0]
        # An HMAC-SHA256 signature (32 bytes) precedes each packed pickle; the planted ones,
        # packed the same way, carry a forged one.
        paths, *states = unpack(signed[32:])  # type: ignore[misc]
        assert str(area.root / "a.css") in paths
        forged = bytes(32)
        deps = forged + pack(((str(area.secret),), *(column[:1] for column in states)))
        payload = forged + pack(_Payload(marker))
        db.execute("UPDATE pages SET result = ?, deps = ?", (payload, deps))
        db.execute("UPDATE docs SET data = ?", (payload,))
    with file_spy.active():
        crawl_all([area.root / "index.html"], root=area.root, cache_dir=cache, jobs=1)
    assert not marker.exists()
    assert not [a for a in file_spy.under(area.outside) if a.op == "open"]
