"""Readers, the one-pass report, and partial reports for partitions computed elsewhere.

Every input is a path (CSV, or JSON Lines by extension), an Arrow-compatible table (anything
with ``__arrow_c_stream__``: a ``pyarrow.Table``, a polars ``DataFrame``, a pandas ``DataFrame``
on pandas >= 2.2), or the :class:`Records` a ``read_*`` call returned. Tables are read by the
same rules as files: columns named as the record fields (or mapped), nulls are missing values,
and Arrow timestamps are instants (with a time zone) or wall-clock times in ``timezone``.
"""

from __future__ import annotations

import html
import json
import os
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Protocol,
    Sequence,
    Tuple,
    Union,
)

from supportkpi import _native
from supportkpi._calendar import BusinessCalendar, _zone_name
from supportkpi._errors import Error, InvalidTimestampError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import pandas  # type: ignore[import-untyped,unused-ignore]
    from matplotlib.figure import Figure

__all__ = [
    "Prepared",
    "Records",
    "Rejected",
    "Report",
    "Source",
    "bucket_of",
    "combine",
    "TicketMetrics",
    "merge",
    "partial",
    "prepare",
    "read_costs",
    "read_customers",
    "read_events",
    "read_surveys",
    "read_tickets",
    "report",
    "ticket_metrics",
]

#: A path, an Arrow-compatible table (``__arrow_c_stream__``) or records from ``read_*``.
Source = Union[str, "os.PathLike[str]", "Records", Any]
#: Source column -> record field; ``"dimension:NAME"`` keeps it as a ticket dimension; ``None``
#: ignores it.
Mapping_ = Mapping[str, Optional[str]]

_HTML_ROWS = 50


class Rejected(NamedTuple):
    """A record a lenient read rejected.

    ``line`` is the record's 1-based line in its file (the CSV header is line 1), or for a table
    its 1-based row number; 0 for a ticket of an event log whose events could not be derived.
    """

    source: str
    line: int
    error: Error


def _read_args(
    *,
    mapping: Optional[Mapping_],
    preset: Optional[str],
    errors: str,
    timezone: Union[str, ZoneInfo],
    timestamp_format: Optional[str],
    date_format: Optional[str],
    null_tokens: Optional[Iterable[str]],
    keep_extra_columns: bool,
    currency: Optional[str],
) -> Dict[str, Any]:
    if mapping is not None and not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a dict of column -> field, not {type(mapping).__name__}")
    pairs = []
    for column, field in (mapping or {}).items():
        if not isinstance(column, str) or not (field is None or isinstance(field, str)):
            raise TypeError(f"mapping entries are str -> str or None, not {column!r}: {field!r}")
        pairs.append((column, field))
    if isinstance(null_tokens, str):
        raise TypeError("null_tokens must be a list of strings, not a single string")
    for name, value in (
        ("errors", errors),
        ("preset", preset),
        ("timestamp_format", timestamp_format),
        ("date_format", date_format),
        ("currency", currency),
    ):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return {
        "errors": errors,
        "timezone": _zone_name(timezone),
        "timestamp_format": timestamp_format,
        "date_format": date_format,
        "null_tokens": None if null_tokens is None else [str(t) for t in null_tokens],
        "mapping": pairs,
        "keep_extra_columns": bool(keep_extra_columns),
        "preset": preset,
        "currency": currency,
    }


def _native_source(source: object, name: str) -> Any:
    """What the compiled module takes: a path as str, native records, or an Arrow stream."""
    if isinstance(source, Records):
        return source._records
    if isinstance(source, Prepared):
        raise TypeError(f"{name}: prepared inputs are reported on with their .report(...) method")
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if hasattr(source, "__arrow_c_stream__"):
        return source
    if type(source).__module__.startswith("pandas"):
        # pandas before 2.2 has no __arrow_c_stream__; pyarrow converts it.
        try:
            import pyarrow  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise TypeError(
                f"{name}: this pandas version cannot export Arrow; upgrade to pandas >= 2.2 or "
                "install pyarrow (pip install pyarrow)"
            ) from None
        return pyarrow.Table.from_pandas(source, preserve_index=False)
    raise TypeError(
        f"{name} must be a path, an Arrow table (pyarrow, polars, pandas) or Records from "
        f"read_*, not {type(source).__name__}"
    )


class Records:
    """What a ``read_*`` call returns: the accepted records, the rejected ones, the count read.

    ``len(records)`` is the number accepted, iteration yields each record as a dict of its
    fields (timestamps as aware datetimes), ``records.rejected`` lists the rejected ones (empty
    in strict mode) and ``records.read`` is accepted + rejected. Pass it to :func:`report`.
    """

    __slots__ = ("_records",)

    def __init__(self, native: _native.Records) -> None:
        self._records = native

    @property
    def kind(self) -> str:
        """``"tickets"``, ``"events"``, ``"surveys"``, ``"customers"`` or ``"costs"``."""
        return self._records.kind

    @property
    def read(self) -> int:
        """Records read: ``len(self) + len(self.rejected)``."""
        return self._records.read

    @property
    def rejected(self) -> List[Rejected]:
        """Every rejected record with its line (row) and error."""
        kind = self._records.kind
        return [Rejected(kind, line, err) for line, err in self._records.rejected()]

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, index: int) -> Dict[str, Any]:
        n = len(self._records)
        if not isinstance(index, int):
            raise TypeError("Records are indexed by int")
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("record index out of range")
        return self._records.record(index)

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        for i in range(len(self._records)):
            yield self._records.record(i)

    def __repr__(self) -> str:
        derived = ", derived from events" if self._records.derived else ""
        return (
            f"Records({self.kind}: {len(self)} accepted, {self.read - len(self)} rejected"
            f"{derived})"
        )


class _Reader(Protocol):
    def __call__(
        self,
        source: Source,
        *,
        mapping: Optional[Mapping_] = None,
        preset: Optional[str] = None,
        errors: str = "strict",
        timezone: Union[str, ZoneInfo] = "UTC",
        timestamp_format: Optional[str] = None,
        date_format: Optional[str] = None,
        null_tokens: Optional[Iterable[str]] = None,
        keep_extra_columns: bool = False,
        currency: Optional[str] = None,
    ) -> Records: ...


def _reader(kind: str) -> _Reader:
    def read(
        source: Source,
        *,
        mapping: Optional[Mapping_] = None,
        preset: Optional[str] = None,
        errors: str = "strict",
        timezone: Union[str, ZoneInfo] = "UTC",
        timestamp_format: Optional[str] = None,
        date_format: Optional[str] = None,
        null_tokens: Optional[Iterable[str]] = None,
        keep_extra_columns: bool = False,
        currency: Optional[str] = None,
    ) -> Records:
        args = _read_args(
            mapping=mapping,
            preset=preset,
            errors=errors,
            timezone=timezone,
            timestamp_format=timestamp_format,
            date_format=date_format,
            null_tokens=null_tokens,
            keep_extra_columns=keep_extra_columns,
            currency=currency,
        )
        native = _native_source(source, "source")
        if isinstance(native, _native.Records):
            raise TypeError("source is already Records")
        if isinstance(native, str):
            return Records(_native.read_path(kind, native, args))
        return Records(_native.read_table(kind, native, args))

    read.__name__ = read.__qualname__ = f"read_{kind}"
    read.__doc__ = _READ_DOC.format(kind=kind)
    return read


