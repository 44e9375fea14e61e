"""Survey KPIs: NPS, CSAT and CES, computed by the Rust core.

Results are frozen dataclasses. A value that cannot be computed (no responses, a zero
standard error) is ``None`` — never 0, never NaN — and ``result.undefined_reasons`` maps the
field's name to the reason::

    >>> r = nps([])
    >>> r.score is None, r.undefined_reasons["score"]
    (True, 'no NPS responses')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import (
    Any,
    Iterable,
    Iterator,
    Literal,
    Mapping,
    NamedTuple,
    Optional,
    SupportsIndex,
    Tuple,
    Union,
)

from supportkpi import _native

__all__ = [
    "Scores",
    "Interval",
    "Comparison",
    "UndefinedReasons",
    "NpsResult",
    "CsatResult",
    "CesResult",
    "CustomCesScale",
    "nps",
    "csat",
    "ces",
]

Scores = Iterable[Union[SupportsIndex, float]]
"""Scores: any iterable of ints (list, tuple, range, generator, numpy array, pandas Series).

Whole floats (``4.0``, what pandas makes of an int column with gaps) count as ints; bools,
floats with a fraction and NaN are rejected.
"""

Distribution = Tuple[Tuple[int, int], ...]


class UndefinedReasons(Mapping[str, str]):
    """A read-only mapping from an undefined field's name to why it is undefined."""

    __slots__ = ("_reasons",)

    def __init__(self, reasons: Optional[Mapping[str, str]] = None) -> None:
        self._reasons: dict[str, str] = dict(reasons or {})

    def __getitem__(self, key: str) -> str:
        return self._reasons[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._reasons)

    def __len__(self) -> int:
        return len(self._reasons)

    def __repr__(self) -> str:
        return repr(self._reasons)

    def __reduce__(self) -> tuple[Any, ...]:
        return (UndefinedReasons, (self._reasons,))


class Interval(NamedTuple):
    """A confidence interval, in the unit of the value it belongs to."""

    lower: float
    upper: float

    @property
    def width(self) -> float:
        """``upper - lower``."""
        return self.upper - self.lower

    def contains(self, x: float) -> bool:
        """Whether ``lower <= x <= upper``."""
        return self.lower <= x <= self.upper


def _r(x: Optional[float]) -> str:
    # Rounding is a display choice (docs/definitions.md): the fields keep the exact values.
    return "None" if x is None else repr(round(x, 2))


def _ri(i: Optional[Interval]) -> str:
    return "None" if i is None else f"({_r(i.lower)}, {_r(i.upper)})"


def _interval(v: Optional[Tuple[float, float]]) -> Optional[Interval]:
    return None if v is None else Interval(*v)


def _distribution(pairs: Iterable[Tuple[int, int]]) -> Distribution:
    return tuple((int(s), int(c)) for s, c in pairs)


@dataclass(frozen=True, repr=False)
class Comparison:
    """A two-sample z-test: ``difference = a − b`` in the KPI's points, its standard error,
    ``z`` and the two-sided ``p_value``. Undefined (all ``None``) when one side has no
    responses or the standard error is 0; ``undefined_reasons`` says which."""

    difference: Optional[float]
    standard_error: Optional[float]
    z: Optional[float]
    p_value: Optional[float]
    undefined_reasons: UndefinedReasons = field(default_factory=UndefinedReasons, hash=False)

    def __repr__(self) -> str:
        if self.difference is None:
            reason = self.undefined_reasons.get("difference", "undefined")
            return f"Comparison(undefined: {reason})"
        p = "None" if self.p_value is None else f"{self.p_value:.3g}"
        return f"Comparison(difference={_r(self.difference)}, z={_r(self.z)}, p_value={p})"


def _comparison(d: dict[str, Any]) -> Comparison:
    return Comparison(
        difference=d["difference"],
        standard_error=d["standard_error"],
        z=d["z"],
        p_value=d["p_value"],
        undefined_reasons=UndefinedReasons(d["undefined_reasons"]),
    )


