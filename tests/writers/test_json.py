"""The JSON writer writes, line by line, exactly what json.dumps(indent=2) would."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from push_manifest.model import CrossOrigin, Destination, Manifest, PageManifest, Resource
from push_manifest.writers import render
from push_manifest.writers.json import page_object


def _reference(manifest: Manifest) -> str:
    if manifest.single and len(manifest.pages) == 1:
        data: object = page_object(manifest.pages[0])
    else:
        data = {page.key: page_object(page) for page in manifest.pages}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


resources = st.builds(
    Resource,
    url=st.text(min_size=1, max_size=12).map(lambda s: "/" + s),
    type=st.sampled_from(list(Destination)),
    weight=st.integers(1, 256),
    crossorigin=st.none() | st.sampled_from(list(CrossOrigin)),
)
pages = st.builds(
    PageManifest,
    key=st.text(min_size=1, max_size=10),
    url=st.just("/x.html"),
    resources=st.lists(resources, max_size=4, unique_by=lambda r: r.url).map(tuple),
)


@given(st.lists(pages, max_size=4, unique_by=lambda p: p.key), st.booleans())
def test_streamed_json_equals_json_dumps(page_list: list[PageManifest], single: bool) -> None:
    manifest = Manifest(tuple(page_list), single=single)
    text = render(manifest, "json")
    assert text == _reference(manifest)
    json.loads(text)


@pytest.mark.parametrize("single", [True, False])
def test_empty_manifests(single: bool) -> None:
    empty = Manifest((PageManifest("index.html", "/index.html", ()),), single=single)
    assert render(empty, "json") == ("{}\n" if single else '{\n  "index.html": {}\n}\n')
