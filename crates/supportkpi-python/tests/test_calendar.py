"""BusinessCalendar: the reference cases of docs/definitions.md, zones, holidays, closures,
datetime handling."""

from __future__ import annotations

import pickle
from datetime import date, datetime, time, timedelta, timezone

import pytest

import supportkpi as sk

UTC = timezone.utc


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


REF = sk.BusinessCalendar(timezone="UTC", hours="Mon-Fri 10:00-18:00")


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        (utc(2021, 6, 28, 11), utc(2021, 6, 28, 12), 3_600),
        (utc(2021, 6, 28, 12), utc(2021, 6, 28, 20), 21_600),
        (utc(2021, 6, 28, 6), utc(2021, 6, 29, 11), 32_400),
        (utc(2021, 6, 25, 6), utc(2021, 6, 26, 11), 28_800),
        (utc(2021, 6, 28, 6), utc(2021, 7, 1, 20), 115_200),
    ],
)
def test_spec_reference_cases(start: datetime, end: datetime, seconds: int) -> None:
    assert REF.business_seconds(start, end) == seconds
    assert REF.business_seconds(end, start) == -seconds


def test_nothing_open_is_zero_and_durations_add_up() -> None:
    sat, sun = utc(2021, 6, 26, 9), utc(2021, 6, 27, 20)
    assert REF.business_seconds(sat, sun) == 0
    a, b, c = utc(2021, 6, 28, 6), utc(2021, 6, 29, 13, 17, 5), utc(2021, 7, 3)
    assert REF.business_seconds(a, c) == REF.business_seconds(a, b) + REF.business_seconds(b, c)


def test_defaults_and_properties() -> None:
    cal = sk.BusinessCalendar()
    assert (cal.timezone, cal.hours) == ("UTC", "Mon-Fri 09:00-17:00")
    assert cal.weekly_open_seconds == 5 * 8 * 3600
    assert sk.BusinessCalendar(hours="24/7").weekly_open_seconds == 7 * 24 * 3600
    assert cal.holidays == () and cal.closures == ()


def test_hours_text_is_normalised() -> None:
    cal = sk.BusinessCalendar(hours="mon-fri 9:00-17:00; Sat,Sun 10:00-14:00")
    assert cal.hours == "Mon-Fri 09:00-17:00; Sat,Sun 10:00-14:00"


def test_holidays_and_closures() -> None:
    cal = sk.BusinessCalendar(
        hours="Mon-Fri 09:00-17:00",
        holidays=[date(2021, 12, 24), "2021-12-27"],
        closures=[("2021-12-31", "12:00", "24:00"), (date(2021, 12, 30), time(9), time(10))],
    )
    assert cal.holidays == (date(2021, 12, 24), date(2021, 12, 27))
    assert cal.closures == (
        (date(2021, 12, 30), time(9), time(10)),
        (date(2021, 12, 31), time(12), time(0)),
    )
    # Thu 23rd full, Fri 24th holiday, Mon 27th holiday, Tue+Wed full, Thu 30th 7 h, Fri 31st 3 h
    assert cal.business_seconds(utc(2021, 12, 23), utc(2022, 1, 1)) == (8 + 8 + 8 + 7 + 3) * 3600


def test_wall_clock_hours_across_dst() -> None:
    # Berlin falls back on 2021-10-31: the wall clock shows 02:00-03:00 twice (the core's case).
    cal = sk.BusinessCalendar(timezone="Europe/Berlin", hours="Sun 00:00-06:00")
    assert cal.business_seconds(utc(2021, 10, 30, 12), utc(2021, 10, 31, 12)) == 7 * 3600


def test_any_tzinfo_names_the_same_instant() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tz database")
    a_utc, b_utc = utc(2021, 6, 28, 11), utc(2021, 6, 29, 11)
    expected = REF.business_seconds(a_utc, b_utc)
    plus2 = timezone(timedelta(hours=2))
    assert REF.business_seconds(a_utc.astimezone(plus2), b_utc.astimezone(berlin)) == expected
    assert sk.BusinessCalendar(timezone=berlin).timezone == "Europe/Berlin"


def test_fractions_of_a_second_are_dropped() -> None:
    start = utc(2021, 6, 28, 10, 0, 0) + timedelta(microseconds=999_999)
    assert REF.business_seconds(start, utc(2021, 6, 28, 10, 0, 2)) == 2
    before = utc(2021, 6, 28, 9, 59, 59) + timedelta(microseconds=999_999)
    assert REF.business_seconds(before, utc(2021, 6, 28, 10, 0, 1)) == 1