_READ_DOC = """Reads {kind} from a file or an Arrow-compatible table.

    Args:
        source: a path (CSV; ``.jsonl``/``.ndjson``/``.json`` are JSON Lines) or any object
            with ``__arrow_c_stream__`` (pyarrow Table, polars or pandas >= 2.2 DataFrame).
        mapping: source column -> record field for inputs not in the canonical layout;
            ``"dimension:NAME"`` keeps a column as a ticket dimension, ``None`` ignores it.
        preset: a helpdesk export's layout, any name ``supportkpi presets`` lists (the
            core's one list), e.g. ``"servicenow"`` (an incident event log, read into tickets)
            or ``"zendesk-json"`` (its API's ticket JSON; for surveys, its satisfaction
            ratings JSON; for events, its ticket audits, read into ticket histories as for the
            other JSON presets with an event log).
        errors: ``"strict"`` raises at the first bad record; ``"lenient"`` keeps going and
            lists every bad record in ``.rejected``.
        timezone: the IANA zone naive local times (text or Arrow timestamps without a zone)
            are in.
        timestamp_format: a chrono pattern such as ``"%d/%m/%Y %H:%M"`` for timestamp text
            (default: RFC 3339 and ISO 8601 variants).
        date_format: the chrono pattern of dates (cost periods), ``"%Y-%m-%d"`` by default.
        null_tokens: cell texts that mean "no value" (default ``""``, ``"?"``, ``"NULL"``).
        keep_extra_columns: keep columns that feed no field as ticket dimensions.
        currency: the currency of amounts whose row names none.

    Returns:
        :class:`Records`; accepted + rejected = read, always.

    Raises:
        Error: in strict mode the first bad record's error (a subclass per kind, with
            ``.line``, ``.field`` and ``.value``); a missing required column; an unreadable
            file (``IoError``).
    """

read_tickets: _Reader = _reader("tickets")
read_events: _Reader = _reader("events")
read_surveys: _Reader = _reader("surveys")
read_customers: _Reader = _reader("customers")
read_costs: _Reader = _reader("costs")


def _instant(dt: object, name: str) -> str:
    if not isinstance(dt, datetime):
        raise TypeError(f"{name} must be a timezone-aware datetime.datetime, not {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise InvalidTimestampError(
            f"{name} = {dt.isoformat()!r} is a naive datetime, so the instant it means is "
            f"unknown: attach its time zone, e.g. {name}.replace(tzinfo=datetime.timezone.utc)",
            rule="a datetime needs a time zone (tzinfo)",
            field=name,
            value=dt.isoformat(),
        )
    return dt.astimezone(timezone.utc).isoformat()


def _day(d: object, name: str) -> str:
    if isinstance(d, datetime) or not isinstance(d, (date, str)):
        raise TypeError(f"{name} takes datetime.date or 'YYYY-MM-DD' strings, not {d!r}")
    return d.isoformat() if isinstance(d, date) else d


_SLA_METRICS = ("first_response", "resolution", "next_reply", "periodic_update")


def _sla(sla: Mapping[str, Any]) -> Dict[str, Any]:
    """The friendly SLA form as the core's: ``{"first_response": {"P1": 3600, "default":
    86400}, "resolution": {...}, "next_reply": {...}, "periodic_update": {...}, "clock":
    "calendar" | "business", "pause": ["pending", "on_hold"]}`` (``pause``: the statuses that
    stop the resolution clock; pending and on hold by default, ``[]`` for none)."""
    if not isinstance(sla, Mapping):
        raise TypeError("sla must be a dict such as {'first_response': {'P1': 3600}}")
    unknown = set(sla) - set(_SLA_METRICS) - {"clock", "pause"}
    if unknown:
        raise TypeError(
            f"sla takes {', '.join(_SLA_METRICS)}, clock and pause, not {sorted(unknown)}"
        )
    clock = sla.get("clock", "calendar")
    out: Dict[str, Any] = {}
    if "pause" in sla:
        pause = sla["pause"]
        if isinstance(pause, str) or not all(isinstance(p, str) for p in pause):
            raise TypeError("sla['pause'] is a list of status names such as ['pending']")
        out["pause"] = {"resolution": list(pause)}
    for metric in _SLA_METRICS:
        targets = sla.get(metric) or {}
        if not isinstance(targets, Mapping):
            raise TypeError(f"sla[{metric!r}] must map priorities (or 'default') to seconds")
        by_priority = {
            str(p): {"seconds": _seconds(s), "clock": clock} for p, s in targets.items() if p != "default"
        }
        default = targets.get("default")
        out[metric] = {
            "by_priority": by_priority,
            "default": None if default is None else {"seconds": _seconds(default), "clock": clock},
        }
    return out


def _seconds(s: object) -> int:
    if isinstance(s, bool) or not isinstance(s, (int, float)):
        raise TypeError(f"an SLA target is a number of seconds, not {s!r}")
    return int(s)


#: Conditions tickets must pass: field -> a value or a list of values.
Where = Mapping[str, Union[str, Sequence[str]]]


def _options(
    *,
    by: Union[str, Sequence[str], None],
    where: Optional[Where] = None,
    sla: Optional[Mapping[str, Any]],
    as_of: Optional[datetime],
    range: Optional[Tuple[Union[date, str], Union[date, str]]],
    options: Optional[Mapping[str, Any]],
    sections: Optional[Sequence[str]] = None,
) -> str:
    opts: Dict[str, Any] = dict(options or {})
    if sections is not None:
        if isinstance(sections, str) or not all(isinstance(s, str) for s in sections):
            raise TypeError(f"sections must be a list of section names (str), not {sections!r}")
        opts["sections"] = list(sections)
    if by is not None:
        if isinstance(by, str):
            opts["by"] = by
        elif isinstance(by, Sequence) and all(isinstance(b, str) for b in by):
            opts["by"] = list(by)
        else:
            raise TypeError(
                f"by must be a dimension name (str) or a list of names, not {type(by).__name__}"
            )
    if where is not None:
        if not isinstance(where, Mapping):
            raise TypeError(f"where must be a dict of field -> value(s), not {type(where).__name__}")
        conditions = []
        for field, values in where.items():
            if isinstance(values, str):
                values = [values]
            if not isinstance(field, str) or not all(isinstance(v, str) for v in values):
                raise TypeError(f"where entries are str -> str or list of str, not {field!r}: {values!r}")
            conditions.append({"field": field, "in": list(values)})
        opts["where"] = conditions
    if sla is not None:
        opts["sla"] = _sla(sla)
    if as_of is not None:
        opts["as_of"] = _instant(as_of, "as_of")
    if range is not None:
        first, last = range
        opts["range"] = [_day(first, "range"), _day(last, "range")]
    try:
        return json.dumps(opts)
    except (TypeError, ValueError) as e:
        raise TypeError(f"options must be JSON-compatible: {e}") from None


