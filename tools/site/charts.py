"""Small SVG charts written by hand: loss curves, time bars and a decision boundary.

Plain SVG text keeps the site free of plotting libraries and of scripts: the
pictures are there even with JavaScript off.
"""

from __future__ import annotations

import math
from html import escape

# One colour and dash pattern per impl, so curves that lie exactly on top of
# each other stay visible.
STYLE = {
    "python": ("#3572A5", ""),
    "rust": ("#b7410e", "10 6"),
    "rust-py": ("#8a5a44", "4 4"),
    "js": ("#c9a400", "14 4 2 4"),
    "julia": ("#9558b2", "2 5"),
    "micrograd": ("#555555", ""),
    "micrograd-nogc": ("#999999", "3 3"),
}


def style(impl: str) -> tuple[str, str]:
    return STYLE.get(impl, ("#2a9d8f", "6 3"))


def loss_curves(series: dict[str, list[float]], width: int = 720, height: int = 360) -> str:
    """Loss against step, one polyline per impl, with axes, ticks and a legend."""
    left, right, top, bottom = 60, 130, 20, 40
    pw, ph = width - left - right, height - top - bottom
    finite = [y for ys in series.values() for y in ys if math.isfinite(y)]
    steps = max((len(ys) for ys in series.values()), default=1)
    ymax = max(finite, default=1.0) * 1.05 or 1.0

    def x(k: float) -> float:
        return left + pw * k / max(steps - 1, 1)

    def y(v: float) -> float:
        return top + ph * (1 - v / ymax)

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="loss per step" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fafafa" stroke="#ccc"/>',
    ]
    for i in range(6):
        v = ymax * i / 5
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>'
        )
    for k in range(0, steps, max(steps // 10, 1)):
        out.append(f'<text x="{x(k):.1f}" y="{top + ph + 18}" text-anchor="middle">{k}</text>')
    out.append(
        f'<text x="{left + pw / 2}" y="{height - 4}" text-anchor="middle">step</text>'
        f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
        f'text-anchor="middle">loss</text>'
    )
    for i, (impl, ys) in enumerate(series.items()):
        colour, dash = style(impl)
        points = " ".join(f"{x(k):.1f},{y(v):.1f}" for k, v in enumerate(ys) if math.isfinite(v))
        out.append(
            f'<polyline class="curve" data-impl="{escape(impl)}" fill="none" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}" points="{points}"/>'
        )
        ly = top + 14 + 20 * i
        out.append(
            f'<line x1="{left + pw + 12}" x2="{left + pw + 42}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f'<text x="{left + pw + 48}" y="{ly}">{escape(impl)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def time_bars(times: dict[str, float], unit: str = "s/step", width: int = 720) -> str:
    """Horizontal bars, one per impl, labelled with the value."""
    bar_h, gap, left, right = 22, 8, 90, 110
    height = len(times) * (bar_h + gap) + gap
    most = max(times.values(), default=1.0) or 1.0
    pw = width - left - right
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="time per step" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (impl, t) in enumerate(times.items()):
        colour, _ = style(impl)
        top = gap + i * (bar_h + gap)
        w = max(pw * t / most, 1.0)
        out.append(
            f'<text x="{left - 8}" y="{top + 15}" text-anchor="end">{escape(impl)}</text>'
            f'<rect x="{left}" y="{top}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>'
            f'<text x="{left + w + 6:.1f}" y="{top + 15}">{t:.4f} {unit}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def decision_boundary(
    score: list[list[float]],
    extent: tuple[float, float, float, float],
    points: list[list[float]],
    labels: list[float],
    size: int = 480,
) -> str:
    """A grid of scores (rows from the top) coloured by sign, with the data points on top."""
    x0, x1, y0, y1 = extent
    rows, cols = len(score), len(score[0])
    cw, ch = size / cols, size / rows

    def px(x: float) -> float:
        return size * (x - x0) / (x1 - x0)

    def py(y: float) -> float:
        return size * (1 - (y - y0) / (y1 - y0))

    out = [
        f'<svg class="chart boundary" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}" role="img" aria-label="decision boundary" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for r, row in enumerate(score):
        for c, s in enumerate(row):
            fill = "#cfe0f5" if s > 0 else "#f6d2cc"
            out.append(
                f'<rect x="{c * cw:.2f}" y="{r * ch:.2f}" width="{cw + 0.3:.2f}" '
                f'height="{ch + 0.3:.2f}" fill="{fill}"/>'
            )
    for (x, y), t in zip(points, labels):
        fill = "#1f5fa8" if t > 0 else "#c0392b"
        out.append(
            f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4.5" fill="{fill}" '
            f'stroke="white" stroke-width="1"/>'
        )
    out.append("</svg>")
    return "\n".join(out)


def log_bars(values: dict[str, float], unit: str, width: int = 720) -> str:
    """Horizontal bars on a log-10 axis, one per impl, labelled with the value."""
    bar_h, gap, left, right, axis = 20, 7, 150, 110, 22
    height = len(values) * (bar_h + gap) + gap + axis
    lo = math.floor(math.log10(min(values.values())))
    hi = math.ceil(math.log10(max(values.values())))
    hi = max(hi, lo + 1)
    pw = width - left - right

    def x(v: float) -> float:
        return left + pw * (math.log10(v) - lo) / (hi - lo)

    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(unit)} per impl, log scale" xmlns="http://www.w3.org/2000/svg">'
    ]
    bottom = height - axis
    for k in range(lo, hi + 1):
        out.append(
            f'<line x1="{x(10**k):.1f}" x2="{x(10**k):.1f}" y1="0" y2="{bottom}" stroke="#ddd"/>'
            f'<text x="{x(10**k):.1f}" y="{bottom + 15}" text-anchor="middle">{10**k:,}</text>'
        )
    for i, (impl, v) in enumerate(values.items()):
        colour, _ = style(impl)
        top = gap + i * (bar_h + gap)
        w = max(x(v) - left, 1.0)
        out.append(
            f'<text x="{left - 8}" y="{top + 14}" text-anchor="end">{escape(impl)}</text>'
            f'<rect class="bar" data-impl="{escape(impl)}" x="{left}" y="{top}" width="{w:.1f}" '
            f'height="{bar_h}" fill="{colour}"/>'
            f'<text x="{left + w + 6:.1f}" y="{top + 14}">{v:,.0f} {escape(unit)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
