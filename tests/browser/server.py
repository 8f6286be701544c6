"""The static server of the browser tests: :mod:`push_manifest.verify.server`, re-exported."""

from __future__ import annotations

from push_manifest.verify.server import Served, StaticServer, serve

__all__ = ["Served", "StaticServer", "serve"]