def _call(
    fn: Any,
    inputs: Dict[str, Optional[Source]],
    *,
    preset: Optional[str],
    period: str,
    timezone: Union[str, ZoneInfo],
    calendar: Optional[BusinessCalendar],
    by: Union[str, Sequence[str], None],
    where: Optional[Where],
    sla: Optional[Mapping[str, Any]],
    as_of: Optional[datetime],
    range: Optional[Tuple[Union[date, str], Union[date, str]]],
    errors: str,
    mapping: Optional[Mapping_],
    timestamp_format: Optional[str],
    date_format: Optional[str],
    null_tokens: Optional[Iterable[str]],
    keep_extra_columns: bool,
    currency: Optional[str],
    options: Optional[Mapping[str, Any]],
    sections: Optional[Sequence[str]] = None,
    **extra: Any,
) -> Any:
    opts, cal = _report_options(
        period=period,
        calendar=calendar,
        by=by,
        where=where,
        sla=sla,
        as_of=as_of,
        range=range,
        options=options,
        sections=sections,
    )
    args = _read_args(
        mapping=mapping,
        preset=preset,
        errors=errors,
        timezone=timezone,
        timestamp_format=timestamp_format,
        date_format=date_format,
        null_tokens=null_tokens,
        keep_extra_columns=keep_extra_columns,
        currency=currency,
    )
    return fn(_native_inputs(inputs), args, opts, period, _zone_name(timezone), cal, **extra)


def _native_inputs(inputs: Dict[str, Optional[Source]]) -> List[Tuple[str, Any]]:
    return [
        (slot, _native_source(value, slot)) for slot, value in inputs.items() if value is not None
    ]


def _report_options(
    *,
    period: str,
    calendar: Optional[BusinessCalendar],
    by: Union[str, Sequence[str], None],
    where: Optional[Where],
    sla: Optional[Mapping[str, Any]],
    as_of: Optional[datetime],
    range: Optional[Tuple[Union[date, str], Union[date, str]]],
    options: Optional[Mapping[str, Any]],
    sections: Optional[Sequence[str]],
) -> Tuple[str, Optional[_native.BusinessCalendar]]:
    """The options' JSON and the native calendar: what every report call passes besides its
    inputs, period and zone."""
    if calendar is not None and not isinstance(calendar, BusinessCalendar):
        raise TypeError(f"calendar must be a supportkpi.BusinessCalendar, not {type(calendar).__name__}")
    if not isinstance(period, str):
        raise TypeError(f"period must be a str such as 'month', not {type(period).__name__}")
    opts = _options(
        by=by, where=where, sla=sla, as_of=as_of, range=range, options=options, sections=sections
    )
    return opts, None if calendar is None else calendar._cal


def report(
    tickets: Optional[Source] = None,
    events: Optional[Source] = None,
    surveys: Optional[Source] = None,
    customers: Optional[Source] = None,
    costs: Optional[Source] = None,
    *,
    preset: Optional[str] = None,
    period: str = "month",
    timezone: Union[str, ZoneInfo] = "UTC",
    calendar: Optional[BusinessCalendar] = None,
    by: Union[str, Sequence[str], None] = None,
    where: Optional[Where] = None,
    sla: Optional[Mapping[str, Any]] = None,
    as_of: Optional[datetime] = None,
    range: Optional[Tuple[Union[date, str], Union[date, str]]] = None,
    errors: str = "strict",
    mapping: Optional[Mapping_] = None,
    timestamp_format: Optional[str] = None,
    date_format: Optional[str] = None,
    null_tokens: Optional[Iterable[str]] = None,
    keep_extra_columns: bool = False,
    currency: Optional[str] = None,
    options: Optional[Mapping[str, Any]] = None,
    sections: Optional[Sequence[str]] = None,
) -> Report:
    """Every KPI per period (and per dimension value with ``by``), in one pass.

    Args:
        tickets, events, surveys, customers, costs: each a path, an Arrow-compatible table or
            :class:`Records`; all optional.
        preset: the helpdesk export's layout (any name ``supportkpi presets`` lists, e.g.
            ``"servicenow"`` or ``"zendesk"``); it applies to ``tickets`` (or ``events`` for
            ServiceNow when both are given, and for the JSON presets with an event log; and
            ``surveys`` for the JSON presets, their satisfaction ratings). The other inputs are read in the canonical
            layout. Without it, a tickets file whose header or keys match one preset is read
            with it.
        period: ``"day"``, ``"week"`` (ISO), ``"month"``, ``"quarter"`` or ``"year"``.
        timezone: the IANA zone periods are cut in, and naive input times are read in.
        calendar: business hours; adds the ``*_bh_s`` business-time columns.
        by: a dimension to split rows by (``"channel"``, ``"priority"``, ``"team"``,
            ``"segment"``, any kept column), or a list of them: a row per combination, its
            ``dimension`` the values joined by ``" / "``, beside each period's total.
        where: keep the tickets whose field has one of the values:
            ``{"channel": ["email", "web"], "priority": "urgent"}`` (all must hold); surveys
            follow their ticket. An unknown field raises ``InvalidOptionError`` listing the
            known ones.
        sla: targets in seconds per priority: ``{"first_response": {"P1": 3600, "default":
            86400}, "resolution": {...}, "next_reply": {...}, "periodic_update": {...},
            "clock": "calendar", "pause": ["pending", "on_hold"]}`` (``"business"`` uses
            ``calendar``; ``pause``: statuses that stop the resolution clock of event logs).
        as_of: the aware instant SLAs and the backlog are judged at.
        range: ``(first, last)`` local dates: report exactly these periods.
        errors: ``"strict"`` or ``"lenient"`` (rejected records in ``Report.rejected``).
        mapping, timestamp_format, date_format, null_tokens, keep_extra_columns, currency: as
            for :func:`read_tickets`.
        options: further report options in the core's serde form (``quantiles``, ``csat``,
            ``nps``, ``ces``, ``cost_denominator``, ``fcr_denominator``, ``max_periods``:
            the most periods a report may have, default 10000; records spanning more, or a
            longer ``range``, raise ``InvalidOptionError`` naming the record; ``max_rows``:
            the most rows, a row per period and per (period, ``by`` value), default 500000;
            more raise ``InvalidOptionError`` with field ``by``, or ``period`` without one),
            ``status_time``,
            ``calendars``: a calendar per team, ``{"by": "team", "calendars": {"Billing":
            {"timezone": "Europe/Berlin", "hours": "Mon-Fri 09:00-17:00"}}}``).
        sections: the sections to compute, a list of ``"intervals"``, ``"arrivals"``
            (:attr:`Report.heatmap` and :attr:`Report.spike_days`), ``"backlog_ages"``,
            ``"revenue_retention"``, ``"cohorts"``, ``"drill_down"``; default all. The others
            are not computed (saving their time) and are empty (``backlog_ages`` and
            ``drill_down`` ``None``). An unknown name raises ``InvalidOptionError`` listing the
            valid ones. How many tickets each drill-down list keeps is
            ``options={"drill_down_top": K}`` (default 20, at most 1000).

    Raises:
        Error: bad input (the subclass names the record, field and value) or options.
    """
    return Report(
        _call(
            _native.report,
            dict(tickets=tickets, events=events, surveys=surveys, customers=customers, costs=costs),
            preset=preset,
            period=period,
            timezone=timezone,
            calendar=calendar,
            by=by,
            where=where,
            sla=sla,
            as_of=as_of,
            range=range,
            errors=errors,
            mapping=mapping,
            timestamp_format=timestamp_format,
            date_format=date_format,
            null_tokens=null_tokens,
            keep_extra_columns=keep_extra_columns,
            currency=currency,
            options=options,
            sections=sections,
        )
    )


