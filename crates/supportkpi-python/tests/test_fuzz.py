"""Junk in, a Python exception out: no input a test can build crashes the interpreter.

Every call either returns or raises TypeError or ValueError (sk.Error is a ValueError);
a Rust panic would surface as pyo3's PanicException (a BaseException) and fail here.
"""

from __future__ import annotations

import itertools
import math
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Iterator

import pytest

import supportkpi as sk

UTC = timezone.utc


def boom() -> Iterator[int]:
    yield 10
    raise ValueError("the source failed half-way")


JUNK: list[Any] = [
    None,
    "",
    "10",
    b"10",
    bytearray(b"\x0a"),
    10,
    -1,
    2**64,
    -(2**200),
    1.5,
    math.nan,
    -math.inf,
    True,
    Decimal("5"),
    complex(1, 1),
    object(),
    [],
    [None],
    ["5"],
    [[1, 2]],
    [(1,)],
    [{}],
    [2**63, -(2**63) - 1],
    [10**400],
    [math.nan, math.inf],
    [True, False],
    [1e308, -1e308, 5e-324],
    [Decimal("5")],
    {"a": 1},
    {1, 2, 3},
    range(-5, 20),
    range(10**20, 10**20 + 3),
    (x for x in [1, "a"]),
    date(2021, 1, 1),
    datetime(2021, 1, 1),
    datetime(2021, 1, 1, tzinfo=UTC),
    timedelta(1),
    [datetime(2021, 1, 1, tzinfo=UTC)],
    [sk.nps],
    sk.nps([]),
]

OK = (TypeError, ValueError)


def survive(call: Callable[[], object]) -> None:
    try:
        call()
    except OK:
        pass


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_survey_functions_survive_junk_scores(junk: Any) -> None:
    for f in (sk.nps, sk.csat, sk.ces):
        survive(lambda: f(junk))


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_survey_options_survive_junk(junk: Any) -> None:
    survive(lambda: sk.nps([10], confidence=junk))
    survive(lambda: sk.nps([10], adjusted_wald=junk))
    survive(lambda: sk.csat([5], scale=junk))
    survive(lambda: sk.csat([5], scale=(1, junk)))
    survive(lambda: sk.csat([5], positive_from=junk))
    survive(lambda: sk.ces([1], scale=junk))
    survive(lambda: sk.ces([1], scale=sk.CustomCesScale(junk, 5, "lower", 2)))
    survive(lambda: sk.ces([1], scale=sk.CustomCesScale(1, 5, junk, 2)))
    survive(lambda: sk.nps([10]).compare(junk))


@pytest.mark.parametrize("junk", JUNK, ids=lambda j: type(j).__name__)
def test_calendar_survives_junk(junk: Any) -> None:
    cal = sk.BusinessCalendar()
    t = datetime(2021, 6, 28, tzinfo=UTC)
    survive(lambda: sk.BusinessCalendar(timezone=junk))
    survive(lambda: sk.BusinessCalendar(hours=junk))
    survive(lambda: sk.BusinessCalendar(holidays=junk))
    survive(lambda: sk.BusinessCalendar(holidays=[junk]))
    survive(lambda: sk.BusinessCalendar(closures=junk))
    survive(lambda: sk.BusinessCalendar(closures=[junk]))
    survive(lambda: sk.BusinessCalendar(closures=[(junk, "09:00", "10:00")]))
    survive(lambda: sk.BusinessCalendar(closures=[("2021-01-01", junk, "10:00")]))
    survive(lambda: cal.business_seconds(junk, t))
    survive(lambda: cal.business_seconds(t, junk))
    survive(lambda: cal.is_open_at(junk))
    survive(lambda: cal.add_business_seconds(t, junk))
    survive(lambda: cal.add_business_seconds(junk, 1))


def test_a_failing_iterator_raises_its_own_error() -> None:
    with pytest.raises(ValueError, match="half-way"):
        sk.nps(boom())


def test_random_hours_texts_never_crash() -> None:
    rng = random.Random(6)
    alphabet = "MonTueWdhFriSatSu-,;: 0123456789/closed24"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        survive(lambda: sk.BusinessCalendar(hours=text))
    for a, b in itertools.product(["Mon", "Fri-Mon", "mon,wed"], ["00:00-24:00", "23:59-00:00", "9-5"]):
        survive(lambda: sk.BusinessCalendar(hours=f"{a} {b}"))


def test_random_score_lists_match_a_naive_count() -> None:
    rng = random.Random(7)
    for _ in range(300):
        scores = [rng.randrange(0, 11) for _ in range(rng.randrange(0, 40))]
        r = sk.nps(scores)
        assert r.n == len(scores)
        p = sum(s >= 9 for s in scores)
        d = sum(s <= 6 for s in scores)
        assert r.score == (100 * (p - d) / len(scores) if scores else None)


def test_random_instants_are_additive() -> None:
    rng = random.Random(8)
    cal = sk.BusinessCalendar(timezone="America/New_York", hours="Mon-Fri 09:00-17:00; Sat 22:00-02:00")
    base = datetime(2021, 1, 1, tzinfo=UTC)
    for _ in range(300):
        a, b, c = sorted(base + timedelta(seconds=rng.randrange(0, 400 * 86400)) for _ in range(3))
        ab, bc, ac = cal.business_seconds(a, b), cal.business_seconds(b, c), cal.business_seconds(a, c)
        assert ab >= 0 and bc >= 0 and ab + bc == ac
