"""Tables of tickets and responses are read column by column, straight into the core's columnar
tables: the same records, rejects and errors as writing the table as JSON Lines and reading that
(the path every other table takes), and the same report as from CSV.

The JSON Lines path stays reachable through the private ``arrow_via_text`` read option, so every
test here reads each table both ways and compares everything: records, rejected rows (line,
error kind, field, value, message), records read, strict-mode errors, and reports.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk
from supportkpi import _native
from supportkpi._report import _read_args

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
PRESETS = ROOT / "tests" / "data"
UTC = timezone.utc


def read_args(**kw: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = dict(
        mapping=None,
        preset=None,
        errors="strict",
        timezone="UTC",
        timestamp_format=None,
        date_format=None,
        null_tokens=None,
        keep_extra_columns=False,
        currency=None,
    )
    base.update(kw)
    return _read_args(**base)


def describe(e: BaseException) -> Tuple[Any, ...]:
    return (
        type(e).__name__,
        str(e),
        getattr(e, "line", None),
        getattr(e, "field", None),
        getattr(e, "value", None),
        getattr(e, "record_id", None),
    )


def outcome(kind: str, table: Any, options: Dict[str, Any]) -> Tuple[Any, ...]:
    try:
        r = _native.read_table(kind, table, options)
    except (sk.Error, TypeError) as e:
        return ("error", describe(e))
    records = [r.record(i) for i in range(len(r))]
    rejected = [(line, describe(err)) for line, err in r.rejected()]
    return ("ok", r.kind, r.read, records, rejected)


def same_read(kind: str, table: Any, **kw: Any) -> Tuple[Any, ...]:
    """Reads `table` both ways; they must agree in everything. Returns the outcome."""
    options = read_args(**kw)
    columnar = outcome(kind, table, options)
    text = outcome(kind, table, {**options, "arrow_via_text": True})
    assert columnar == text
    return columnar


def report_outcome(
    inputs: List[Tuple[str, Any]], options: Dict[str, Any], by: Optional[str]
) -> Tuple[Any, ...]:
    opts = "{}" if by is None else f'{{"by": "{by}"}}'
    try:
        r = _native.report(inputs, options, opts, "month", options["timezone"])
    except (sk.Error, TypeError) as e:
        return ("error", describe(e))
    rejected = [(source, line, describe(err)) for source, line, err in r.rejected()]
    return ("ok", r.to_csv(), r.undefined(), rejected, r.read())


def same_report(
    tickets: Any = None, surveys: Any = None, by: Optional[str] = None, **kw: Any
) -> Tuple[Any, ...]:
    options = read_args(**kw)
    inputs = [(slot, t) for slot, t in (("tickets", tickets), ("surveys", surveys)) if t is not None]
    columnar = report_outcome(inputs, options, by)
    text = report_outcome(inputs, {**options, "arrow_via_text": True}, by)
    assert columnar == text
    return columnar


# ---- every supported dtype ------------------------------------------------------------------

T0 = datetime(2021, 3, 27, 22, 0, tzinfo=UTC)

# Tickets with something to say in every column: padded and null-token text, nulls, a status
# through the canonical map's synonyms, an unmapped status, a negative duration, a duplicate
# id, a missing creation.
TICKETS: List[Dict[str, Any]] = [
    dict(id="T-1", customer_id="C-1", created_at=T0, first_response_at=T0 + timedelta(minutes=5),
         resolved_at=T0 + timedelta(hours=5), status="Solved", channel="email", priority="P1",
         team=" tier1 ", assignee="ann", agent_replies=2, reopens=0),
    dict(id=" T-2 ", customer_id=None, created_at=T0 + timedelta(hours=1), first_response_at=None,
         resolved_at=None, status="on-hold", channel="?", priority=None, team="NULL",
         assignee="", agent_replies=None, reopens=1),
    dict(id="T-3", customer_id="C-1", created_at=T0 + timedelta(hours=2),
         first_response_at=T0 + timedelta(hours=1), resolved_at=None, status="open",
         channel="chat", priority="P2", team="tier2", assignee="bo", agent_replies=0, reopens=0),
    dict(id="T-4", customer_id="C-2", created_at=T0 + timedelta(hours=3), first_response_at=None,
         resolved_at=T0 + timedelta(days=40), status="parked", channel="chat", priority="P2",
         team="tier2", assignee="bo", agent_replies=3, reopens=2),
    dict(id="T-1", customer_id="C-3", created_at=T0 + timedelta(hours=4), first_response_at=None,
         resolved_at=None, status=None, channel="phone", priority=None, team=None,
         assignee=None, agent_replies=1, reopens=0),
    dict(id="T-5", customer_id="C-3", created_at=None, first_response_at=None, resolved_at=None,
         status="new", channel="phone", priority="P3", team=None, assignee=None,
         agent_replies=None, reopens=None),
    dict(id="T-6", customer_id="C-4", created_at=T0 + timedelta(days=3, seconds=1, microseconds=7),
         first_response_at=T0 + timedelta(days=3, minutes=1), resolved_at=T0 + timedelta(days=4),
         status="closed", channel="email", priority="P1", team="tier1", assignee="ann",
         agent_replies=4, reopens=0),
]
TEXT_COLUMNS = ["id", "customer_id", "status", "channel", "priority", "team", "assignee"]
TIME_COLUMNS = ["created_at", "first_response_at", "resolved_at"]

STRING_TYPES = {
    "utf8": pa.string(),
    "large_utf8": pa.large_string(),
    "utf8_view": pa.string_view(),
    "dictionary": pa.dictionary(pa.int32(), pa.string()),
    "categorical": pa.dictionary(pa.uint32(), pa.string_view()),
}


def tickets_table(
    string_type: pa.DataType, unit: str, tz: Optional[str], int_type: pa.DataType = pa.int64()
) -> pa.Table:
    cols: Dict[str, pa.Array] = {}
    for c in TEXT_COLUMNS:
        values = [t[c] for t in TICKETS]
        if pa.types.is_dictionary(string_type):
            cols[c] = pa.array(values, pa.string()).dictionary_encode().cast(string_type)
        else:
            cols[c] = pa.array(values, string_type)
    for c in TIME_COLUMNS:
        values = [t[c] for t in TICKETS]
        if tz is None:
            # Naive: the wall-clock time in the read's zone (Berlin: 2021-03-28 02:30 does
            # not exist there).
            values = [None if v is None else v.replace(tzinfo=None) for v in values]
        arr = pa.array(values, pa.timestamp("us", tz="UTC" if tz is not None else None))
        cols[c] = arr.cast(pa.timestamp(unit, tz=tz), safe=False)
    for c in ("agent_replies", "reopens"):
        cols[c] = pa.array([t[c] for t in TICKETS], int_type)
    return pa.table(cols)


@pytest.mark.parametrize("string_type", list(STRING_TYPES))
@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", [None, "UTC", "Europe/Berlin"])
@pytest.mark.parametrize("errors", ["strict", "lenient"])
def test_every_string_and_timestamp_type(string_type: str, unit: str, tz: Optional[str], errors: str) -> None:
    table = tickets_table(STRING_TYPES[string_type], unit, tz)
    got = same_read("tickets", table, errors=errors, timezone="Europe/Berlin")
    if errors == "strict":
        assert got[0] == "error"
        # The first bad row is T-3, answered before it was created.
        assert got[1][0] == "NegativeDurationError" and got[1][2:4] == (3, "first_response_at")
    else:
        assert got[0] == "ok"
        rejected = [(line, err[0], err[3]) for line, err in got[4]]
        assert rejected == [
            (3, "NegativeDurationError", "first_response_at"),
            (4, "UnmappedStatusError", "status"),
            (5, "DuplicateIdError", "id"),
            (6, "MissingFieldError", "created_at"),
        ]
        assert got[2] == len(TICKETS) and len(got[3]) == len(TICKETS) - 4
        first = got[3][0]
        # A naive 22:00 is Berlin's wall clock (CET): 21:00 UTC.
        assert first["team"] == "tier1"
        assert first["created_at"] == (T0 if tz else T0 - timedelta(hours=1))
    same_report(table, errors="lenient", timezone="Europe/Berlin", by="channel")


@pytest.mark.parametrize(
    "int_type", [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint32(), pa.uint64(), pa.float64()]
)
def test_every_int_type(int_type: pa.DataType) -> None:
    table = tickets_table(pa.string(), "us", "UTC", int_type)
    got = same_read("tickets", table, errors="lenient")
    assert [r["agent_replies"] for r in got[3]] == [2, None, 4]


def test_negative_counts_and_fractions_are_rejected_alike() -> None:
    table = pa.table(
        {
            "id": ["A", "B", "C", "D", "E"],
            "created_at": [T0] * 5,
            "agent_replies": pa.array([1.0, 2.5, -1.0, math.nan, 1e20]),
            "reopens": pa.array([0, -3, 2**40, None, 1], pa.int64()),
        }
    )
    got = same_read("tickets", table, errors="lenient")
    assert [(line, e[0], e[3], e[4]) for line, e in got[4]] == [
        (2, "InvalidValueError", "agent_replies", "2.5"),
        (3, "InvalidValueError", "agent_replies", "-1"),
        (5, "InvalidValueError", "agent_replies", "1e+20"),
    ]


def test_null_tokens_that_look_like_numbers_or_timestamps() -> None:
    # With such tokens a number's or timestamp's own text decides: the slow path.
    table = tickets_table(pa.string(), "us", "UTC")
    for tokens in (["0"], ["2021-03-27T22:00:00Z"], ["true", "-"], []):
        same_read("tickets", table, errors="lenient", null_tokens=tokens)


def test_polars_frames_with_categoricals_and_every_datetime_unit() -> None:
    base = pl.from_arrow(tickets_table(pa.string(), "us", "UTC"))
    assert isinstance(base, pl.DataFrame)
    for unit in ("ms", "us", "ns"):
        for tz in (None, "UTC", "America/New_York"):
            def time(c: str) -> pl.Expr:
                e = pl.col(c).dt.cast_time_unit(unit)
                return e.dt.replace_time_zone(None) if tz is None else e.dt.convert_time_zone(tz)

            frame = base.with_columns(
                [time(c) for c in TIME_COLUMNS]
                + [pl.col(c).cast(pl.Categorical) for c in ("channel", "priority", "team", "status")]
            )
            got = same_read("tickets", frame, errors="lenient", timezone="America/New_York")
            assert got[2] == len(TICKETS)
            same_report(frame, errors="lenient", timezone="America/New_York", by="priority")


def test_pandas_frames() -> None:
    df = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "created_at": pd.to_datetime(["2021-06-01 08:00", "2021-06-02 09:30", None]),
            "resolved_at": pd.to_datetime(["2021-06-01 10:00", None, None]).tz_localize("UTC"),
            "agent_replies": [1.0, math.nan, 3.0],
            "channel": pd.Categorical(["chat", None, "email"]),
        }
    )
    got = same_read("tickets", df, errors="lenient", timezone="Europe/Berlin")
    assert got[2] == 3 and len(got[3]) == 2


# ---- mappings, extra columns, presets ---------------------------------------------------------


def test_mapping_renames_ignores_and_dimensions() -> None:
    t = pa.table(
        {
            "Ticket ID": ["A", "B", "C"],
            "Opened": [T0, T0, T0 - timedelta(days=1)],
            "created_at": ["junk", "junk", "junk"],
            "Closed": [T0 + timedelta(hours=1), T0 - timedelta(hours=1), None],
            "Plan": pa.array(["pro", None, " free "]).dictionary_encode(),
            "Seats": pa.array([3, None, 5], pa.int32()),
            "Paid": [True, False, None],
            "Since": pa.array([date(2020, 1, 1), None, date(2021, 2, 3)], pa.date32()),
            "Renewal": pa.array([T0, None, T0], pa.timestamp("ms", tz="UTC")),
            "Price": pa.array([Decimal("1.50"), None, Decimal("2")], pa.decimal128(10, 2)),
            "x": ["1", "2", "3"],
        }
    )
    mapping = {"Ticket ID": "id", "Opened": "created_at", "Closed": "resolved_at", "Plan": "dimension:plan", "x": None}
    for keep in (False, True):
        got = same_read("tickets", t, mapping=mapping, keep_extra_columns=keep, errors="lenient")
        assert [(line, e[0], e[3]) for line, e in got[4]] == [(2, "NegativeDurationError", "Closed")]
        if keep:
            assert got[3][0]["dimensions"] == {
                "plan": "pro", "Seats": "3", "Paid": "true", "Since": "2020-01-01",
                "Renewal": "2021-03-27T22:00:00Z", "Price": "1.50",
            }
        same_report(t, mapping=mapping, keep_extra_columns=keep, errors="lenient", by="plan")
    with pytest.raises(sk.InvalidOptionError):
        sk.read_tickets(t, mapping={"Ticket ID": "no_such_field"})


def test_a_later_column_of_the_same_name_wins() -> None:
    t = pa.Table.from_arrays(
        [pa.array(["A", "B"]), pa.array([T0, T0]), pa.array(["C", "D"])],
        names=["id", "created_at", "id"],
    )
    got = same_read("tickets", t)
    assert [r["id"] for r in got[3]] == ["C", "D"]


@pytest.mark.parametrize("preset", ["zendesk", "freshdesk"])
def test_preset_exports_as_tables(preset: str) -> None:
    path = PRESETS / f"{preset}_tickets.csv"
    for frame in (pl.read_csv(path), pl.read_csv(path, try_parse_dates=True), pd.read_csv(path)):
        for keep in (False, True):
            got = same_read("tickets", frame, preset=preset, keep_extra_columns=keep, errors="lenient", timezone="Europe/Berlin")
            assert got[0] == "ok" and got[3]
            same_report(frame, preset=preset, keep_extra_columns=keep, errors="lenient", timezone="Europe/Berlin", by="team")
    assert sk.report(tickets=pl.read_csv(path), preset=preset) == sk.report(tickets=path, preset=preset)


def test_zendesk_minutes_and_requester() -> None:
    t = pa.table(
        {
            "Id": pa.array([101, 102, 103, 104]),
            "Requester": ["ann@x", "bo@x", None, "cy@x"],
            "Created at": ["2021-06-01 09:00:00"] * 4,
            "Solved at": [None, "2021-06-01 12:00:00", None, None],
            "Status": ["Solved", "solved", "Open", "hold"],
            "First reply time in minutes": pa.array([45.5, -3.0, None, 10.0]),
            "First resolution time in minutes": pa.array([60, 200, None, None], pa.int64()),
            "Full resolution time in minutes": pa.array(["90", None, "x", None]),
        }
    )
    got = same_read("tickets", t, preset="zendesk", errors="lenient", keep_extra_columns=True)
    assert [(line, e[0], e[3]) for line, e in got[4]] == [
        (2, "NegativeDurationError", "First reply time in minutes"),
        (3, "InvalidValueError", "Full resolution time in minutes"),
    ]
    assert got[3][0]["customer_id"] == "ann@x" and got[3][0]["dimensions"] == {"Requester": "ann@x"}


# ---- surveys --------------------------------------------------------------------------------


def test_surveys_of_every_shape() -> None:
    base: Dict[str, List[Any]] = {
        "id": ["S-1", "S-2", " S-3 ", "S-4", "S-2", "S-6", "S-7", "S-8"],
        "ticket_id": ["T-1", None, "T-3", "?", "T-5", "T-6", "T-7", "T-8"],
        "customer_id": ["C-1", "C-2", None, "C-4", "C-5", "C-6", "C-7", "C-8"],
        "responded_at": [T0 + timedelta(hours=i) for i in range(8)],
        "kind": ["csat", "NPS", "c-sat", "nps", "ces", "Nps", "csat", None],
        "score": [5, 9, 4, 11, 3, 10, None, 4],
    }
    for kind_type in ("utf8", "utf8_view", "categorical"):
        for score_type in (pa.int64(), pa.int8(), pa.float64(), pa.string()):
            for unit in ("s", "ns"):
                t = pa.table(base)
                t = t.set_column(4, "kind", t.column("kind").cast(STRING_TYPES[kind_type]))
                t = t.set_column(5, "score", pa.array(base["score"], pa.int64()).cast(score_type))
                t = t.set_column(3, "responded_at", t.column("responded_at").cast(pa.timestamp(unit, tz="UTC")))
                got = same_read("surveys", t, errors="lenient")
                assert [(line, e[0], e[3]) for line, e in got[4]] == [
                    (3, "InvalidValueError", "kind"),
                    (4, "ScoreOutOfScaleError", "score"),
                    (5, "DuplicateIdError", "id"),
                    (7, "MissingFieldError", "score"),
                    (8, "MissingFieldError", "kind"),
                ]
                same_report(surveys=t, errors="lenient")
    with pytest.raises(sk.ScoreOutOfScaleError) as e:
        sk.read_surveys(pa.table({k: [v[0], v[1], v[3]] for k, v in base.items()}))
    assert (e.value.line, e.value.field, e.value.value) == (3, "score", "11")


# ---- strict errors, rows across batches, odd tables -------------------------------------------


def test_strict_errors_name_the_row_and_the_field() -> None:
    batches = [
        pa.record_batch({"id": ["A", "B"], "created_at": [T0, T0]}),
        pa.record_batch({"id": ["C", "B"], "created_at": [T0, T0]}),
    ]
    t = pa.Table.from_batches(batches)
    assert t.to_batches()[1].num_rows == 2
    got = same_read("tickets", t)
    assert got[0] == "error" and got[1][0] == "DuplicateIdError" and got[1][2:5] == (4, "id", "B")
    assert "table:4" in got[1][1] and "first on line 2" in got[1][1]
    bad = pa.table({"id": ["T-1", "T-2"], "created_at": ["2021-06-01T08:00:00Z", "yesterday"]})
    with pytest.raises(sk.InvalidTimestampError) as e:
        sk.read_tickets(bad)
    assert (e.value.line, e.value.field, e.value.value, e.value.record_id) == (2, "created_at", "yesterday", "T-2")
    same_read("tickets", bad)


def test_empty_tables_and_missing_columns() -> None:
    empty = pa.table({"id": pa.array([], pa.string())})
    assert same_read("tickets", empty) == ("ok", "tickets", 0, [], [])
    same_read("tickets", pa.table({"id": ["A"]}))
    same_read("tickets", pa.table({"id": ["A"]}), preset="zendesk")
    same_read("surveys", pa.table({"id": ["A"]}), preset="zendesk")
    same_read("tickets", pa.table({"id": ["A"], "created_at": [T0], "x": [[1, 2]]}))
    same_read("tickets", pa.table({"id": ["A"], "created_at": [T0]}, schema=pa.schema([("id", pa.string()), ("created_at", pa.timestamp("s"))])))


def test_a_frame_read_with_the_wrong_preset_is_refused_naming_its_columns() -> None:
    canonical = pl.DataFrame({"id": ["A"], "created_at": [T0], "first_response_at": [T0 + timedelta(hours=1)]})
    got = same_read("tickets", canonical.to_arrow(), preset="zendesk")
    assert got[0] == "error"
    kind, message, line, field, _, _ = got[1]
    assert kind == "MissingFieldError"
    assert "the zendesk preset reads its export's columns, and the input has no Created at:" in message
    assert field == "Created at"
    assert line is None
    with pytest.raises(sk.MissingFieldError):
        sk.report(tickets=canonical, preset="zendesk")
    # The export's own columns (any case) are what the preset reads.
    zendesk = pl.DataFrame({"ID": [5], "Created At": ["2021-06-01 10:00:00"], "First reply time in minutes": [30]})
    assert sk.report(tickets=zendesk, preset="zendesk", period="day").rows[0]["frt_median_s"] == 1800


def test_a_servicenow_frame_without_its_columns_is_refused_before_any_row() -> None:
    log = pl.DataFrame({"number": ["INC1", "INC1"], "incident_state": ["New", "Resolved"], "opened_at": ["01-06-2021 08:00"] * 2})
    for errors in ("strict", "lenient"):
        with pytest.raises(sk.MissingFieldError) as e:
            sk.report(tickets=log, preset="servicenow", errors=errors)
        assert "the table has no column for the required field sys_updated_at" in str(e.value)
    log = log.with_columns(sys_updated_at=pl.Series(["01-06-2021 08:00", "01-06-2021 10:00"]))
    assert sk.report(tickets=log, preset="servicenow", period="day").rows[0]["tickets_resolved"] == 1


def test_inexact_patterns_and_dates_fail_the_table_alike() -> None:
    t = pa.table({"id": ["A", "B"], "created_at": [T0, T0 + timedelta(seconds=30)], "note": ["x", "y"]})
    got = same_read("tickets", t, timestamp_format="%Y-%m-%d %H:%M", errors="lenient")
    assert got[0] == "error" and got[1][0] == "InvalidTimestampError" and got[1][3] == "created_at"
    # An unused column's values are written too, and fail the same way.
    d = pa.table({"id": ["A"], "created_at": ["2021-06-01T08:00:00Z"], "when": pa.array([date(2021, 6, 1)], pa.date32())})
    got = same_read("tickets", d, date_format="%d", errors="lenient")
    assert got[0] == "error" and got[1][3] == "when"
    far = pa.table({"id": ["A"], "created_at": pa.array([2**62], pa.timestamp("s"))})
    assert same_read("tickets", far)[0] == "error"


def test_instants_outside_the_columnar_range_read_as_text() -> None:
    # 2300 is past the columns' 2262: the table takes the JSON Lines path, and the report rows.
    t = pa.table(
        {
            "id": ["A", "B"],
            "created_at": pa.array([datetime(2021, 6, 1, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        }
    )
    got = same_read("tickets", t)
    assert got[0] == "ok" and got[2] == 2
    same_report(t)
    s = pa.table({"id": ["S"], "responded_at": ["2300-01-01T00:00:00Z"], "kind": ["nps"], "score": [9]})
    same_report(tickets=t.slice(0, 1), surveys=s)


def test_large_tables_read_in_stretches_alike() -> None:
    # Over 64k rows a table is read in stretches on every core: the same records, rejects and
    # first error as one read in row order, with duplicates within and across stretches.
    n = 80_000
    rng = random.Random(3)
    ids = [f"T-{i}" for i in range(n)]
    created = [T0 + timedelta(minutes=i) for i in range(n)]
    resolved: List[Optional[datetime]] = [
        c + timedelta(hours=rng.randint(1, 90)) if rng.random() < 0.8 else None for c in created
    ]
    status = [rng.choice(["open", "solved", "closed", "pending", "Solved"]) for _ in range(n)]
    ids[60_000] = ids[5]
    resolved[45_000] = created[45_000] - timedelta(hours=1)
    status[30_000] = "parked"
    channel = [rng.choice(["chat", "email", None]) for _ in range(n)]

    def tickets(keep: List[int]) -> pa.Table:
        table = pa.table(
            {
                "id": pa.array([ids[i] for i in keep], pa.string_view()),
                "created_at": pa.array([created[i] for i in keep], pa.timestamp("us", tz="UTC")),
                "resolved_at": pa.array([resolved[i] for i in keep], pa.timestamp("us", tz="UTC")),
                "status": pa.array([status[i] for i in keep]).dictionary_encode(),
                "channel": [channel[i] for i in keep],
            }
        )
        return pa.Table.from_batches(table.to_batches(max_chunksize=25_000))

    table = tickets(list(range(n)))
    got = same_read("tickets", table, errors="lenient")
    assert [(line, e[0]) for line, e in got[4]] == [
        (30_001, "UnmappedStatusError"),
        (45_001, "NegativeDurationError"),
        (60_001, "DuplicateIdError"),
    ]
    got = same_read("tickets", table)
    assert got[1][0] == "UnmappedStatusError" and got[1][2] == 30_001
    # The first error in the second stretch.
    got = same_read("tickets", tickets([i for i in range(n) if i != 30_000]))
    assert got[1][0] == "NegativeDurationError" and got[1][2] == 45_000
    same_report(table, errors="lenient", by="channel")
    # Without a repeated id the stretches' hashes settle it: no second read.
    unique = tickets([i for i in range(n) if i != 60_000])
    assert same_read("tickets", unique, errors="lenient")[2] == n - 1
    surveys = pa.table(
        {
            "id": [f"S-{i}" for i in range(n)],
            "responded_at": pa.array(created, pa.timestamp("ms", tz="UTC")),
            "kind": ["nps"] * n,
            "score": [11 if i == 70_000 else i % 11 for i in range(n)],
        }
    )
    got = same_read("surveys", surveys, errors="lenient")
    assert [(line, e[0]) for line, e in got[4]] == [(70_001, "ScoreOutOfScaleError")]
    same_report(table, surveys, errors="lenient")


# ---- reports ----------------------------------------------------------------------------------


def test_the_sample_report_from_frames_equals_the_csv_report() -> None:
    csv = sk.report(tickets=DATA / "tickets.csv", surveys=DATA / "surveys.csv", customers=DATA / "customers.csv", by="channel")
    for read in (pl.read_csv, lambda p: pl.read_csv(p, try_parse_dates=True)):
        tickets, surveys = read(DATA / "tickets.csv"), read(DATA / "surveys.csv")
        got = sk.report(tickets=tickets, surveys=surveys, customers=DATA / "customers.csv", by="channel")
        assert got == csv and got.to_csv() == csv.to_csv()
        same_report(tickets, surveys, by="channel")
        # Records read from the frames, and a partition's state, give the same report.
        assert sk.report(tickets=sk.read_tickets(tickets), surveys=sk.read_surveys(surveys), customers=DATA / "customers.csv", by="channel") == csv
        assert sk.merge([sk.partial(tickets=tickets, surveys=surveys, customers=DATA / "customers.csv", by="channel")]) == csv


def test_frames_mixed_with_files_records_and_event_logs() -> None:
    tickets = pl.read_csv(DATA / "tickets.csv", try_parse_dates=True)
    want = sk.report(tickets=DATA / "tickets.csv", surveys=DATA / "surveys.csv", costs=DATA / "costs.csv")
    assert sk.report(tickets=tickets, surveys=DATA / "surveys.csv", costs=DATA / "costs.csv") == want
    assert sk.report(tickets=tickets, surveys=sk.read_surveys(DATA / "surveys.csv"), costs=DATA / "costs.csv") == want
    # With an event log the report reads rows (the responses read column by column first).
    events, surveys = pl.read_csv(DATA / "events.csv"), pl.read_csv(DATA / "surveys.csv")
    assert sk.report(events=events, surveys=surveys) == sk.report(events=DATA / "events.csv", surveys=DATA / "surveys.csv")


# ---- random tables ----------------------------------------------------------------------------

CELLS: List[Optional[str]] = [
    None, "", " ", "?", "NULL", "n/a", "x", "T-1", " T-1 ", "T-2", "-1", "0", "5", "11", "9.5", "1e3",
    "true", "2021-06-01T08:00:00Z", "2021-06-01 10:00", "2021-06-01", "01/06/2021 08:00", "yesterday",
    "open", "Solved", "on-hold", "nps", "NPS", "c sat", "csat", "ces", "45", "é", "2021-03-28 02:30",
]
TICKET_COLUMNS = [
    "id", "customer_id", "created_at", "first_response_at", "first_resolved_at", "resolved_at",
    "status", "channel", "priority", "team", "assignee", "agent_replies", "reopens", "extra",
    "Id", "Requester", "Created at", "Solved at", "First reply time in minutes", "Ticket ID",
    "Company Name", "Created time", "Resolved time", "Closed time",
]
SURVEY_COLUMNS = ["id", "ticket_id", "customer_id", "responded_at", "kind", "score", "extra"]


def random_column(rng: random.Random, n: int) -> pa.Array:
    kind = rng.choice(["str", "str", "str", "int", "float", "bool", "time", "time", "date", "null", "dict", "view"])
    if kind in ("str", "dict", "view"):
        arr = pa.array([rng.choice(CELLS) for _ in range(n)], pa.string())
        if kind == "dict":
            return arr.dictionary_encode()
        return arr.cast(pa.string_view()) if kind == "view" else arr
    if kind == "int":
        typ = rng.choice([pa.int64(), pa.int32(), pa.uint64()])
        ints: List[Optional[int]] = [None, 0, 1, 5, 11, 45] + ([] if typ == pa.int32() else [2**40])
        ints += [2**63 + 5] if typ == pa.uint64() else [-5]
        return pa.array([rng.choice(ints) for _ in range(n)], typ)
    if kind == "float":
        return pa.array([rng.choice([None, 0.0, 5.0, 9.5, math.nan, math.inf, -1.0, 1e20]) for _ in range(n)], pa.float64())
    if kind == "bool":
        return pa.array([rng.choice([None, True, False]) for _ in range(n)], pa.bool_())
    if kind == "date":
        return pa.array([rng.choice([None, date(2021, 6, 1), date(2021, 3, 28)]) for _ in range(n)], pa.date32())
    if kind == "null":
        return pa.nulls(n)
    unit = rng.choice(["s", "ms", "us", "ns"])
    tz = rng.choice([None, "UTC", "Europe/Berlin"])
    times: List[Optional[datetime]] = [
        None, datetime(2021, 6, 1, 8), datetime(2021, 3, 28, 2, 30), datetime(2021, 10, 31, 2, 30),
        datetime(2021, 6, 1, 8, 0, 30, 5), datetime(2021, 5, 31, 23, 59),
    ]
    if unit != "ns":
        times.append(datetime(2300, 1, 1))
    values = [rng.choice(times) for _ in range(n)]
    return pa.array(values, pa.timestamp("us")).cast(pa.timestamp(unit), safe=False).cast(pa.timestamp(unit, tz=tz))


def random_options(rng: random.Random, columns: List[str], kind: str) -> Dict[str, Any]:
    mapping: Dict[str, Optional[str]] = {}
    if "extra" in columns and rng.random() < 0.3:
        mapping["extra"] = rng.choice(["dimension:plan", None, "channel" if kind == "tickets" else "ticket_id"])
    if "customer_id" in columns and rng.random() < 0.2:
        mapping["customer_id"] = "id"
    return dict(
        errors=rng.choice(["strict", "lenient", "lenient"]),
        timezone=rng.choice(["UTC", "Europe/Berlin"]),
        null_tokens=rng.choice([None, None, ["", "n/a"], ["0", "?"], ["-1", "2021-06-01T08:00:00Z"]]),
        keep_extra_columns=rng.random() < 0.4,
        timestamp_format=rng.choice([None, None, None, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]),
        mapping=mapping or None,
        preset=rng.choice([None, None, "zendesk", "freshdesk"]) if kind == "tickets" else None,
    )


@pytest.mark.parametrize("seed", range(8))
def test_random_tables_read_alike(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        kind = rng.choice(["tickets", "surveys"])
        pool = TICKET_COLUMNS if kind == "tickets" else SURVEY_COLUMNS
        columns = rng.sample(pool, rng.randint(1, min(len(pool), 9)))
        if rng.random() < 0.7:
            columns = list(dict.fromkeys(["id"] + columns))
        n = rng.randint(0, 7)
        table = pa.table({c: random_column(rng, n) for c in columns})
        if n > 2 and rng.random() < 0.3:
            table = pa.Table.from_batches(table.to_batches(max_chunksize=2))
        options = random_options(rng, columns, kind)
        same_read(kind, table, **options)
        same_report(**{kind: table}, **options)