def prepare(
    tickets: Optional[Source] = None,
    events: Optional[Source] = None,
    surveys: Optional[Source] = None,
    customers: Optional[Source] = None,
    costs: Optional[Source] = None,
    *,
    preset: Optional[str] = None,
    errors: str = "strict",
    timezone: Union[str, ZoneInfo] = "UTC",
    mapping: Optional[Mapping_] = None,
    timestamp_format: Optional[str] = None,
    date_format: Optional[str] = None,
    null_tokens: Optional[Iterable[str]] = None,
    keep_extra_columns: bool = False,
    currency: Optional[str] = None,
    options: Optional[Mapping[str, Any]] = None,
) -> Prepared:
    """Reads the inputs once, for any number of reports: :meth:`Prepared.report`.

    :func:`report` reads its inputs on every call; slicing the same data five ways (by
    channel, by team, another period, a filter...) reads it five times. ``prepare`` reads it
    as :func:`report` does (the same readers, rules and errors) into the core's tables and
    holds them; each :meth:`Prepared.report` only computes. For every input and option, with
    the report's ``timezone`` given to ``prepare`` (naive times are read in it),
    ``sk.prepare(**reads).report(**opts) == sk.report(**reads, **opts)``.

    >>> import supportkpi as sk, pyarrow as pa
    >>> tickets = pa.table({
    ...     "id": ["A", "B", "C"],
    ...     "created_at": ["2021-06-28T09:00:00Z", "2021-06-30T10:00:00Z", "2021-07-01T08:00:00Z"],
    ...     "channel": ["email", "web", "email"]})
    >>> prepared = sk.prepare(tickets=tickets)
    >>> prepared
    Prepared(read: tickets 3; rejected: 0; held as columns: tickets 3; timezone: UTC)
    >>> by_channel = prepared.report(by="channel")
    >>> [(r["period_start"].isoformat(), r["dimension"], r["tickets_created"])
    ...  for r in by_channel.rows if r["dimension"] != "web"]
    [('2021-06-01', None, 2), ('2021-06-01', 'email', 1), ('2021-07-01', None, 1), ('2021-07-01', 'email', 1)]
    >>> prepared.report(period="quarter") == sk.report(tickets=tickets, period="quarter")
    True

    Args:
        tickets, events, surveys, customers, costs, preset, errors, mapping, timestamp_format,
            date_format, null_tokens, keep_extra_columns, currency: as for :func:`report`.
        timezone: the IANA zone naive input times (text, or Arrow timestamps without a zone)
            are read in, as :func:`report` reads them in its zone; also the zone of the
            reports unless :meth:`Prepared.report` names another.
        options: the report options reading applies, which are fixed here: ``csat`` and
            ``ces`` (``{"csat": {"scale": {"min": 0, "max": 10}}}``): a score off its scale is
            a bad record of the read (the error in strict mode, a rejected record when
            lenient), as in :func:`report`. Every report uses them unless it gives its own
            ``csat`` or ``ces`` object, whole (its ``scale`` too, which must have the same
            range; a CSAT ``positive_from`` or a CES direction may differ). Rejected records
            are the read's and name the scales it read with. Any other option raises
            :class:`InvalidOptionError`: give it to :meth:`Prepared.report`.
            What the read keeps is fixed too: a report's ``by`` and ``where`` name the fields
            and the dimensions the read kept (``mapping``'s ``"dimension:NAME"``,
            ``keep_extra_columns``).

    Returns:
        :class:`Prepared`. It holds the data in memory, roughly the size of the data as the
        core stores it (~90 bytes a ticket in columns; more for event logs, held as records),
        until it is dropped; it keeps no reference to the frames or files it read.

    Raises:
        Error: as :func:`report` raises for its inputs (strict mode: the first bad record,
            the subclass naming the record, field, value and rule), here rather than at
            :meth:`Prepared.report`.
    """
    args = _read_args(
        mapping=mapping,
        preset=preset,
        errors=errors,
        timezone=timezone,
        timestamp_format=timestamp_format,
        date_format=date_format,
        null_tokens=null_tokens,
        keep_extra_columns=keep_extra_columns,
        currency=currency,
    )
    inputs = dict(tickets=tickets, events=events, surveys=surveys, customers=customers, costs=costs)
    opts = _options(by=None, sla=None, as_of=None, range=None, options=options)
    return Prepared(_native.prepare(_native_inputs(inputs), args, opts))


