"""http2-push-manifest: push/preload manifests for static sites, read as a browser reads them.

The library API::

    from push_manifest import Options, build
    result = build(Options(pages=("dist/**/*.html",), root="dist", format="nginx"))
    result.text      # what the command would write
    result.warnings  # what it would report

    from push_manifest import build_manifest, render
    manifest = build_manifest(["dist/index.html"], root="dist")
    text = render(manifest, "json")
"""

from __future__ import annotations

from push_manifest.api import Options, Result, build, build_manifest
from push_manifest.crawl_options import CrawlOptions
from push_manifest.device import DEVICES, Device
from push_manifest.errors import InputError, OutputError, PushManifestError
from push_manifest.filters import FilterOptions
from push_manifest.model import (
    CrawlWarning,
    CrossOrigin,
    Destination,
    Manifest,
    PageManifest,
    Pointer,
    Resource,
    Viewport,
    WarningCode,
)
from push_manifest.version import __version__
from push_manifest.writers import FORMATS, WriterOptions, render

__all__ = [
    "DEVICES",
    "FORMATS",
    "CrawlOptions",
    "CrawlWarning",
    "CrossOrigin",
    "Destination",
    "Device",
    "FilterOptions",
    "InputError",
    "Manifest",
    "Options",
    "OutputError",
    "PageManifest",
    "Pointer",
    "PushManifestError",
    "Resource",
    "Result",
    "Viewport",
    "WarningCode",
    "WriterOptions",
    "__version__",
    "build",
    "build_manifest",
    "render",
]
