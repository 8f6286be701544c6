"""The warm+1% run's edit: a seeded 1% of the pages, each changed in bytes and size, and the site
put back exactly (bytes, times, marker) afterwards, even when the run in between fails."""

from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

import pytest

# `bench` is a top-level folder, not an installed package: make it importable under plain `pytest`.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.edit_pages import edit_html, edited, pages_to_edit
from bench.gen_site import MARKER, ensure_site


def _state(root: Path) -> dict[str, tuple[str, int]]:
    """Every file's content hash and modification time (ns)."""
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _fake_site(root: Path, pages: int) -> None:
    for i in range(pages):
        page = root / f"d{i % 7}" / f"p{i:04d}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f'<html><body class="b{i}"><p>page {i}</p></body></html>')
    (root / "style.css").write_text("p { color: red }")


def test_one_percent_of_the_pages_chosen_by_the_seed(tmp_path: Path) -> None:
    _fake_site(tmp_path, 450)
    chosen = pages_to_edit(tmp_path, seed=0)
    assert len(chosen) == 4  # round(4.5) -> 4, banker's rounding
    assert chosen == sorted(chosen) and len(set(chosen)) == 4
    assert all(p.suffix == ".html" for p in chosen)
    assert pages_to_edit(tmp_path, seed=0) == chosen
    assert pages_to_edit(tmp_path, seed=1) != chosen
    small = tmp_path / "small"
    _fake_site(small, 20)
    assert len(pages_to_edit(small, seed=0)) == 1  # at least one page
    assert pages_to_edit(tmp_path / "empty", seed=0) == []


def test_the_edit_inserts_a_paragraph_after_the_body_tag() -> None:
    data = b'<!DOCTYPE html><html><head><title>t</title></head><body class="x">\n<p>a</p></body>'
    out = edit_html(data, random.Random(1))
    assert len(out) > len(data)
    head, _, rest = out.partition(b'<body class="x">')
    assert head == b"<!DOCTYPE html><html><head><title>t</title></head>"
    assert rest.startswith(b'\n<p class="bench-edit">Edited: ')
    assert rest.endswith(b".</p>\n\n<p>a</p></body>")
    assert edit_html(data, random.Random(1)) == out
    assert edit_html(b"<p>no body</p>", random.Random(1)).endswith(b"<p>no body</p>")


def test_edited_changes_each_page_then_restores_bytes_times_and_marker(tmp_path: Path) -> None:
    root, stats = ensure_site(tmp_path, 12, seed=5)
    assert stats is not None
    before = _state(root)
    pages = pages_to_edit(root, seed=5)
    assert len(pages) == 1
    sizes = {page: page.stat().st_size for page in pages}
    with edited(root, pages, seed=5):
        during = _state(root)
        for page in pages:
            assert page.stat().st_size > sizes[page]
            assert b'class="bench-edit"' in page.read_bytes()
        assert not (root / MARKER).exists()  # a run killed now leaves the site to regenerate
        changed = {name for name in before if during.get(name) != before[name]}
        assert changed == {p.relative_to(root).as_posix() for p in pages} | {MARKER}
    assert _state(root) == before
    assert ensure_site(tmp_path, 12, seed=5) == (root, None)  # still the cached site


def test_edited_restores_when_the_run_fails(tmp_path: Path) -> None:
    _fake_site(tmp_path, 200)
    (tmp_path / MARKER).write_text("1 200 0\n")
    before = _state(tmp_path)
    pages = pages_to_edit(tmp_path, seed=3)
    sizes = {p: p.stat().st_size for p in pages}
    with pytest.raises(RuntimeError), edited(tmp_path, pages, seed=3):
        assert all(p.stat().st_size > sizes[p] for p in pages)
        raise RuntimeError("the tool crashed")
    assert _state(tmp_path) == before
