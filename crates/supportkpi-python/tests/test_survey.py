"""Survey KPIs: the worked checks of docs/definitions.md, hand-worked values, options, results'
behaviour."""

from __future__ import annotations

import csv
import dataclasses
import math
import pickle
from collections import Counter
from pathlib import Path
from typing import Iterator

import pytest

import supportkpi as sk

Z95 = 1.959963984540054


def close(a: float | None, b: float, tol: float = 1e-9) -> bool:
    return a is not None and abs(a - b) <= tol


# --- NPS ---------------------------------------------------------------------------------


def test_nps_thirty_promoters_twenty_detractors_is_plus_ten() -> None:
    r = sk.nps([10] * 30 + [7] * 50 + [0] * 20)
    assert r.score == 10.0
    assert (r.promoters, r.passives, r.detractors, r.n) == (30, 50, 20, 100)
    assert (r.promoter_share, r.passive_share, r.detractor_share) == (0.3, 0.5, 0.2)
    # SE = 100·√((p + d − (p − d)²)/n) = 100·√(0.49/100) = 7
    assert close(r.standard_error, 7.0, 1e-12)
    assert r.ci95 is not None
    assert close(r.ci95.lower, 10 - Z95 * 7) and close(r.ci95.upper, 10 + Z95 * 7)
    assert r.ci == r.ci95 and r.confidence == 0.95 and r.adjusted_wald is False
    assert r.undefined_reasons == {}


def test_nps_ratings_one_to_ten_is_minus_forty() -> None:
    r = sk.nps(range(1, 11))
    assert r.score == -40.0
    assert (r.promoters, r.passives, r.detractors) == (2, 2, 6)


def test_nps_exact_value_no_rounding() -> None:
    assert sk.nps([10, 0, 8]).score == 0.0
    assert sk.nps([10, 10, 8]).score == 200 / 3


def test_nps_distribution_covers_the_scale() -> None:
    r = sk.nps([10, 10, 3])
    assert len(r.distribution) == 11
    assert dict(r.distribution) == {**{s: 0 for s in range(11)}, 10: 2, 3: 1}


def test_nps_adjusted_wald() -> None:
    r = sk.nps([10] * 30 + [7] * 50 + [0] * 20, adjusted_wald=True)
    n = 103
    p, d = 30.75 / n, 20.75 / n
    centre = 100 * (p - d)
    se = 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    assert r.ci95 is not None and r.adjusted_wald
    assert close(r.ci95.lower, centre - Z95 * se) and close(r.ci95.upper, centre + Z95 * se)
    assert r.score == 10.0  # the point estimate is unadjusted


def test_nps_other_confidence_level() -> None:
    r = sk.nps([10] * 30 + [7] * 50 + [0] * 20, confidence=0.9)
    assert r.ci is not None and r.ci95 is not None
    assert close(r.ci.width, 2 * 1.6448536269514722 * 7, 1e-6)
    assert r.ci95.width > r.ci.width


def test_nps_empty_is_undefined_with_reasons() -> None:
    r = sk.nps([])
    assert r.n == 0 and r.score is None and r.standard_error is None and r.ci95 is None
    assert r.undefined_reasons["score"] == "no NPS responses"
    assert set(r.undefined_reasons) == {
        "score",
        "promoter_share",
        "passive_share",
        "detractor_share",
        "standard_error",
        "ci95",
        "ci",
    }


# --- CSAT --------------------------------------------------------------------------------


