"""The exception hierarchy: one subclass per core error kind, each carrying its context."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any, Callable

import pytest

import supportkpi as sk
from supportkpi import _errors, _native

SUBCLASSES = {
    "missing_field": sk.MissingFieldError,
    "invalid_value": sk.InvalidValueError,
    "invalid_timestamp": sk.InvalidTimestampError,
    "negative_duration": sk.NegativeDurationError,
    "score_out_of_scale": sk.ScoreOutOfScaleError,
    "unknown_time_zone": sk.UnknownTimeZoneError,
    "mixed_currencies": sk.MixedCurrenciesError,
    "duplicate_id": sk.DuplicateIdError,
    "unmapped_status": sk.UnmappedStatusError,
    "invalid_calendar": sk.InvalidCalendarError,
    "invalid_option": sk.InvalidOptionError,
    "incompatible_merge": sk.IncompatibleMergeError,
    "invalid_state": sk.InvalidStateError,
    "io": sk.IoError,
}


def test_every_core_kind_has_its_own_subclass() -> None:
    # ERROR_KINDS is the core's ErrorKind::ALL: a kind added there fails here until it has a
    # class in _errors.py (and a line above).
    assert list(_native.ERROR_KINDS) == list(SUBCLASSES)
    assert set(_native.ERROR_KINDS) == set(_errors._BY_KIND)
    assert len(set(SUBCLASSES.values())) == len(SUBCLASSES)
    for kind, cls in SUBCLASSES.items():
        assert issubclass(cls, sk.Error) and issubclass(cls, ValueError)
        assert cls.kind == kind
        assert cls.__name__ in sk.__all__


@pytest.mark.parametrize("kind", list(SUBCLASSES))
def test_native_errors_become_their_subclass_with_context(kind: str) -> None:
    e = _errors._from_native(
        kind, "ticket \"T-7\" (line 12): boom", "the rule", "ticket", "T-7", 12, "resolved_at", "x", None
    )
    assert type(e) is SUBCLASSES[kind]
    assert (e.kind, e.rule, e.record, e.record_id, e.line, e.field, e.value, e.index) == (
        kind,
        "the rule",
        "ticket",
        "T-7",
        12,
        "resolved_at",
        "x",
        None,
    )
    assert str(e) == 'ticket "T-7" (line 12): boom'


def test_io_error_is_also_an_os_error(tmp_path: Path) -> None:
    assert issubclass(sk.IoError, OSError) and issubclass(sk.IoError, sk.Error)
    missing = tmp_path / "missing.csv"
    with pytest.raises(OSError) as info:
        sk.read_tickets(str(missing))
    e = info.value
    assert type(e) is sk.IoError and isinstance(e, ValueError)
    assert (e.kind, e.field, e.value) == ("io", "path", str(missing))
    assert str(e).startswith("field path = ") and "cannot open the file" in str(e)
    assert e.errno is None
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is sk.IoError and str(back) == str(e) and back.field == "path"


def test_an_unknown_future_kind_falls_back_to_the_base_class() -> None:
    e = _errors._from_native("quantum_flux", "msg", "rule", None, None, None, None, None, None)
    assert type(e) is sk.Error and e.kind == "quantum_flux"


def test_errors_pickle_with_their_context() -> None:
    with pytest.raises(sk.ScoreOutOfScaleError) as info:
        sk.nps([10, 11])
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is sk.ScoreOutOfScaleError
    assert (back.kind, back.field, back.value, back.index, str(back)) == (
        "score_out_of_scale",
        "score",
        "11",
        1,
        str(info.value),
    )


def raises(call: Callable[[], Any], cls: type[sk.Error]) -> sk.Error:
    with pytest.raises(cls) as info:
        call()
    assert type(info.value) is cls
    return info.value


def test_score_out_of_scale_names_record_field_value_and_position() -> None:
    e = raises(lambda: sk.nps([10, 9, 11, 12]), sk.ScoreOutOfScaleError)
    assert (e.record, e.field, e.value, e.index) == ("score", "score", "11", 2)
    assert e.rule == "an NPS score is on the 0-10 scale"
    assert str(e) == "scores[2] = 11: an NPS score is on the 0-10 scale"
    e = raises(lambda: sk.csat([5, 0]), sk.ScoreOutOfScaleError)
    assert (e.value, e.index, e.rule) == ("0", 1, "a CSAT score is on the 1-5 scale")
    e = raises(lambda: sk.ces([8], scale="ease_1_to_7"), sk.ScoreOutOfScaleError)
    assert e.value == "8" and "1-7" in e.rule


def test_huge_ints_are_off_the_scale_with_their_full_value() -> None:
    e = raises(lambda: sk.nps([10, -(10**40)]), sk.ScoreOutOfScaleError)
    assert (e.value, e.index, e.rule) == (str(-(10**40)), 1, "an NPS score is on the 0-10 scale")
    e = raises(lambda: sk.csat([2**31]), sk.ScoreOutOfScaleError)
    assert e.value == str(2**31) and e.rule == "a CSAT score is on the 1-5 scale"
    # The first bad item wins, whoever finds it.
    e = raises(lambda: sk.nps([11, 10**20]), sk.ScoreOutOfScaleError)
    assert e.index == 0


def test_fractional_scores_are_invalid_values() -> None:
    e = raises(lambda: sk.nps([10, 7.5]), sk.InvalidValueError)
    assert (e.field, e.value, e.index) == ("score", "7.5", 1)
    e = raises(lambda: sk.csat([5, float("nan")]), sk.InvalidValueError)
    assert e.value == "nan" and "NaN" in e.rule
    e = raises(lambda: sk.nps([float("inf")]), sk.InvalidValueError)
    assert e.value == "inf"
    e = raises(lambda: sk.nps([11, 7.5]), sk.ScoreOutOfScaleError)  # earlier item first
    assert e.index == 0
    e = raises(lambda: sk.nps([1e20]), sk.ScoreOutOfScaleError)
    assert e.value == "1e+20"


def test_invalid_options() -> None:
    e = raises(lambda: sk.nps([10], confidence=1.5), sk.InvalidOptionError)
    assert (e.field, e.value) == ("confidence", "1.5")
    raises(lambda: sk.nps([10], confidence=float("nan")), sk.InvalidOptionError)
    e = raises(lambda: sk.csat([5], scale=(5, 1)), sk.InvalidOptionError)
    assert (e.field, e.value) == ("scale", "5-1")
    e = raises(lambda: sk.csat([5], positive_from=6), sk.InvalidOptionError)
    assert (e.field, e.value) == ("positive_from", "6")
    e = raises(lambda: sk.csat([5], scale=(1, 10**12)), sk.InvalidOptionError)
    assert e.field == "scale"
    e = raises(lambda: sk.ces([1], scale="effort_1_to_10"), sk.InvalidOptionError)  # type: ignore[arg-type]
    assert (e.field, e.value) == ("scale", "effort_1_to_10")
    bad = sk.CustomCesScale(min=1, max=5, better="sideways", easy_threshold=2)  # type: ignore[arg-type]
    e = raises(lambda: sk.ces([1], scale=bad), sk.InvalidOptionError)
    assert (e.field, e.value) == ("better", "sideways")
    e = raises(lambda: sk.ces([1], scale=sk.CustomCesScale(1, 5, "lower", 9)), sk.InvalidOptionError)
    assert (e.field, e.value) == ("easy_threshold", "9")


def test_bad_option_types_are_type_errors() -> None:
    for call in (
        lambda: sk.nps([10], confidence="0.9"),  # type: ignore[arg-type]
        lambda: sk.nps([10], confidence=True),
        lambda: sk.nps([10], adjusted_wald="yes"),  # type: ignore[arg-type]
        lambda: sk.csat([5], scale=5),  # type: ignore[arg-type]
        lambda: sk.csat([5], scale="1-5"),  # type: ignore[arg-type]
        lambda: sk.csat([5], scale=(1, 2, 3)),  # type: ignore[arg-type]
        lambda: sk.csat([5], scale=(1.0, 5)),  # type: ignore[arg-type]
        lambda: sk.csat([5], positive_from=4.0),  # type: ignore[arg-type]
        lambda: sk.csat([5], positive_from=True),
        lambda: sk.ces([1], scale=None),  # type: ignore[arg-type]
        lambda: sk.ces([1], scale=5),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            call()


def test_positions_count_across_the_whole_input() -> None:
    # Scores are converted and pushed in chunks of 65536; positions are global.
    e = raises(lambda: sk.nps([10] * 200_000 + [11]), sk.ScoreOutOfScaleError)
    assert e.index == 200_000
    e = raises(lambda: sk.nps(iter([10] * 70_000 + [0.5])), sk.InvalidValueError)
    assert e.index == 70_000
    e = raises(lambda: sk.nps([10] * 70_000 + [10**30]), sk.ScoreOutOfScaleError)
    assert e.index == 70_000


def test_huge_or_lying_lengths_allocate_nothing_up_front() -> None:
    e = raises(lambda: sk.nps(range(10**12)), sk.ScoreOutOfScaleError)
    assert e.index == 11

    class Liar:
        def __len__(self) -> int:
            return 2**62

        def __iter__(self) -> Any:
            return iter([10, 9])

    assert sk.nps(Liar()).n == 2