@dataclass(frozen=True, repr=False)
class NpsResult:
    """Net Promoter Score of 0–10 answers (docs/definitions.md, "NPS").

    ``score`` = 100 × (promoters − detractors) / n, exact (round only for display); shares are
    fractions in 0–1; ``standard_error``, ``ci95`` and ``ci`` (at ``confidence``) are in NPS
    points. ``distribution`` is ``((score, count), …)`` for every point 0–10.
    """

    score: Optional[float]
    promoters: int
    passives: int
    detractors: int
    n: int
    promoter_share: Optional[float]
    passive_share: Optional[float]
    detractor_share: Optional[float]
    standard_error: Optional[float]
    ci95: Optional[Interval]
    ci: Optional[Interval]
    confidence: float
    adjusted_wald: bool
    distribution: Distribution
    undefined_reasons: UndefinedReasons = field(default_factory=UndefinedReasons, hash=False)
    # The core accumulator's state, so that `compare` runs in the core.
    _state: bytes = field(default=b"", repr=False, compare=False, hash=False)

    def compare(self, other: NpsResult) -> Comparison:
        """The two-sample z-test of ``self.score − other.score``."""
        if not isinstance(other, NpsResult):
            raise TypeError(f"can only compare NpsResult with NpsResult, not {type(other).__name__}")
        return _comparison(_native.compare_nps(self._state, other._state))

    def __repr__(self) -> str:
        if self.score is None:
            return f"NpsResult(score=None, n={self.n})"
        return (
            f"NpsResult(score={_r(self.score)}, n={self.n}, promoters={self.promoters}, "
            f"passives={self.passives}, detractors={self.detractors}, ci95={_ri(self.ci95)})"
        )


@dataclass(frozen=True, repr=False)
class CsatResult:
    """Customer satisfaction: the percentage of answers at or above ``positive_from``.

    ``score`` is in percent (0–100); ``mean`` is on the survey's scale; ``ci95`` and ``ci``
    are Wilson intervals of the positive share, in percent. ``scale`` is ``(min, max)``.
    """

    score: Optional[float]
    positive: int
    n: int
    mean: Optional[float]
    ci95: Optional[Interval]
    ci: Optional[Interval]
    confidence: float
    scale: Tuple[int, int]
    positive_from: int
    distribution: Distribution
    undefined_reasons: UndefinedReasons = field(default_factory=UndefinedReasons, hash=False)
    _state: bytes = field(default=b"", repr=False, compare=False, hash=False)

    def compare(self, other: CsatResult) -> Comparison:
        """The two-proportion z-test of ``self.score − other.score`` (in percentage points)."""
        if not isinstance(other, CsatResult):
            raise TypeError(
                f"can only compare CsatResult with CsatResult, not {type(other).__name__}"
            )
        return _comparison(_native.compare_csat(self._state, other._state))

    def __repr__(self) -> str:
        if self.score is None:
            return f"CsatResult(score=None, n={self.n})"
        return (
            f"CsatResult(score={_r(self.score)}, n={self.n}, positive={self.positive}, "
            f"mean={_r(self.mean)}, ci95={_ri(self.ci95)})"
        )


@dataclass(frozen=True)
class CustomCesScale:
    """A CES scale other than the two named ones: its range, which end is better, and where
    "easy" starts (``score <= easy_threshold`` when lower is better, ``>=`` when higher)."""

    min: int
    max: int
    better: Literal["lower", "higher"]
    easy_threshold: int


CesScaleName = Literal["effort_1_to_5", "ease_1_to_7"]


@dataclass(frozen=True, repr=False)
class CesResult:
    """Customer effort: the mean answer and the share of "easy" answers (0–1).

    ``scale`` is the name of the scale, or the ``CustomCesScale`` it was computed on.
    """

    mean: Optional[float]
    easy_share: Optional[float]
    easy: int
    n: int
    scale: Union[CesScaleName, CustomCesScale]
    distribution: Distribution
    undefined_reasons: UndefinedReasons = field(default_factory=UndefinedReasons, hash=False)
    _state: bytes = field(default=b"", repr=False, compare=False, hash=False)

    def __repr__(self) -> str:
        scale = self.scale if isinstance(self.scale, str) else "custom"
        return (
            f"CesResult(mean={_r(self.mean)}, easy_share={_r(self.easy_share)}, n={self.n}, "
            f"scale={scale!r})"
        )


