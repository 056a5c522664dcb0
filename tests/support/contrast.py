"""WCAG 2.1 colour contrast: relative luminance, contrast ratio and colours seen through transparency."""

from __future__ import annotations

import re

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")

TEXT_MIN = 4.5  # WCAG 1.4.3: normal text
NON_TEXT_MIN = 3.0  # WCAG 1.4.11: graphical objects and user interface components


def rgb(colour: str) -> tuple[int, int, int]:
    """'#1d91c0' (or '#abc') as (r, g, b) in 0–255."""
    match = _HEX.fullmatch(colour.strip())
    if not match:
        raise ValueError(f"not a hex colour: {colour!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_colour(channels: tuple[float, float, float]) -> str:
    """(r, g, b) in 0–255 as '#rrggbb' (rounded)."""
    return "#" + "".join(f"{min(max(round(c), 0), 255):02x}" for c in channels)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1 definition, sRGB)."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """Contrast ratio of two colours, 1 to 21 (order does not matter)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def over(colour: str, background: str, opacity: float) -> str:
    """The colour seen when ``colour`` is drawn with ``opacity`` (0–1) over ``background``."""
    if not 0 <= opacity <= 1:
        raise ValueError("opacity must lie between 0 and 1")
    top, bottom = rgb(colour), rgb(background)
    red, green, blue = (opacity * t + (1 - opacity) * b for t, b in zip(top, bottom, strict=True))
    return hex_colour((red, green, blue))
