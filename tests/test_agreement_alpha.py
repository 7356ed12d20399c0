"""Krippendorff's α as Claimdesk computes it, against examples worked by hand.

The point estimates come from the `krippendorff` package; the bootstrap
(selectors/agreement.py) recomputes α from resampled coincidence matrices, so
it is checked to give the library's value on the original sample.
"""

import numpy as np
import pytest

from curation.selectors.agreement import (
    CREDIBILITY_DOMAIN,
    alpha,
    alphas_for_weights,
    bootstrap_alphas,
    measure,
    value_counts,
)


def counts_of(units: list[list], domain: list) -> np.ndarray:
    """Units (each the values its assessors gave, None = missing) as value counts."""
    index = {value: i for i, value in enumerate(domain)}
    items, values = [], []
    for u, unit in enumerate(units):
        for value in unit:
            if value is not None:
                items.append(u)
                values.append(index[value])
    return value_counts(items, values, len(units), len(domain))


def test_nominal_alpha_matches_the_hand_worked_example():
    # Coincidences: o(a,a)=2, o(a,b)=o(b,a)=1, o(b,b)=4; n_a=3, n_b=5, n=8.
    # α = 1 − (n−1)·Σo·δ / Σn_c·n_k·δ = 1 − 7·2 / (2·3·5) = 16/30.
    counts = counts_of([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]], ["a", "b"])
    assert alpha(counts, "nominal", ["a", "b"]) == pytest.approx(16 / 30)


def test_missing_values_leave_a_unit_unpairable_and_out_of_alpha():
    # The fifth unit has one value (the other assessor missing): it pairs with nothing.
    counts = counts_of([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"], ["a", None]], ["a", "b"])
    assert alpha(counts, "nominal", ["a", "b"]) == pytest.approx(16 / 30)
    figures = measure(counts, "nominal", ["a", "b"], assessors=2)
    assert figures["items"] == 4
    assert figures["values"] == 8


def test_ordinal_alpha_matches_the_hand_worked_example():
    # Units (1,1), (1,2), (3,3): n_1=3, n_2=1, n_3=2, n=6.
    # δ(c,k) = (Σ_{g=c..k} n_g − (n_c+n_k)/2)²: δ12=4, δ13=12.25, δ23=2.25.
    # Observed Σo·δ = 2·4 = 8; expected Σn_c·n_k·δ = 2·(3·4 + 6·12.25 + 2·2.25) = 180.
    # α = 1 − 5·8/180 = 7/9.
    counts = counts_of([[1, 1], [1, 2], [3, 3]], CREDIBILITY_DOMAIN)
    assert alpha(counts, "ordinal", CREDIBILITY_DOMAIN) == pytest.approx(7 / 9)


def test_ordinal_alpha_with_missing_values_matches_krippendorffs_published_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 observers,
    # 12 units, missing values; published α: nominal 0.743, ordinal 0.815.
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [list(values) for values in zip(*observers, strict=True)]
    counts = counts_of(units, [1, 2, 3, 4, 5])
    assert alpha(counts, "nominal", [1, 2, 3, 4, 5]) == pytest.approx(0.743, abs=5e-4)
    assert alpha(counts, "ordinal", [1, 2, 3, 4, 5]) == pytest.approx(0.815, abs=5e-4)


def test_perfect_agreement_is_one_and_no_variation_is_undefined():
    assert (
        alpha(counts_of([[1, 1], [2, 2]], CREDIBILITY_DOMAIN), "ordinal", CREDIBILITY_DOMAIN) == 1
    )
    # Everyone gives the same value to everything: α is 0/0, reported as None.
    assert (
        alpha(counts_of([[2, 2], [2, 2]], CREDIBILITY_DOMAIN), "ordinal", CREDIBILITY_DOMAIN)
        is None
    )
    assert alpha(counts_of([[2, None]], CREDIBILITY_DOMAIN), "ordinal", CREDIBILITY_DOMAIN) is None


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_bootstrap_gives_the_librarys_alpha_on_the_original_sample(level):
    rng = np.random.default_rng(3)
    units = [
        [int(v) if rng.random() > 0.1 else None for v in rng.integers(1, 7, size=3)]
        for _ in range(300)
    ]
    counts = counts_of(units, CREDIBILITY_DOMAIN)
    pairable = counts[counts.sum(axis=1) >= 2]
    patterns, frequency = np.unique(pairable, axis=0, return_counts=True)
    (mine,) = alphas_for_weights(patterns, frequency[None, :], level)
    assert mine == pytest.approx(alpha(counts, level, CREDIBILITY_DOMAIN), abs=1e-12)


def test_bootstrap_interval_brackets_alpha_and_is_deterministic():
    rng = np.random.default_rng(5)
    truth = rng.integers(1, 7, size=400)
    units = [[int(t), int(min(6, max(1, t + rng.integers(-1, 2))))] for t in truth]
    counts = counts_of(units, CREDIBILITY_DOMAIN)
    figures = measure(counts, "ordinal", CREDIBILITY_DOMAIN, assessors=2)
    low, high = figures["ci95"]
    assert low < figures["alpha"] < high
    assert high - low < 0.2
    assert measure(counts, "ordinal", CREDIBILITY_DOMAIN, assessors=2)["ci95"] == [low, high]
    assert len(bootstrap_alphas(counts, "ordinal", samples=50)) == 50
