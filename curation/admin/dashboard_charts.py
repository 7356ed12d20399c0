"""SVG geometry for the project dashboard (issue 14): stacked columns, stacked rows
and the grade heatmap. Coordinates are computed here; the markup lives in the
template, so every label is escaped by Django and no style is inline (CSP)."""

import math

WIDTH = 600
COLUMNS_HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 40
ROW_HEIGHT, ROW_GAP, ROW_LABEL = 22, 8, 130
SERIES_CLASSES = 8  # .cd-s0 … .cd-s7 in dashboard.css


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _grid(top: int, bottom: int, maximum: int) -> list[dict]:
    span = bottom - top
    return [
        {"y": round(bottom - span * k / 4, 1), "label": f"{maximum * k / 4:g}"} for k in range(5)
    ]


def columns(labels: list[str], series: list[tuple[str, list[int]]]) -> dict:
    """One column per label, its segments stacked in series order (bottom first)."""
    height = COLUMNS_HEIGHT
    bottom = height - BOTTOM
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    maximum = _nice_max(max(totals, default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(labels))
    width = round(max(2.0, slot * 0.7), 1)
    scale = (bottom - TOP) / maximum
    bars = []
    every = max(1, math.ceil(len(labels) / 8))  # at most eight axis labels
    for i, label in enumerate(labels):
        x = round(LEFT + i * slot + (slot - width) / 2, 1)
        y = bottom
        segments = []
        for k, (name, values) in enumerate(series):
            if not values[i]:
                continue
            h = round(values[i] * scale, 1)
            y = round(y - h, 1)
            segments.append({"name": name, "value": values[i], "y": y, "height": h, "css": _css(k)})
        bars.append(
            {
                "label": label,
                "x": x,
                "center": round(x + width / 2, 1),
                "segments": segments,
                "total": totals[i],
                "tick": i % every == 0,
            }
        )
    return {
        "width": WIDTH,
        "height": height,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": bottom,
        "label_y": bottom + 16,
        "bar_width": width,
        "bars": bars,
        "grid": _grid(TOP, bottom, maximum),
        "legend": _legend(series),
    }


def rows(labels: list[str], series: list[tuple[str, list[int]]], *, share: bool = False) -> dict:
    """One horizontal bar per label, segments stacked left to right; with `share`,
    each bar fills the width (shares of its own total)."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    maximum = _nice_max(max(totals, default=0))
    span = WIDTH - ROW_LABEL - RIGHT - 40
    height = TOP + len(labels) * (ROW_HEIGHT + ROW_GAP) + 8
    bars = []
    for i, label in enumerate(labels):
        y = TOP + i * (ROW_HEIGHT + ROW_GAP)
        whole = totals[i] if share else maximum
        x = ROW_LABEL
        segments = []
        for k, (name, values) in enumerate(series):
            if not values[i] or not whole:
                continue
            w = round(values[i] / whole * span, 1)
            segments.append({"name": name, "value": values[i], "x": x, "width": w, "css": _css(k)})
            x = round(x + w, 1)
        bars.append(
            {
                "label": label,
                "y": y,
                "text_y": y + ROW_HEIGHT / 2,
                "segments": segments,
                "total": totals[i],
                "end_x": x + 6,
            }
        )
    return {
        "width": WIDTH,
        "height": height,
        "label_x": ROW_LABEL - 8,
        "bar_height": ROW_HEIGHT,
        "bars": bars,
        "legend": _legend(series),
    }


def heatmap(grades: dict) -> dict:
    """The reliability × credibility grid; darker cells hold more claims."""
    cell, left, top = 56, 48, 28
    largest = max((n for row in grades["counts"] for n in row), default=0)
    cells = []
    for i, letter in enumerate(grades["reliability"]):
        for j, digit in enumerate(grades["credibility"]):
            n = grades["counts"][i][j]
            level = 0 if not n else 1 + min(4, int(5 * n / (largest + 1)))
            cells.append(
                {
                    "reliability": letter,
                    "credibility": digit,
                    "count": n,
                    "x": left + j * cell,
                    "y": top + i * cell,
                    "level": level,
                    "dark": level >= 3,
                }
            )
    return {
        "width": left + cell * len(grades["credibility"]) + 8,
        "height": top + cell * len(grades["reliability"]) + 8,
        "cell": cell - 4,
        "half": (cell - 4) / 2,
        "cells": cells,
        "columns": [
            {"x": left + j * cell + (cell - 4) / 2, "label": d}
            for j, d in enumerate(grades["credibility"])
        ],
        "rows": [
            {"y": top + i * cell + (cell - 4) / 2, "label": r}
            for i, r in enumerate(grades["reliability"])
        ],
        "row_x": left - 12,
        "column_y": top - 10,
    }


def _css(k: int) -> str:
    return f"cd-s{k % SERIES_CLASSES}"


def _legend(series) -> list[dict]:
    return [{"name": name, "css": _css(k)} for k, (name, _) in enumerate(series)]