def nps(scores: Scores, *, adjusted_wald: bool = False, confidence: float = 0.95) -> NpsResult:
    """Net Promoter Score of answers on 0–10: promoters 9–10, passives 7–8, detractors 0–6.

    Args:
        scores: the answers (see ``Scores``).
        adjusted_wald: compute ``ci95``/``ci`` with the adjusted-Wald interval (n + 3, ¾ added
            to promoters and detractors) instead of the Wald interval.
        confidence: the level of ``ci`` (``ci95`` is always at 95%).

    Raises:
        ScoreOutOfScaleError: a score outside 0–10 (``.index`` is its position).
        InvalidValueError: a float with a fraction, or NaN.
        InvalidOptionError: ``confidence`` not strictly between 0 and 1.
        TypeError: ``scores`` is not an iterable of numbers.

    >>> nps([10, 9, 9, 7, 3]).score
    40.0
    """
    d = _native.nps(scores, adjusted_wald, confidence)
    return NpsResult(
        score=d["score"],
        promoters=d["promoters"],
        passives=d["passives"],
        detractors=d["detractors"],
        n=d["n"],
        promoter_share=d["promoter_share"],
        passive_share=d["passive_share"],
        detractor_share=d["detractor_share"],
        standard_error=d["standard_error"],
        ci95=_interval(d["ci95"]),
        ci=_interval(d["ci"]),
        confidence=d["confidence"],
        adjusted_wald=d["adjusted_wald"],
        distribution=_distribution(d["distribution"]),
        undefined_reasons=UndefinedReasons(d["undefined_reasons"]),
        _state=d["_state"],
    )


def csat(
    scores: Scores,
    *,
    scale: Tuple[int, int] = (1, 5),
    positive_from: Optional[int] = None,
    confidence: float = 0.95,
) -> CsatResult:
    """CSAT: 100 × answers at or above ``positive_from`` / all answers.

    Args:
        scores: the answers (see ``Scores``).
        scale: ``(min, max)`` of the survey: ``(1, 5)``, ``(1, 3)``, ``(1, 7)``, ``(1, 10)``,
            ``(0, 1)`` for good/bad…
        positive_from: the lowest positive answer; ``None`` is the scale's default, top-2-box
            on scales of 5 points or more (4 on 1–5), the top answer on smaller ones.
        confidence: the level of ``ci`` (``ci95`` is always at 95%).

    Raises:
        ScoreOutOfScaleError: a score outside the scale (``.index`` is its position).
        InvalidValueError: a float with a fraction, or NaN.
        InvalidOptionError: a bad scale, ``positive_from`` off the scale, a bad confidence.
        TypeError: ``scores`` is not an iterable of numbers, or ``scale`` is not a pair.

    >>> csat([5, 5, 4, 4, 4, 5, 4, 3, 2, 1]).score
    70.0
    """
    if isinstance(scale, (str, bytes)) or not isinstance(scale, (tuple, list)) or len(scale) != 2:
        raise TypeError(f"scale must be a (min, max) pair of ints such as (1, 5), not {scale!r}")
    d = _native.csat(scores, scale[0], scale[1], positive_from, confidence)
    lo, hi = d["scale"]
    return CsatResult(
        score=d["score"],
        positive=d["positive"],
        n=d["n"],
        mean=d["mean"],
        ci95=_interval(d["ci95"]),
        ci=_interval(d["ci"]),
        confidence=d["confidence"],
        scale=(lo, hi),
        positive_from=d["positive_from"],
        distribution=_distribution(d["distribution"]),
        undefined_reasons=UndefinedReasons(d["undefined_reasons"]),
        _state=d["_state"],
    )


def ces(
    scores: Scores,
    *,
    scale: Union[CesScaleName, CustomCesScale] = "effort_1_to_5",
) -> CesResult:
    """Customer Effort Score: mean answer and share of "easy" answers.

    Args:
        scores: the answers (see ``Scores``).
        scale: ``"effort_1_to_5"`` (1 = very low effort, lower is better; easy = 1–2),
            ``"ease_1_to_7"`` (CES 2.0, 7 = strongly agree it was easy; easy = 5–7), or a
            ``CustomCesScale``.

    Raises:
        ScoreOutOfScaleError: a score outside the scale (``.index`` is its position).
        InvalidValueError: a float with a fraction, or NaN.
        InvalidOptionError: an unknown scale name or a bad custom scale.
        TypeError: ``scores`` is not an iterable of numbers.

    >>> ces([1, 1, 2, 3, 5]).easy_share
    0.6
    """
    native_scale: object = scale
    if isinstance(scale, CustomCesScale):
        native_scale = (scale.min, scale.max, scale.better, scale.easy_threshold)
    d = _native.ces(scores, native_scale)
    result_scale: Union[CesScaleName, CustomCesScale]
    if d["scale"] == "custom":
        lo, hi, better, easy = d["custom_scale"]
        result_scale = CustomCesScale(min=lo, max=hi, better=better, easy_threshold=easy)
    else:
        result_scale = d["scale"]
    return CesResult(
        mean=d["mean"],
        easy_share=d["easy_share"],
        easy=d["easy"],
        n=d["n"],
        scale=result_scale,
        distribution=_distribution(d["distribution"]),
        undefined_reasons=UndefinedReasons(d["undefined_reasons"]),
        _state=d["_state"],
    )
