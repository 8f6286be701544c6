"""Device profiles (``--device``) and the layout viewport a page gets on each.

A profile is a :class:`~push_manifest.model.Viewport`: window size, device pixel ratio, pointer
and hover capabilities (Media Queries 4 §5), and, for phones, the width a page without
``<meta name=viewport>`` is laid out at. The phone mirrors Chromium's mobile emulation (and
Playwright's phone presets): 390x844 CSS px at DPR 3, touch only, a 980 px fallback layout
viewport; the page is then zoomed out to fit, and the device pixel ratio ``srcset`` and
``image-set()`` see stays 3 (measured against Chromium, ``fixtures/browser-device``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING

from push_manifest.model import Pointer, Viewport

if TYPE_CHECKING:
    from lxml import etree


class Device(StrEnum):
    """The device profiles ``--device`` names."""

    DESKTOP = "desktop"
    MOBILE = "mobile"


DEVICES: dict[Device, Viewport] = {
    Device.DESKTOP: Viewport(1280, 800, 1.0),
    Device.MOBILE: Viewport(
        390, 844, 3.0, pointer=Pointer.COARSE, hover=False, layout_width_without_meta_viewport=980
    ),
}
"""Each profile's environment; explicit ``--viewport-width/--viewport-height/--dpr`` override."""

_PROPERTY = re.compile(r"([^\s=,;]+)\s*=\s*([^\s=,;]*)")
_MIN_WIDTH, _MAX_WIDTH = 1.0, 10000.0


def device_viewport(
    device: str, width: float | None = None, height: float | None = None, dpr: float | None = None
) -> Viewport:
    """The ``--device`` profile, with the window size and pixel ratio given explicitly
    (``--viewport-width``, ``--viewport-height``, ``--dpr``) in place of the profile's."""
    profile = DEVICES[Device(device)]
    return replace(
        profile,
        width=profile.width if width is None else width,
        height=profile.height if height is None else height,
        dpr=profile.dpr if dpr is None else dpr,
    )


def page_viewport(device: Viewport, meta_viewport: str | None) -> Viewport:
    """The environment a page is laid out in on ``device``, given the ``content`` of its
    ``<meta name=viewport>`` (``None`` when it has none).

    Desktop (no :attr:`~Viewport.layout_width_without_meta_viewport`): the window, always.
    On a phone (CSS Viewport 1 §2, the ``<meta name=viewport>`` properties, as Chromium parses
    them: ``key=value`` pairs separated by commas, semicolons or spaces): ``width=device-width``
    is the screen width; ``width=N`` is N px (clamped to 1..10000); no ``width`` but an
    ``initial-scale=s`` is the screen width over ``s``; otherwise (no meta, or neither
    property) the fallback layout width. The layout height keeps the screen's aspect ratio;
    ``device-width``/``device-height`` stay the screen's.
    """
    fallback = device.layout_width_without_meta_viewport
    if fallback is None:
        return device
    width = _layout_width(device.width, meta_viewport) or fallback
    if width == device.width:
        return device
    return replace(
        device,
        width=width,
        height=device.height * width / device.width,
        device_width=device.device_width or device.width,
        device_height=device.device_height or device.height,
    )


def meta_viewport(root: etree._Element) -> str | None:
    """The ``content`` of the page's last ``<meta name=viewport>`` (each one replaces the
    viewport properties of those before it, as in Chromium), or ``None`` when it has none.
    ``<template>`` and ``<noscript>`` content is already blanked by the parser."""
    content = None
    for meta in root.iter("meta"):
        if (meta.get("name") or "").strip(" \t\n\f\r").lower() == "viewport":
            content = meta.get("content") or ""
    return content


def _layout_width(screen: float, content: str | None) -> float | None:
    if content is None:
        return None
    properties = {k.lower(): v.lower() for k, v in _PROPERTY.findall(content)}
    width = properties.get("width")
    if width == "device-width":
        return screen
    if width is not None and (number := _number(width)) is not None:
        return min(max(number, _MIN_WIDTH), _MAX_WIDTH)
    scale = _number(properties.get("initial-scale", ""))
    if scale is not None and scale > 0:
        return screen / min(max(scale, 0.1), 10.0)
    return None


def _number(text: str) -> float | None:
    match = re.match(r"[+-]?(\d+\.?\d*|\.\d+)", text)
    return float(match.group()) if match else None
