"""The package's version, in a module of its own so that any module may import it (the package
``__init__`` only hands it on) and packaging reads it without importing the package."""

from __future__ import annotations

__version__ = "0.1.0"