def wilson(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    centre = 2 * x + z * z
    half = z * math.sqrt(z * z + 4 * x * (n - x) / n)
    denom = 2 * (n + z * z)
    return 100 * (centre - half) / denom, 100 * (centre + half) / denom


def test_csat_top_two_box() -> None:
    r = sk.csat([5, 5, 4, 4, 4, 5, 4, 3, 2, 1])
    assert (r.score, r.positive, r.n) == (70.0, 7, 10)
    assert r.mean == 3.7
    assert r.scale == (1, 5) and r.positive_from == 4
    lo, hi = wilson(7, 10)
    assert r.ci95 is not None and close(r.ci95.lower, lo) and close(r.ci95.upper, hi)


@pytest.mark.parametrize(
    ("scale", "default_from"), [((1, 3), 3), ((1, 5), 4), ((1, 7), 6), ((1, 10), 9), ((0, 1), 1)]
)
def test_csat_scales_and_their_default_threshold(scale: tuple[int, int], default_from: int) -> None:
    lo, hi = scale
    r = sk.csat(range(lo, hi + 1), scale=scale)
    assert r.positive_from == default_from
    assert r.positive == hi - default_from + 1
    assert r.n == hi - lo + 1


def test_csat_positive_from_option() -> None:
    r = sk.csat([5, 4, 3], positive_from=5)
    assert (r.positive, r.score) == (1, 100 / 3)
    assert sk.csat([5, 4, 3], scale=[1, 5]).scale == (1, 5)  # type: ignore[arg-type]


def test_csat_empty_is_undefined() -> None:
    r = sk.csat([])
    assert r.score is None and r.mean is None and r.ci95 is None
    assert r.undefined_reasons["score"] == "no CSAT responses"
    assert r.undefined_reasons["mean"] == "no CSAT responses"


# --- CES ---------------------------------------------------------------------------------


def test_ces_effort_and_ease_scales() -> None:
    r = sk.ces([1, 1, 2, 3, 5])
    assert (r.mean, r.easy_share, r.easy, r.n) == (2.4, 0.6, 3, 5)
    assert r.scale == "effort_1_to_5"
    e = sk.ces([7, 6, 5, 4, 3, 2, 1, 7], scale="ease_1_to_7")
    assert (e.mean, e.easy_share) == (4.375, 0.5)
    assert dict(e.distribution)[7] == 2


def test_ces_custom_scale() -> None:
    scale = sk.CustomCesScale(min=0, max=10, better="higher", easy_threshold=8)
    r = sk.ces([10, 9, 8, 7, 0], scale=scale)
    assert (r.easy, r.n, r.mean) == (3, 5, 34 / 5)
    assert r.scale == scale
    with pytest.raises(sk.ScoreOutOfScaleError):
        sk.ces([11], scale=scale)


def test_ces_empty_is_undefined() -> None:
    r = sk.ces([], scale="ease_1_to_7")
    assert r.mean is None and r.easy_share is None and r.n == 0
    assert r.undefined_reasons == {"mean": "no CES responses", "easy_share": "no CES responses"}


# --- comparisons -------------------------------------------------------------------------


def test_compare_nps_is_the_two_sample_z_test() -> None:
    a = sk.nps([10] * 30 + [7] * 50 + [0] * 20)  # +10, SE 7
    b = sk.nps([10] * 10 + [0] * 10)  # 0, SE 100·√(1/20)
    c = a.compare(b)
    se = math.hypot(7.0, 100 * math.sqrt(1 / 20))
    assert close(c.difference, 10.0) and close(c.standard_error, se)
    assert close(c.z, 10 / se) and close(c.p_value, math.erfc(abs(10 / se) / math.sqrt(2)))
    back = b.compare(a)
    assert close(back.difference, -10.0) and back.p_value == c.p_value


def test_compare_csat_is_the_two_proportion_z_test() -> None:
    a, b = sk.csat([5, 4, 1, 5]), sk.csat([5, 1, 1, 2, 2])
    c = a.compare(b)
    pooled = (3 + 1) / 9
    se = math.sqrt(pooled * (1 - pooled) * (1 / 4 + 1 / 5))
    assert close(c.difference, 100 * (3 / 4 - 1 / 5)) and close(c.standard_error, 100 * se)
    assert close(c.z, (3 / 4 - 1 / 5) / se)


def test_undefined_comparisons_say_why() -> None:
    c = sk.nps([10, 9]).compare(sk.nps([]))
    assert c.difference is None and c.p_value is None
    assert c.undefined_reasons["p_value"] == "no NPS responses on one side"
    c = sk.nps([10, 10]).compare(sk.nps([10]))
    assert c.undefined_reasons["z"] == "both NPS standard errors are 0"
    c = sk.csat([5, 5]).compare(sk.csat([4]))
    assert c.z is None and "all or none" in c.undefined_reasons["z"]
    assert "undefined" in repr(c)


def test_compare_rejects_other_kinds() -> None:
    with pytest.raises(TypeError):
        sk.nps([10]).compare(sk.csat([5]))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sk.csat([5]).compare(sk.nps([10]))  # type: ignore[arg-type]


def test_corrupt_state_is_an_invalid_state_error() -> None:
    r = dataclasses.replace(sk.nps([10]), _state=b'{"options": 1}')
    with pytest.raises(sk.InvalidStateError) as info:
        r.compare(sk.nps([9]))
    assert info.value.field == "state"


# --- inputs ------------------------------------------------------------------------------


def gen() -> Iterator[int]:
    yield from (10, 9, 3)


@pytest.mark.parametrize(
    "scores", [[10, 9, 3], (10, 9, 3), gen(), iter([10, 9, 3]), {10: 0, 9: 0, 3: 0}.keys()]
)
def test_any_iterable_of_ints(scores: object) -> None:
    assert sk.nps(scores).score == 100 / 3  # type: ignore[arg-type]


def test_whole_floats_count_as_ints() -> None:
    assert sk.nps([10.0, 9.0, 3.0]) == sk.nps([10, 9, 3])


def test_numpy_arrays_and_scalars() -> None:
    np = pytest.importorskip("numpy")
    ints = np.array([10, 9, 3], dtype=np.int16)
    assert sk.nps(ints) == sk.nps([10, 9, 3])
    assert sk.nps(np.array([10.0, 9.0, 3.0])) == sk.nps([10, 9, 3])
    assert sk.nps([np.int64(10), np.uint8(9), np.int32(3)]) == sk.nps([10, 9, 3])
    with pytest.raises(sk.InvalidValueError):
        sk.nps(np.array([10.0, np.nan]))
    with pytest.raises(TypeError):
        sk.nps(np.array([True, False]))
    with pytest.raises(TypeError):
        sk.nps([np.bool_(True)])
    with pytest.raises(TypeError):
        sk.nps(np.array([[10, 9]]))  # 2-D: rows are not scores


def test_large_input() -> None:
    r = sk.nps([10, 7, 0, 9] * 250_000)
    assert (r.n, r.score) == (1_000_000, 25.0)


# --- result objects ----------------------------------------------------------------------


def sample_results() -> list[object]:
    return [
        sk.nps([10, 9, 7, 3]),
        sk.nps([]),
        sk.nps([10, 0], adjusted_wald=True, confidence=0.8),
        sk.csat([5, 4, 1]),
        sk.csat([], scale=(1, 10)),
        sk.ces([1, 2, 5]),
        sk.ces([7], scale="ease_1_to_7"),
        sk.ces([1], scale=sk.CustomCesScale(1, 3, "lower", 1)),
        sk.nps([10, 0]).compare(sk.nps([9, 9, 1])),
        sk.nps([]).compare(sk.nps([])),
    ]


@pytest.mark.parametrize("r", sample_results(), ids=lambda r: type(r).__name__)
def test_results_pickle_and_compare_equal(r: object) -> None:
    back = pickle.loads(pickle.dumps(r))
    assert back == r and type(back) is type(r)
    assert hash(back) == hash(r)


@pytest.mark.parametrize("r", sample_results(), ids=lambda r: type(r).__name__)
def test_results_are_frozen_with_a_short_repr(r: object) -> None:
    assert len(repr(r)) < 120 and "_state" not in repr(r)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.n = 3  # type: ignore[attr-defined]
    reasons = r.undefined_reasons  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        reasons["score"] = "x"


def test_repr_examples() -> None:
    # SE = 100·√((0.5 + 0.25 − 0.25²)/4) = 41.458; 25 − 1.96·41.458 = −56.26; clamped at 100
    assert repr(sk.nps([10, 9, 7, 3])) == (
        "NpsResult(score=25.0, n=4, promoters=2, passives=1, detractors=1, ci95=(-56.26, 100.0))"
    )
    assert repr(sk.nps([])) == "NpsResult(score=None, n=0)"
    assert repr(sk.csat([5, 4, 1])).startswith("CsatResult(score=66.67, n=3, positive=2")
    assert repr(sk.ces([1, 2, 5])) == "CesResult(mean=2.67, easy_share=0.67, n=3, scale='effort_1_to_5')"


def test_equality_follows_the_data_and_options() -> None:
    assert sk.nps([10, 3]) == sk.nps([3, 10])
    assert sk.nps([10, 3]) != sk.nps([10, 4])
    assert sk.nps([10, 3]) != sk.nps([10, 3], adjusted_wald=True)
    assert sk.csat([5]) != sk.nps([5])  # type: ignore[comparison-overlap]


def test_interval_helpers() -> None:
    i = sk.Interval(-1.0, 3.0)
    assert i.width == 4.0 and i.contains(0.0) and not i.contains(3.5)
    lo, hi = i
    assert (lo, hi) == (-1.0, 3.0)


# --- the sample data against a naive count -------------------------------------------------


def test_sample_surveys_match_a_hand_count(repo_root: Path) -> None:
    with open(repo_root / "examples" / "data" / "surveys.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(int(row["score"]))
    assert set(by_kind) == {"nps", "csat", "ces"}

    nps = sk.nps(by_kind["nps"])
    counts = Counter("p" if s >= 9 else "d" if s <= 6 else "x" for s in by_kind["nps"])
    assert nps.n == len(by_kind["nps"])
    assert (nps.promoters, nps.detractors) == (counts["p"], counts["d"])
    assert nps.score == 100 * (counts["p"] - counts["d"]) / nps.n

    csat = sk.csat(by_kind["csat"])
    positive = sum(s >= 4 for s in by_kind["csat"])
    assert (csat.positive, csat.n) == (positive, len(by_kind["csat"]))
    assert csat.score == 100 * positive / csat.n
    assert csat.mean == sum(by_kind["csat"]) / csat.n

    ces = sk.ces(by_kind["ces"])
    assert ces.easy == sum(s <= 2 for s in by_kind["ces"])
    assert ces.mean == sum(by_kind["ces"]) / ces.n
