"""Server-rendered SVG charts for the agreement page: geometry here, markup in the
template (so every label goes through Django's escaping), nothing from a CDN."""

from dataclasses import dataclass

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


@dataclass
class Point:
    x: float
    y: float
    label: str
    value: float | None


def _y(value: float, low: float, high: float) -> float:
    """α runs from -1 to 1; the chart shows [low, 1]."""
    span = HEIGHT - TOP - BOTTOM
    clamped = max(low, min(high, value))
    return round(TOP + (high - clamped) / (high - low) * span, 1)


def alpha_bars(measures: dict) -> dict:
    """One bar per measure (α) with its 95 % interval as a whisker."""
    low, high = -0.2, 1.0
    names = list(measures)
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(names))
    bars = []
    for i, name in enumerate(names):
        figure = measures[name]
        x = LEFT + i * slot + slot * 0.25
        value = figure["alpha"]
        bar = {"name": name, "x": round(x, 1), "width": round(slot * 0.5, 1), "figure": figure}
        if value is not None:
            top, zero = _y(value, low, high), _y(0, low, high)
            bar.update(y=min(top, zero), height=round(abs(zero - top), 1))
            if figure["ci95"]:
                bar["ci"] = {
                    "x": round(x + slot * 0.25, 1),
                    "y1": _y(figure["ci95"][0], low, high),
                    "y2": _y(figure["ci95"][1], low, high),
                }
        bars.append(bar)
    return {"bars": bars, "grid": _grid(low, high), **_frame()}


def alpha_lines(rows: list[dict], series: tuple[str, ...] = ("credibility", "kind")) -> dict:
    """α by period, one polyline per measure; gaps where α is undefined."""
    low, high = -0.2, 1.0
    step = (WIDTH - LEFT - RIGHT) / max(1, len(rows) - 1) if len(rows) > 1 else 0
    lines = []
    for name in series:
        points = [
            Point(
                round(LEFT + i * step + (0 if len(rows) > 1 else (WIDTH - LEFT - RIGHT) / 2), 1),
                _y(row[name], low, high) if row[name] is not None else 0,
                row["period"],
                row[name],
            )
            for i, row in enumerate(rows)
        ]
        shown = [p for p in points if p.value is not None]
        lines.append(
            {
                "name": name,
                "points": shown,
                "path": " ".join(f"{p.x},{p.y}" for p in shown),
            }
        )
    ticks = [
        {"x": round(LEFT + i * step + (0 if len(rows) > 1 else (WIDTH - LEFT - RIGHT) / 2), 1),
         "label": row["period"]}
        for i, row in enumerate(rows)
    ]  # fmt: skip
    return {"lines": lines, "ticks": ticks, "grid": _grid(low, high), **_frame()}


def heat(value: float | None) -> str:
    """A fill from red (0) through amber to green (1) for pairwise agreement."""
    if value is None:
        return "#eeeeee"
    value = max(0.0, min(1.0, value))
    red = int(220 - 160 * value)
    green = int(80 + 120 * value)
    return f"#{red:02x}{green:02x}60"


def _grid(low: float, high: float) -> list[dict]:
    return [
        {"y": _y(v, low, high), "label": f"{v:g}"}
        for v in (-0.2, 0, 0.2, 0.4, 0.6, 0.8, 1.0)
        if low <= v <= high
    ]


def _frame() -> dict:
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 16,
    }
