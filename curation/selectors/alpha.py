"""Krippendorff's α and its bootstrap interval over numpy value counts (issue 15).

Pure statistics, no database: selectors/agreement.py reads the assessments and
calls these, one call per measure.
"""

from __future__ import annotations

import krippendorff
import numpy as np

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 15  # fixed: the same data always gives the same interval


def value_counts(items, values, n_items: int, n_values: int) -> np.ndarray:
    """Units × values: how many assessors gave each value to each unit."""
    counts = np.zeros((n_items, n_values), dtype=np.int64)
    np.add.at(counts, (np.asarray(items, dtype=np.int64), np.asarray(values, dtype=np.int64)), 1)
    return counts


def alpha(counts: np.ndarray, level: str, domain: list) -> float | None:
    """Krippendorff's α from the library; None when undefined (no pairs, one value)."""
    pairable = counts[counts.sum(axis=1) >= 2]
    if pairable.sum() < 2 or np.count_nonzero(pairable.sum(axis=0)) < 2:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        value = krippendorff.alpha(
            value_counts=pairable, value_domain=domain, level_of_measurement=level
        )
    return None if np.isnan(value) else float(value)


def bootstrap_alphas(
    counts: np.ndarray, level: str, samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED
) -> np.ndarray:
    """α of `samples` resamples of the units (with replacement).

    The library computes α for one table at a time (~0.2 s at 100,000 units), so a
    thousand calls would take minutes. Units with the same value counts are
    interchangeable, so a resample is a multinomial draw over the distinct
    patterns, and its coincidence matrix is the patterns' weighted sum: the
    whole bootstrap is a few matrix products. `tests/test_agreement_alpha.py`
    checks that the original sample gives exactly the library's α.
    """
    pairable = counts[counts.sum(axis=1) >= 2]
    if not len(pairable):
        return np.array([])
    patterns, frequency = np.unique(pairable, axis=0, return_counts=True)
    weights = np.random.default_rng(seed).multinomial(
        len(pairable), frequency / frequency.sum(), size=samples
    )
    return alphas_for_weights(patterns, weights, level)


def alphas_for_weights(patterns: np.ndarray, weights: np.ndarray, level: str) -> np.ndarray:
    """α for each row of `weights` (how often each pattern is drawn)."""
    values = patterns.shape[1]
    m = patterns.sum(axis=1).astype(float)
    pair = patterns[:, :, None] * patterns[:, None, :] - np.eye(values)[None] * patterns[:, None, :]
    per_pattern = pair / (m - 1)[:, None, None]  # each pattern's coincidences
    observed = np.tensordot(weights, per_pattern, axes=1)  # samples × V × V
    n_v = observed.sum(axis=2)  # samples × V
    n = n_v.sum(axis=1)
    expected = (n_v[:, :, None] * n_v[:, None, :] - np.eye(values)[None] * n_v[:, :, None]) / (
        n - 1
    )[:, None, None]
    if level == "nominal":
        distance = np.broadcast_to(1 - np.eye(values), observed.shape)
    else:  # ordinal: (n_c/2 + n_(c+1) + … + n_(k−1) + n_k/2)²
        cumulative = np.concatenate([np.zeros((len(n_v), 1)), np.cumsum(n_v, axis=1)], axis=1)
        low, high = (
            np.minimum.outer(range(values), range(values)),
            np.maximum.outer(range(values), range(values)),
        )
        between = cumulative[:, high + 1] - cumulative[:, low]
        distance = (between - (n_v[:, low] + n_v[:, high]) / 2) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 1 - (observed * distance).sum(axis=(1, 2)) / (expected * distance).sum(axis=(1, 2))
    return result


def measure(counts: np.ndarray, level: str, domain: list, assessors: int) -> dict:
    value = alpha(counts, level, domain)
    pairable = counts.sum(axis=1) >= 2
    interval = None
    if value is not None:
        samples = bootstrap_alphas(counts, level)
        samples = samples[np.isfinite(samples)]
        if len(samples):
            low, high = np.percentile(samples, [2.5, 97.5])
            interval = [round(float(low), 4), round(float(high), 4)]
    return {
        "level": level,
        "alpha": None if value is None else round(value, 4),
        "ci95": interval,
        "items": int(pairable.sum()),
        "values": int(counts[pairable].sum()),
        "assessors": assessors,
    }