class Prepared:
    """Inputs read once by :func:`prepare`, held as the core's tables for any number of
    reports. Reports borrow the tables (the GIL released while they compute), so several may
    run at once on threads; the object is immutable and holds the data in memory until dropped.

    ``read`` and ``rejected`` are those of the read, as :attr:`Report.read` and
    :attr:`Report.rejected` (and every report computed here carries them).
    """

    __slots__ = ("_p",)

    def __init__(self, native: _native.Prepared) -> None:
        self._p = native

    @property
    def read(self) -> Dict[str, int]:
        """Records read per input (accepted + rejected)."""
        return _read_counts(self._p.read())

    @property
    def rejected(self) -> List[Rejected]:
        """Every record a lenient read rejected, with its input, line (or row) and error."""
        return _rejected(self._p.rejected())

    @property
    def timezone(self) -> str:
        """The zone naive input times were read in: the reports' zone by default."""
        return self._p.timezone

    @property
    def options(self) -> Dict[str, Any]:
        """The reading options :func:`prepare` was given (``csat``, ``ces``)."""
        opts: Dict[str, Any] = json.loads(self._p.options_json())
        return opts

    def report(
        self,
        *,
        period: str = "month",
        timezone: Union[str, ZoneInfo, None] = None,
        calendar: Optional[BusinessCalendar] = None,
        by: Union[str, Sequence[str], None] = None,
        where: Optional[Where] = None,
        sla: Optional[Mapping[str, Any]] = None,
        as_of: Optional[datetime] = None,
        range: Optional[Tuple[Union[date, str], Union[date, str]]] = None,
        options: Optional[Mapping[str, Any]] = None,
        sections: Optional[Sequence[str]] = None,
    ) -> Report:
        """The report on the prepared inputs: :func:`report`'s options, none of its reading
        ones (those were fixed by :func:`prepare`). The tables are not consumed: report again
        with other options at will.

        Args:
            timezone: the IANA zone periods are cut in; ``None``: :attr:`timezone`, the zone
                naive input times were read in. Another zone cuts the periods there, but naive
                input times stay as they were read (in :attr:`timezone`): for both in a new
                zone, prepare again with it.
            options: as for :func:`report`; ``csat`` and ``ces`` default to :func:`prepare`'s.
            period, calendar, by, where, sla, as_of, range, sections: as for :func:`report`.

        Raises:
            InvalidOptionError: ``options`` asks for a CSAT or CES scale other than the one
                the scores were read with (``field`` names the option); an unknown ``by`` or
                ``where`` field, a bad period, and any other option error as :func:`report`.
        """
        return Report(
            self._call(
                self._p.report,
                period=period,
                timezone=timezone,
                calendar=calendar,
                by=by,
                where=where,
                sla=sla,
                as_of=as_of,
                range=range,
                options=options,
                sections=sections,
            )
        )

    def ticket_metrics(
        self,
        *,
        period: str = "month",
        timezone: Union[str, ZoneInfo, None] = None,
        calendar: Optional[BusinessCalendar] = None,
        by: Union[str, Sequence[str], None] = None,
        where: Optional[Where] = None,
        sla: Optional[Mapping[str, Any]] = None,
        as_of: Optional[datetime] = None,
        range: Optional[Tuple[Union[date, str], Union[date, str]]] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> TicketMetrics:
        """The per-ticket table on the prepared inputs, as :func:`ticket_metrics` gives it
        from the same inputs and options: ``prepared.ticket_metrics(**opts)`` equals
        ``sk.ticket_metrics(**reads, **opts)``. The table is computed on records, so tickets
        and responses held as columns are copied into records for the call (the held tables
        are not changed).

        >>> import supportkpi as sk, pyarrow as pa
        >>> prepared = sk.prepare(tickets=pa.table({
        ...     "id": ["A", "B"],
        ...     "created_at": ["2021-06-28T09:00:00Z", "2021-06-28T10:00:00Z"],
        ...     "first_response_at": ["2021-06-28T09:10:00Z", None],
        ...     "channel": ["email", "web"]}))
        >>> [(r["ticket_id"], r["frt_s"]) for r in prepared.ticket_metrics().to_dicts()]
        [('A', 600), ('B', None)]
        >>> prepared.report(by="channel").rows[1]["frt_n"]
        1

        Args:
            timezone, options: as for :meth:`report`.
            period, calendar, by, where, sla, as_of, range: as for :func:`ticket_metrics`.

        Raises:
            Error: as :meth:`report`.
        """
        return TicketMetrics(
            self._call(
                self._p.ticket_metrics,
                period=period,
                timezone=timezone,
                calendar=calendar,
                by=by,
                where=where,
                sla=sla,
                as_of=as_of,
                range=range,
                options=options,
                sections=None,
            )
        )

    def _call(
        self,
        method: Callable[..., Any],
        *,
        period: str,
        timezone: Union[str, ZoneInfo, None],
        **opts: Any,
    ) -> Any:
        """``method`` of the native object with a call's report options."""
        options_json, cal = _report_options(period=period, **opts)
        zone = None if timezone is None else _zone_name(timezone)
        return method(options_json, period, zone, cal)

    def __repr__(self) -> str:
        def counts(pairs: Iterable[Tuple[str, int]]) -> str:
            return ", ".join(f"{k} {n:,}" for k, n in pairs if n) or "nothing"

        held = "as columns" if self._p.columnar else "as records"
        return (
            f"Prepared(read: {counts(self.read.items())}; rejected: {self._p.rejected_count():,}; "
            f"held {held}: {counts(self._p.held())}; timezone: {self.timezone})"
        )


def partial(
    tickets: Optional[Source] = None,
    events: Optional[Source] = None,
    surveys: Optional[Source] = None,
    customers: Optional[Source] = None,
    costs: Optional[Source] = None,
    *,
    preset: Optional[str] = None,
    period: str = "month",
    timezone: Union[str, ZoneInfo] = "UTC",
    calendar: Optional[BusinessCalendar] = None,
    by: Union[str, Sequence[str], None] = None,
    where: Optional[Where] = None,
    sla: Optional[Mapping[str, Any]] = None,
    as_of: Optional[datetime] = None,
    range: Optional[Tuple[Union[date, str], Union[date, str]]] = None,
    errors: str = "strict",
    mapping: Optional[Mapping_] = None,
    timestamp_format: Optional[str] = None,
    date_format: Optional[str] = None,
    null_tokens: Optional[Iterable[str]] = None,
    keep_extra_columns: bool = False,
    currency: Optional[str] = None,
    options: Optional[Mapping[str, Any]] = None,
    sections: Optional[Sequence[str]] = None,
    lookup_only: bool = False,
) -> bytes:
    """The report state of one partition, as bytes, for :func:`combine` and :func:`merge`.

    Takes the arguments of :func:`report`. Compute partitions anywhere (other processes,
    machines, a Spark or Dask job), collect the bytes and ``merge`` them (or ``combine`` them
    in a tree first): the result equals ``report`` over all the records, value for value.

    **Partitioning rule.** A ticket, its events and the survey responses that rate it must be
    in the same partition, and a ticket in one partition only. Bucket every record by
    :func:`bucket_of` of its ticket id (``bucket_of(ids, n)``; a response by the ticket id it
    rates, a response rating no ticket by anything, e.g. its own id): then a response always
    meets its ticket (else it would count under ``"(none)"``), and a duplicate ticket id
    always meets its twin, so the partition raises :class:`DuplicateIdError` as one process
    does. Customers and costs are small: give them to every partition with
    ``lookup_only=True`` (they only give tickets their segment for ``by="segment"``) and count
    them in exactly one state, e.g. ``partial(customers=..., costs=..., ...)`` alone.

    **The bytes** are a compact binary state (``SKRS``, an encoding version, a checksum):
    per period and dimension value, the counters of volume and backlog flow, the survey,
    first-contact and SLA counts, cost and retention state, and the duration summaries —
    every duration in exact quantile mode (a few bytes each), a sketch of bounded size with
    ``options={"quantiles": {"sketch": {"relative_accuracy": 0.01}}}``. Its size grows with
    periods × dimension values, not tickets. A state of another encoding version, truncated
    or damaged raises :class:`InvalidStateError`; states of different options raise
    :class:`IncompatibleMergeError` when combined.

    **Fields.** A field ``by`` or ``where`` names that this partition's tickets lack is not
    refused here, since another partition's may carry it (a sparse ``plan`` column, or the
    state of customers and costs alone, which has no tickets): each state notes the fields it
    saw, and :func:`merge` raises :class:`InvalidOptionError` for a name no state's records
    carried, as :func:`report` does over all of them.

    Args:
        lookup_only: customers and costs only give tickets their segment; they are not counted
            in this state.
    """
    out = _call(
        _native.partial,
        dict(tickets=tickets, events=events, surveys=surveys, customers=customers, costs=costs),
        preset=preset,
        period=period,
        timezone=timezone,
        calendar=calendar,
        by=by,
        where=where,
        sla=sla,
        as_of=as_of,
        range=range,
        errors=errors,
        mapping=mapping,
        timestamp_format=timestamp_format,
        date_format=date_format,
        null_tokens=null_tokens,
        keep_extra_columns=keep_extra_columns,
        currency=currency,
        options=options,
        sections=sections,
        lookup_only=lookup_only,
    )
    assert isinstance(out, bytes)
    return out


def _states(parts: Iterable[bytes], fn: str) -> List[bytes]:
    if isinstance(parts, (bytes, bytearray)):
        raise TypeError(f"{fn} takes an iterable of states (a list of bytes), not one bytes object")
    states = []
    for i, p in enumerate(parts):
        if not isinstance(p, (bytes, bytearray, memoryview)):
            raise TypeError(f"parts[{i}] must be bytes from partial(), not {type(p).__name__}")
        states.append(bytes(p))
    return states


def combine(parts: Iterable[bytes]) -> bytes:
    """Combines states from :func:`partial` (or earlier ``combine`` calls) into one state.

    Associative and commutative, so an engine may reduce states in any tree and order.

    Raises:
        IncompatibleMergeError: states made with different options.
        InvalidStateError: bytes that are not a state of this encoding version, or damaged.
        InvalidOptionError: no states at all.
    """
    out = _native.combine(_states(parts, "combine"))
    assert isinstance(out, bytes)
    return out


def merge(parts: Iterable[bytes]) -> Report:
    """Merges the states :func:`partial` made into the report over all their records.

    Raises:
        IncompatibleMergeError: states made with different options.
        InvalidStateError: bytes that are not a state of this encoding version, or damaged.
        InvalidOptionError: no states at all; a field ``by`` or ``where`` names that no
            state's records carried (the check :func:`report` makes over its input).
    """
    return Report(_native.merge(_states(parts, "merge")))


def bucket_of(ids: Any, buckets: int) -> List[int]:
    """The partition (bucket) of each ticket id among ``buckets``: the rule :func:`partial`
    relies on.

    ``ids`` is a list of strings or an Arrow array of strings (anything with
    ``__arrow_c_array__``, e.g. a ``pyarrow.Array``; a ``pyarrow.ChunkedArray`` is combined
    first). The hash is fixed and written out in the core (FNV-1a 64 of the id's UTF-8 bytes,
    MurmurHash3's 64-bit finalizer, then ``hash * buckets >> 64``): the same bucket on every
    platform, process and supportkpi version.

    Raises:
        MissingFieldError: a null id.
    """
    if not isinstance(buckets, int) or isinstance(buckets, bool) or not 1 <= buckets < 2**32:
        raise ValueError(f"buckets must be an int from 1 to 2**32 - 1, not {buckets!r}")
    if hasattr(ids, "combine_chunks") and not hasattr(ids, "__arrow_c_array__"):
        ids = ids.combine_chunks()
    if isinstance(ids, (str, bytes)):
        raise TypeError("bucket_of takes a list or an Arrow array of ids, not one id")
    if not hasattr(ids, "__arrow_c_array__"):
        ids = list(ids)
    out = _native.bucket_of(ids, buckets)
    assert isinstance(out, list)
    return out


_NUMERIC_COUNT = "int64"


def _utc(text: str) -> datetime:
    """An RFC 3339 instant of the core's JSON as an aware datetime (a fraction of a second
    beyond microseconds truncated: ``datetime`` holds microseconds)."""
    head, dot, frac = text.rstrip("Z").partition(".")
    micros = "." + frac[:6] if dot else ""
    return datetime.fromisoformat(head + micros + "+00:00")


class Report:
    """The report table: one row per period (the total) and, with ``by``, per dimension value.

    Columns are :attr:`columns` (snake_case, units in the name). An undefined value is
    ``None``, and ``report.undefined[i][column]`` says why. Immutable; ``==`` compares the
    options, rows and sections; pickles.

    Besides the rows the report carries its sections, computed by the core with the rows:
    :attr:`intervals` (the 95% intervals of each row's CSAT and NPS), :attr:`heatmap` and
    :attr:`spike_days` (when tickets arrive), :attr:`backlog_ages` (the open backlog by age),
    :attr:`revenue_retention` (GRR and NRR per period), :attr:`cohorts` (the cohort matrix) and
    :attr:`drill_down` (the tickets behind the numbers). A section :func:`report`'s
    ``sections`` leaves out is empty (``backlog_ages`` and ``drill_down`` are ``None``).
    """

    __slots__ = ("_r", "_rows", "_sections")

    #: The column names, in order.
    columns: Sequence[str] = tuple(_native.Report.columns)

    def __init__(self, native: _native.Report) -> None:
        self._r = native
        self._rows: Optional[List[Dict[str, Any]]] = None
        self._sections: Optional[Dict[str, Any]] = None

    def _section(self, name: str) -> Any:
        if self._sections is None:
            self._sections = json.loads(self._r.sections_json())
        return self._sections[name]

    @property
    def intervals(self) -> List[Dict[str, Any]]:
        """One dict per row, in the rows' order: ``period_start`` (a date), ``dimension``,
        ``csat_low_pct``, ``csat_high_pct`` (the Wilson 95% interval of ``csat_pct``),
        ``csat_n``, ``nps_low``, ``nps_high`` (the 95% interval of ``nps``), ``nps_n`` and
        ``undefined`` (why a bound is ``None``)."""
        out: List[Dict[str, Any]] = []
        for i in self._section("intervals"):
            row = dict(i)
            row["period_start"] = date.fromisoformat(i["period_start"])
            row["undefined"] = dict(i["undefined"])
            out.append(row)
        return out

    @property
    def heatmap(self) -> List[List[int]]:
        """Tickets created by weekday (``[0]`` = Monday) and hour of day in the report's zone."""
        return [list(row) for row in self._section("heatmap")]

    @property
    def spike_days(self) -> List[Dict[str, Any]]:
        """Days whose created count is a spike: ``date``, ``created``, ``median`` (of the
        trailing window) and ``z`` (the robust z-score)."""
        return [
            {**d, "date": date.fromisoformat(d["date"])} for d in self._section("spike_days")
        ]

    @property
    def backlog_ages(self) -> Optional[Dict[str, Any]]:
        """The open backlog by age since creation: ``at`` (an aware datetime), ``backlog`` and
        ``ages`` (``min_seconds``, ``max_seconds`` or ``None`` for the last, ``count``);
        ``None`` without tickets."""
        a = self._section("backlog_ages")
        if a is None:
            return None
        return {
            "at": datetime.fromisoformat(a["at"].replace("Z", "+00:00")),
            "backlog": a["backlog"],
            "ages": [dict(b) for b in a["ages"]],
        }

    @property
    def revenue_retention(self) -> List[Dict[str, Any]]:
        """Gross and net revenue retention per period (totals only), from the customers:
        ``period_start``, ``period_end`` (dates; the end is the day after), ``grr_pct``,
        ``nrr_pct`` (exact :class:`~decimal.Decimal` percentages), ``n`` (customers with
        revenue at the period start), ``churned`` (of those, at zero at the end),
        ``start_revenue``, ``end_revenue`` (exact ``Decimal`` sums), ``currency`` and
        ``undefined`` (why a value is ``None``). Empty without customers."""
        out: List[Dict[str, Any]] = []
        for r in self._section("revenue_retention"):
            row = dict(r)
            for k in ("period_start", "period_end"):
                row[k] = date.fromisoformat(r[k])
            for k in ("grr_pct", "nrr_pct", "start_revenue", "end_revenue"):
                row[k] = None if r[k] is None else Decimal(r[k])
            row["undefined"] = dict(r["undefined"])
            out.append(row)
        return out

    @property
    def cohorts(self) -> List[Dict[str, Any]]:
        """The cohort matrix (totals only): per acquisition period ``cohort_start`` (a date),
        ``size``, ``active`` (``active[k]``: still active at the end of the k-th period after
        it, ``[0]`` the acquisition period itself) and ``share_pct`` (100 × active / size).
        Empty without customers."""
        return [
            {
                "cohort_start": date.fromisoformat(c["cohort_start"]),
                "size": c["size"],
                "active": list(c["active"]),
                "share_pct": list(c["share_pct"]),
            }
            for c in self._section("cohorts")
        ]

    @property
    def drill_down(self) -> Optional[Dict[str, Any]]:
        """The tickets behind the numbers (totals only; docs/definitions.md, "Drill-down"), or
        ``None`` when not computed: ``top`` (K, the most tickets a list keeps), ``periods``
        (per report period ``period_start``, ``period_end`` (dates) and three lists:
        ``slowest_first_responses`` of the tickets created in it, ``slowest_resolutions`` of
        those resolved in it, ``sla_breaches`` of those created in it, earliest breach first),
        ``open_at`` (an aware datetime: the backlog snapshot, as :attr:`backlog_ages`) and
        ``oldest_open`` (the tickets open then, oldest first).

        A list is ``{"n": tickets it ranks, "tickets": [...]}``; ``tickets`` is a table (a
        list of dicts, ``pandas.DataFrame(list["tickets"])`` works) of its first K:
        ``ticket_id``, ``channel``, ``priority``, ``team``, ``created_at`` (an aware
        datetime), ``seconds`` (first response time, resolution time, creation to breach, or
        age), ``at`` (the first response, the resolution, the earliest breach, or open since)
        and ``targets`` (the SLA targets breached)."""
        d = self._section("drill_down")
        if d is None:
            return None

        def tickets(lst: Dict[str, Any]) -> Dict[str, Any]:
            return {
                "n": lst["n"],
                "tickets": [
                    {
                        **t,
                        "created_at": _utc(t["created_at"]),
                        "at": _utc(t["at"]),
                        "targets": list(t["targets"]),
                    }
                    for t in lst["tickets"]
                ],
            }

        return {
            "top": d["top"],
            "periods": [
                {
                    "period_start": date.fromisoformat(p["period_start"]),
                    "period_end": date.fromisoformat(p["period_end"]),
                    "slowest_first_responses": tickets(p["slowest_first_responses"]),
                    "slowest_resolutions": tickets(p["slowest_resolutions"]),
                    "sla_breaches": tickets(p["sla_breaches"]),
                }
                for p in d["periods"]
            ],
            "open_at": None if d["open_at"] is None else _utc(d["open_at"]),
            "oldest_open": tickets(d["oldest_open"]),
        }

    @property
    def rows(self) -> List[Dict[str, Any]]:
        """The rows as dicts keyed by :attr:`columns` (a new list each time)."""
        return [dict(r) for r in self._cached_rows()]

    def _cached_rows(self) -> List[Dict[str, Any]]:
        if self._rows is None:
            self._rows = self._r.rows()
        return self._rows

    def to_dicts(self) -> List[Dict[str, Any]]:
        """The rows as dicts keyed by :attr:`columns`; dates are ``datetime.date``, money
        ``decimal.Decimal``, undefined values ``None``."""
        return self.rows

    @property
    def undefined(self) -> List[Dict[str, str]]:
        """For each row, why each undefined (``None``) value is undefined, by column."""
        return self._r.undefined()

    def undefined_reasons(self, row: int) -> Dict[str, str]:
        """Why each undefined value of row ``row`` is undefined, by column."""
        return self._r.undefined()[row]

    @property
    def options(self) -> Dict[str, Any]:
        """The options the report was computed with, in the core's serde form."""
        opts: Dict[str, Any] = json.loads(self._r.options_json())
        return opts

    @property
    def rejected(self) -> List[Rejected]:
        """Every record a lenient read rejected, with its input, line (or row) and error."""
        return _rejected(self._r.rejected())

    @property
    def read(self) -> Dict[str, int]:
        """Records read per input (accepted + rejected)."""
        return _read_counts(self._r.read())

    def __len__(self) -> int:
        return len(self._r)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Report):
            return NotImplemented
        return self._r == other._r

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_unpickle, (self._r.state(),))

    def to_json(self) -> str:
        """The report as JSON (options, columns, rows with their undefined reasons, sections)."""
        return self._r.to_json()

    def to_csv(self) -> str:
        """The table as CSV; an undefined value is an empty field."""
        return self._r.to_csv()

    def to_arrow(self) -> Any:
        """The table as an Arrow stream (``__arrow_c_stream__``): ``pyarrow.table(r.to_arrow())``
        or ``polars.DataFrame(r.to_arrow())``. Dates are ``date32``, counts ``int64``,
        statistics nullable ``float64``, ``cost_per_ticket`` ``decimal128(38, 2)``."""
        return self._r.to_arrow()

    def to_pandas(self) -> pandas.DataFrame:
        """The table as a pandas DataFrame (``pip install pandas``).

        Periods are ``datetime64`` dates, counts ``int64``, statistics and
        ``cost_per_ticket`` nullable ``Float64`` (undefined is ``<NA>``, never NaN or 0).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Report.to_pandas needs pandas: pip install pandas") from None
        rows = self._cached_rows()
        data: Dict[str, Any] = {}
        for col in self.columns:
            values = [r[col] for r in rows]
            kind = _column_kind(col)
            if kind == "date":
                data[col] = pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
            elif kind == "text":
                data[col] = pd.Series(values, dtype=object)
            elif kind == "count":
                data[col] = pd.Series(values, dtype=_NUMERIC_COUNT)
            else:
                floats = [None if v is None else float(v) for v in values]
                data[col] = pd.Series(floats, dtype="Float64")
        return pd.DataFrame(data, columns=list(self.columns))

    def plot(self) -> Figure:
        """The main trends over time (total rows): tickets created and resolved, backlog, first
        response and resolution p50/p90 in hours, CSAT and NPS. Returns a matplotlib Figure.

        Raises:
            ImportError: matplotlib is not installed (``pip install matplotlib``).
        """
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise ImportError(
                "Report.plot needs matplotlib: pip install matplotlib"
            ) from None
        totals = [r for r in self._cached_rows() if r["dimension"] is None]
        x = [r["period_start"] for r in totals]
        fig = Figure(figsize=(11, 7), layout="constrained")
        (a, b), (c, d) = fig.subplots(2, 2, sharex=True)

        def series(col: str, scale: float = 1.0) -> List[float]:
            return [float("nan") if r[col] is None else r[col] / scale for r in totals]

        a.plot(x, series("tickets_created"), marker="o", label="created")
        a.plot(x, series("tickets_resolved"), marker="o", label="resolved")
        a.set_title("Tickets per period")
        a.legend()
        b.plot(x, series("backlog_end"), marker="o", color="tab:red")
        b.set_title("Backlog at period end")
        for col, label in (
            ("frt_median_s", "first response p50"),
            ("frt_p90_s", "first response p90"),
            ("resolution_median_s", "resolution p50"),
            ("resolution_p90_s", "resolution p90"),
        ):
            c.plot(x, series(col, 3600.0), marker=".", label=label)
        c.set_title("Hours")
        c.legend(fontsize="small")
        d.plot(x, series("csat_pct"), marker="o", label="CSAT %")
        d.plot(x, series("nps"), marker="o", label="NPS")
        d.axhline(0, color="grey", linewidth=0.5)
        d.set_title("Satisfaction")
        d.legend()
        for ax in (c, d):
            ax.tick_params(axis="x", labelrotation=30)
        return fig

    def __repr__(self) -> str:
        totals = [r for r in self._cached_rows() if r["dimension"] is None]
        opts = self.options
        span = f", {totals[0]['period_start']}..{totals[-1]['period_start']}" if totals else ""
        by = f", by={opts.get('by')!r}" if opts.get("by") else ""
        return f"Report({opts.get('period')}, {len(self)} rows{span}{by})"

    def _repr_html_(self) -> str:
        rows = self._cached_rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = []
        for r in rows[:_HTML_ROWS]:
            cells = "".join(f"<td>{_html_cell(r[c])}</td>" for c in self.columns)
            body.append(f"<tr>{cells}</tr>")
        more = len(rows) - _HTML_ROWS
        tail = f"<p>… {more} more rows</p>" if more > 0 else ""
        return (
            f"<div><p>{html.escape(repr(self))}</p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>{tail}</div>"
        )


def _rejected(native: List[Tuple[str, int, Any]]) -> List[Rejected]:
    return [Rejected(s, line, e) for s, line, e in native]


def _read_counts(native: List[Tuple[str, int]]) -> Dict[str, int]:
    out: Dict[str, int] = {}
    for source, n in native:
        out[source] = out.get(source, 0) + n
    return out


def _html_cell(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    return html.escape(str(v))


# Each column's type (date, text, count, float or money), from the core's one list of columns.
_COLUMN_KINDS: Dict[str, str] = {name: kind for name, kind, _, _ in _native.Report.column_info}


def _column_kind(col: str) -> str:
    return _COLUMN_KINDS[col]


def _unpickle(state: bytes) -> Report:
    return Report(_native.Report.from_state(state))



class TicketMetrics:
    """One row per ticket: every per-ticket fact the report aggregates (see
    :func:`ticket_metrics`). ``len(t)`` is the number of tickets; ``t.columns`` their names."""

    def __init__(self, native: _native.TicketMetrics) -> None:
        self._t = native
        self.columns: Sequence[str] = tuple(native.columns())
        # Each column's kind (instant, int, flag, text), from the core's column types.
        self._kinds: Dict[str, str] = dict(native.column_kinds())

    def __len__(self) -> int:
        return len(self._t)

    def __repr__(self) -> str:
        return f"<supportkpi.TicketMetrics: {len(self)} tickets, {len(self.columns)} columns>"

    def to_dicts(self) -> List[Dict[str, Any]]:
        """The rows as dicts keyed by the columns: instants as aware UTC datetimes, seconds
        and counts as ints, flags as bools, missing values ``None``."""
        rows: List[Dict[str, Any]] = json.loads(self._t.to_json())["rows"]
        instants = [c for c, k in self._kinds.items() if k == "instant"]
        for row in rows:
            for col in instants:
                v = row.get(col)
                if isinstance(v, str):
                    row[col] = datetime.fromisoformat(v.replace("Z", "+00:00"))
        return rows

    def to_json(self) -> str:
        """``{"columns": [...], "rows": [{column: value}]}``, instants in RFC 3339 UTC."""
        return self._t.to_json()

    def to_csv(self) -> str:
        """CSV with a header; an empty field for a missing value."""
        return self._t.to_csv()

    def to_arrow(self) -> Any:
        """The table as an Arrow stream (``__arrow_c_stream__``): instants
        ``timestamp[us, UTC]``, seconds and counts ``int64``, flags ``bool``, the rest text."""
        return self._t.to_arrow()

    def to_polars(self) -> Any:
        """The table as a polars DataFrame (``pip install polars``)."""
        try:
            import polars as pl  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise ImportError("TicketMetrics.to_polars needs polars: pip install polars") from None
        return pl.DataFrame(self._t.to_arrow())

    def to_pandas(self) -> pandas.DataFrame:
        """The table as a pandas DataFrame (``pip install pandas``): instants
        ``datetime64[ns, UTC]``, seconds and counts nullable ``Int64``, flags nullable
        ``boolean``, text ``object``."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("TicketMetrics.to_pandas needs pandas: pip install pandas") from None
        rows = json.loads(self._t.to_json())["rows"]
        data: Dict[str, Any] = {}
        for col in self.columns:
            values = [r[col] for r in rows]
            kind = self._kinds[col]
            if kind == "instant":
                data[col] = pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[ns, UTC]")
            elif kind == "int":
                data[col] = pd.Series(values, dtype="Int64")
            elif kind == "flag":
                data[col] = pd.Series(values, dtype="boolean")
            else:
                data[col] = pd.Series(values, dtype=object)
        return pd.DataFrame(data, columns=list(self.columns))


