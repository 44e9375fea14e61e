"""Business hours: when support is open, and the open seconds between two instants."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any, Iterable, Optional, Tuple, Union

from supportkpi import _native
from supportkpi._errors import InvalidCalendarError, InvalidTimestampError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["BusinessCalendar"]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)

DateLike = Union[date, str]
TimeLike = Union[time, str]
Closure = Tuple[date, time, time]


def _unix_seconds(dt: object, name: str) -> int:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a timezone-aware datetime.datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise InvalidTimestampError(
            f"{name} = {dt.isoformat()!r} is a naive datetime, so the instant it means is "
            f"unknown: attach its time zone, e.g. {name}.replace(tzinfo=datetime.timezone.utc) "
            f"or {name}.replace(tzinfo=zoneinfo.ZoneInfo('Europe/Berlin'))",
            rule="a datetime needs a time zone (tzinfo)",
            field=name,
            value=dt.isoformat(),
        )
    # Exact integer arithmetic (no float timestamp), flooring to the second like the core does;
    # the subtraction honours any tzinfo implementation's offset, fold included.
    return (dt - _EPOCH) // _SECOND


def _date(d: object, field: str) -> date:
    if isinstance(d, datetime):
        raise TypeError(f"{field} takes dates, not datetimes: use {d!r}.date()")
    if isinstance(d, date):
        return d
    if isinstance(d, str):
        try:
            return date.fromisoformat(d)
        except ValueError:
            raise InvalidCalendarError(
                f"field {field} = {d!r}: expected a date YYYY-MM-DD",
                rule="expected a date YYYY-MM-DD",
                record="calendar",
                field=field,
                value=d,
            ) from None
    raise TypeError(f"{field} takes datetime.date or 'YYYY-MM-DD' strings, not {type(d).__name__}")


def _time(t: object) -> time:
    if isinstance(t, time):
        if t.tzinfo is not None:
            raise TypeError("closure times are local wall-clock times: pass them without tzinfo")
        return t
    if isinstance(t, str):
        # The core's text form ends a day at 24:00, which datetime.time cannot hold; midnight
        # as an end means the same.
        if t.strip() == "24:00":
            return time(0, 0)
        try:
            return time.fromisoformat(t.strip())
        except ValueError:
            raise InvalidCalendarError(
                f"field closures = {t!r}: expected a time HH:MM",
                rule="expected a time HH:MM",
                record="calendar",
                field="closures",
                value=t,
            ) from None
    raise TypeError(f"closure times are datetime.time or 'HH:MM' strings, not {type(t).__name__}")


def _zone_name(tz: object) -> str:
    if isinstance(tz, str):
        return tz
    key = getattr(tz, "key", None)  # zoneinfo.ZoneInfo
    if isinstance(key, str):
        return key
    raise TypeError(
        f"timezone must be an IANA name such as 'Europe/Berlin' or a zoneinfo.ZoneInfo, not {tz!r}"
    )


class BusinessCalendar:
    """When support is open: an IANA time zone, weekly hours, holidays and partial closures.

    Args:
        timezone: an IANA zone name (``"Europe/Berlin"``) or a ``zoneinfo.ZoneInfo``.
        hours: weekly hours as text: clauses separated by ``;``, each days and intervals, e.g.
            ``"Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00"``. An interval ending at or
            before its start runs past midnight (``"Fri 22:00-02:00"``); ``"24/7"`` is always
            open, ``"closed"`` never.
        holidays: whole local dates that are closed (``datetime.date`` or ``"YYYY-MM-DD"``).
        closures: partial-day closures ``(date, from, to)`` in local time; a ``to`` at or
            before ``from`` runs into the next day (``"24:00"`` or ``"00:00"`` is midnight).

    Raises:
        UnknownTimeZoneError: an unknown zone name.
        InvalidCalendarError: malformed hours, dates or times (``.value`` is the bad token).

    Local times are wall-clock times: on a DST day a 09:00–17:00 day is 8 hours unless the
    shift falls inside it. Instants passed in must be timezone-aware datetimes.

    >>> from datetime import datetime, timezone
    >>> cal = BusinessCalendar(timezone="UTC", hours="Mon-Fri 10:00-18:00")
    >>> cal.business_seconds(datetime(2021, 6, 25, 6, tzinfo=timezone.utc),
    ...                      datetime(2021, 6, 26, 11, tzinfo=timezone.utc))
    28800
    """

    __slots__ = ("_cal",)

    def __init__(
        self,
        timezone: Union[str, ZoneInfo] = "UTC",
        hours: str = "Mon-Fri 09:00-17:00",
        holidays: Iterable[DateLike] = (),
        closures: Iterable[Tuple[DateLike, TimeLike, TimeLike]] = (),
    ) -> None:
        if not isinstance(hours, str):
            raise TypeError(f"hours must be a str such as 'Mon-Fri 09:00-17:00', not {hours!r}")
        if isinstance(holidays, (str, bytes)):
            raise TypeError("holidays must be a list of dates, not a single string")
        hols = [_date(d, "holidays").timetuple()[:3] for d in holidays]
        clos = []
        for c in closures:
            try:
                d, start, end = c
            except (TypeError, ValueError):
                raise TypeError(f"a closure is a (date, from, to) triple, not {c!r}") from None
            s, e = _time(start), _time(end)
            clos.append(
                (
                    _date(d, "closures").timetuple()[:3],
                    (s.hour, s.minute, s.second, s.microsecond),
                    (e.hour, e.minute, e.second, e.microsecond),
                )
            )
        self._cal = _native.BusinessCalendar(_zone_name(timezone), hours, hols, clos)

    @property
    def timezone(self) -> str:
        """The IANA zone name."""
        return self._cal.timezone

    @property
    def hours(self) -> str:
        """The weekly hours in normal form (``"Mon-Fri 09:00-17:00"``)."""
        return self._cal.hours

    @property
    def holidays(self) -> Tuple[date, ...]:
        """The holidays, in date order."""
        return tuple(date(*d) for d in self._cal.holidays)

    @property
    def closures(self) -> Tuple[Closure, ...]:
        """The partial closures ``(date, from, to)``, in order; ``to`` 00:00 is midnight."""
        return tuple((date(*d), time(*f), time(*t)) for d, f, t in self._cal.closures)

    @property
    def weekly_open_seconds(self) -> int:
        """Open seconds in one week without holidays (604800 for 24/7)."""
        return self._cal.weekly_open_seconds

    def business_seconds(self, start: datetime, end: datetime) -> int:
        """Open seconds in ``[start, end)`` (negative when ``end < start``).

        0 when nothing is open in between; additive: ``d(a, c) == d(a, b) + d(b, c)``.
        Fractions of a second are dropped from both instants.

        Raises:
            InvalidTimestampError: a naive datetime (attach a tzinfo first).
            TypeError: not a datetime.
        """
        return self._cal.business_seconds(_unix_seconds(start, "start"), _unix_seconds(end, "end"))

    def is_open_at(self, at: datetime) -> bool:
        """Whether support is open during the second containing ``at``."""
        return self._cal.is_open_at(_unix_seconds(at, "at"))

    def add_business_seconds(self, start: datetime, seconds: int) -> Optional[datetime]:
        """The earliest instant ``seconds`` open seconds after ``start`` (before it, when
        negative), as an aware UTC datetime: where a business-time SLA target breaches.

        ``None`` when there is no such instant (a calendar that is never open) or it lies
        outside the years 1–9999 a ``datetime`` can hold.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise TypeError(f"seconds must be an int, not {type(seconds).__name__}")
        if not -(2**62) <= seconds <= 2**62:
            return None  # far beyond any datetime
        t = self._cal.add_business_seconds(_unix_seconds(start, "start"), seconds)
        if t is None:
            return None
        try:
            return _EPOCH + timedelta(seconds=t)
        except OverflowError:
            return None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return bool(self._cal == other._cal)

    def __hash__(self) -> int:
        return hash((self.timezone, self.hours, self.holidays, self.closures))

    def __reduce__(self) -> Tuple[Any, ...]:
        return (BusinessCalendar, (self.timezone, self.hours, self.holidays, self.closures))

    def __repr__(self) -> str:
        extra = ""
        for name, items in (("holidays", self._cal.holidays), ("closures", self._cal.closures)):
            if items:
                extra += f", {name}=<{len(items)}>"
        return f"BusinessCalendar(timezone={self.timezone!r}, hours={self.hours!r}{extra})"