def test_naive_datetime_says_what_to_do() -> None:
    with pytest.raises(sk.InvalidTimestampError) as info:
        REF.business_seconds(datetime(2021, 6, 28, 11), utc(2021, 6, 28, 12))
    e = info.value
    assert isinstance(e, sk.Error) and isinstance(e, ValueError)
    assert e.field == "start" and e.value == "2021-06-28T11:00:00"
    assert "tzinfo=datetime.timezone.utc" in str(e)
    with pytest.raises(sk.InvalidTimestampError, match="end"):
        REF.business_seconds(utc(2021, 6, 28, 12), datetime(2021, 6, 28, 11))
    with pytest.raises(sk.InvalidTimestampError):
        REF.is_open_at(datetime(2021, 6, 28, 11))


def test_non_datetimes_are_type_errors() -> None:
    with pytest.raises(TypeError):
        REF.business_seconds(date(2021, 6, 28), utc(2021, 6, 29))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        REF.business_seconds("2021-06-28T11:00:00Z", utc(2021, 6, 29))  # type: ignore[arg-type]


def test_is_open_at_and_add_business_seconds() -> None:
    assert REF.is_open_at(utc(2021, 6, 28, 10))
    assert not REF.is_open_at(utc(2021, 6, 28, 18))
    assert REF.add_business_seconds(utc(2021, 6, 28, 10), 8 * 3600) == utc(2021, 6, 28, 18)
    assert REF.add_business_seconds(utc(2021, 6, 28, 10), -3600) == utc(2021, 6, 25, 17)
    t = REF.add_business_seconds(utc(2021, 6, 26, 12), 1)
    assert t == utc(2021, 6, 28, 10, 0, 1) and t.tzinfo is UTC
    never = sk.BusinessCalendar(hours="closed")
    assert never.add_business_seconds(utc(2021, 6, 28), 1) is None
    assert REF.add_business_seconds(utc(2021, 6, 28), 10**30) is None
    assert REF.add_business_seconds(utc(9999, 12, 31), 10**9) is None


def test_extreme_datetimes() -> None:
    lo = datetime.min.replace(tzinfo=UTC)
    hi = datetime.max.replace(tzinfo=UTC)
    assert REF.business_seconds(lo, hi) > 0
    assert sk.BusinessCalendar(hours="24/7").business_seconds(lo, hi) == (hi - lo) // timedelta(seconds=1)


def test_calendar_errors_name_field_and_value() -> None:
    with pytest.raises(sk.UnknownTimeZoneError) as tz:
        sk.BusinessCalendar(timezone="Mars/Olympus")
    assert (tz.value.field, tz.value.value, tz.value.kind) == ("timezone", "Mars/Olympus", "unknown_time_zone")
    with pytest.raises(sk.InvalidCalendarError) as hours:
        sk.BusinessCalendar(hours="Mon-Fri 09:00-17:00; Sat 10:00-25:00")
    assert (hours.value.field, hours.value.value) == ("hours", "25:00")
    assert "position 32" in hours.value.rule
    with pytest.raises(sk.InvalidCalendarError) as hol:
        sk.BusinessCalendar(holidays=["2021-02-30"])
    assert (hol.value.field, hol.value.value) == ("holidays", "2021-02-30")
    with pytest.raises(sk.InvalidCalendarError) as clo:
        sk.BusinessCalendar(closures=[("2021-12-31", "12:00", "25:00")])
    assert (clo.value.field, clo.value.value) == ("closures", "25:00")
    with pytest.raises(sk.InvalidCalendarError) as frac:
        sk.BusinessCalendar(closures=[("2021-12-31", time(12, 0, 0, 5), "13:00")])
    assert frac.value.field == "closures"
    with pytest.raises(TypeError):
        sk.BusinessCalendar(holidays=[datetime(2021, 12, 24)])
    with pytest.raises(TypeError):
        sk.BusinessCalendar(holidays="2021-12-24")
    with pytest.raises(TypeError):
        sk.BusinessCalendar(closures=[("2021-12-31", "12:00")])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        sk.BusinessCalendar(timezone=5)  # type: ignore[arg-type]


def test_equality_hash_pickle_repr() -> None:
    cal = sk.BusinessCalendar(
        timezone="Europe/Berlin",
        hours="Mon-Fri 09:00-12:00,13:00-17:00; Fri 22:00-02:00",
        holidays=["2021-12-24"],
        closures=[("2021-12-31", "12:00", "24:00")],
    )
    same = sk.BusinessCalendar(
        timezone="Europe/Berlin",
        hours="mon-fri 9:00-12:00, 13:00-17:00; fri 22:00-02:00",
        holidays=[date(2021, 12, 24)],
        closures=[(date(2021, 12, 31), time(12), time(0))],
    )
    assert cal == same and hash(cal) == hash(same)
    assert cal != sk.BusinessCalendar(timezone="Europe/Berlin", hours=cal.hours)
    back = pickle.loads(pickle.dumps(cal))
    assert back == cal and back.hours == cal.hours
    assert repr(cal) == (
        "BusinessCalendar(timezone='Europe/Berlin', "
        "hours='Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-12:00,13:00-17:00,22:00-02:00', "
        "holidays=<1>, closures=<1>)"
    )
    assert cal != "Mon-Fri 09:00-17:00"