def ticket_metrics(
    tickets: Optional[Source] = None,
    events: Optional[Source] = None,
    surveys: Optional[Source] = None,
    customers: Optional[Source] = None,
    costs: Optional[Source] = None,
    *,
    preset: Optional[str] = None,
    period: str = "month",
    timezone: Union[str, ZoneInfo] = "UTC",
    calendar: Optional[BusinessCalendar] = None,
    by: Union[str, Sequence[str], None] = None,
    where: Optional[Where] = None,
    sla: Optional[Mapping[str, Any]] = None,
    as_of: Optional[datetime] = None,
    range: Optional[Tuple[Union[date, str], Union[date, str]]] = None,
    errors: str = "strict",
    mapping: Optional[Mapping_] = None,
    timestamp_format: Optional[str] = None,
    date_format: Optional[str] = None,
    null_tokens: Optional[Iterable[str]] = None,
    keep_extra_columns: bool = False,
    currency: Optional[str] = None,
    options: Optional[Mapping[str, Any]] = None,
) -> TicketMetrics:
    """The tickets behind the report: one row per ticket with the facts :func:`report`
    aggregates, from the same inputs and options (``where`` keeps the matching tickets).

    Columns: ``ticket_id``; the dimensions (``channel``, ``priority``, ``team``, ``assignee``,
    ``first_responder``, ``solver``, ``status``, ``customer_id``, ``segment``, then each
    free-form one, under its name or, when that is one of this table's columns (a kept
    ``frt_s`` or ``ticket_id`` column), under ``<name>_dimension``, so that no two columns
    share a name; ``first_responder`` and ``solver`` come from event logs whose events name
    their ``agent``, and are ``None`` for summary rows); ``created_at``,
    ``first_response_at``, ``first_resolved_at``, ``resolved_at``; ``frt_s``, ``frt_bh_s``,
    ``resolution_s``, ``resolution_bh_s``; ``agent_replies``, ``reopens``, ``resolutions``,
    ``first_contact_resolved``; ``sla_first_response_status`` / ``sla_resolution_status``
    (``met``, ``breached``, ``running``) with their ``*_breached_at``; ``open_at_end``,
    ``open_since``, ``age_s`` at the report's end; the latest ``csat_score``, ``nps_score``,
    ``ces_score`` and ``survey_responses``; ``merged_into``.

    >>> import supportkpi as sk, pyarrow as pa
    >>> t = sk.ticket_metrics(tickets=pa.table({
    ...     "id": ["A", "B"],
    ...     "created_at": ["2021-06-28T09:00:00Z", "2021-06-28T10:00:00Z"],
    ...     "first_response_at": ["2021-06-28T09:10:00Z", None],
    ...     "channel": ["email", "web"]}), where={"channel": "email"})
    >>> [(r["ticket_id"], r["frt_s"]) for r in t.to_dicts()]
    [('A', 600)]

    Raises:
        Error: as :func:`report`.
    """
    return TicketMetrics(
        _call(
            _native.ticket_metrics,
            dict(tickets=tickets, events=events, surveys=surveys, customers=customers, costs=costs),
            preset=preset,
            period=period,
            timezone=timezone,
            calendar=calendar,
            by=by,
            where=where,
            sla=sla,
            as_of=as_of,
            range=range,
            errors=errors,
            mapping=mapping,
            timestamp_format=timestamp_format,
            date_format=date_format,
            null_tokens=null_tokens,
            keep_extra_columns=keep_extra_columns,
            currency=currency,
            options=options,
        )
    )
