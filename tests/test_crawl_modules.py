"""Module graphs through the crawl: what a browser fetches when an import cannot resolve."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from push_manifest import WarningCode, build_manifest

SiteMaker = Callable[[dict[str, str | bytes]], Path]


def test_inline_module_with_an_unmapped_import_loads_none_of_its_imports(
    make_site: SiteMaker,
) -> None:
    root = make_site(
        {
            "index.html": '<script type="module">import "./a.js"; import "lit";</script>'
            '<script type="module">import "./b.js";</script>',
            "a.js": "",
            "b.js": "",
        }
    )
    manifest = build_manifest([root / "index.html"])
    assert [r.url for r in manifest.pages[0].resources] == ["/b.js"]
    assert [(w.code, w.reference) for w in manifest.warnings] == [
        (WarningCode.UNMAPPED_SPECIFIER, "lit")
    ]


def test_unmapped_dynamic_import_is_warned_when_lazy_imports_are_listed(
    make_site: SiteMaker,
) -> None:
    root = make_site(
        {
            "index.html": '<script type="module" src="m.js"></script>',
            "m.js": 'import("./later.js"); import("chart-lib");',
            "later.js": "",
        }
    )
    manifest = build_manifest([root / "index.html"], include_lazy=True)
    assert [r.url for r in manifest.pages[0].resources] == ["/m.js", "/later.js"]
    assert [w.reference for w in manifest.warnings] == ["chart-lib"]
