"""The few exceptions the library raises: only when the input is unusable as a whole."""

from __future__ import annotations


class PushManifestError(Exception):
    """Base class: the run cannot go on. The message says what to do next."""


class InputError(PushManifestError):
    """A page, the root or an option is unusable (missing page, root not a directory, …)."""


class OutputError(PushManifestError):
    """The manifest cannot be written (unwritable directory, …)."""
