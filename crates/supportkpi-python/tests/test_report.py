"""Readers, report, partial/merge and the Report outputs, over every input kind."""

from __future__ import annotations

import json
import pickle
import sys
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List

import pandas as pd  # type: ignore[import-untyped,unused-ignore]
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
SERVICENOW = ROOT / "tests" / "data" / "servicenow_incident_events.csv"
UTC = timezone.utc

# One loader per input kind: the file as a path, or read into a table by each library.
KINDS: Dict[str, Callable[[Path], Any]] = {
    "path": lambda p: p,
    "str": lambda p: str(p),
    "pyarrow": lambda p: pacsv.read_csv(p),
    "polars": lambda p: pl.read_csv(p),
    "pandas": lambda p: pd.read_csv(p),
    "records-pyarrow": lambda p: p,  # replaced per input below
}
TABLES = ["path", "str", "pyarrow", "polars", "pandas"]


def load(kind: str, path: Path) -> Any:
    return KINDS[kind](path)


@pytest.fixture(scope="module")
def sample_report() -> sk.Report:
    return sk.report(
        tickets=DATA / "tickets.csv",
        surveys=DATA / "surveys.csv",
        customers=DATA / "customers.csv",
        costs=DATA / "costs.csv",
        by="channel",
    )


@pytest.mark.parametrize("kind", TABLES)
def test_every_input_kind_gives_the_csv_report_on_the_sample(kind: str, sample_report: sk.Report) -> None:
    r = sk.report(
        tickets=load(kind, DATA / "tickets.csv"),
        surveys=load(kind, DATA / "surveys.csv"),
        customers=load(kind, DATA / "customers.csv"),
        costs=load(kind, DATA / "costs.csv"),
        by="channel",
    )
    assert r == sample_report
    assert r.to_csv() == sample_report.to_csv()


@pytest.mark.parametrize("kind", TABLES)
def test_records_from_each_kind_give_the_same_report(kind: str, sample_report: sk.Report) -> None:
    r = sk.report(
        tickets=sk.read_tickets(load(kind, DATA / "tickets.csv")),
        surveys=sk.read_surveys(load(kind, DATA / "surveys.csv")),
        customers=sk.read_customers(load(kind, DATA / "customers.csv")),
        costs=sk.read_costs(load(kind, DATA / "costs.csv")),
        by="channel",
    )
    assert r == sample_report


@pytest.mark.parametrize("kind", TABLES)
def test_event_logs_from_each_kind(kind: str) -> None:
    want = sk.report(events=DATA / "events.csv", period="week")
    got = sk.report(events=load(kind, DATA / "events.csv"), period="week")
    assert got == want
    assert sum(r["tickets_created"] for r in got.rows) == len({e["ticket_id"] for e in sk.read_events(DATA / "events.csv")})


def servicenow_totals(r: sk.Report) -> List[Dict[str, Any]]:
    return [row for row in r.rows if row["dimension"] is None]


@pytest.fixture(scope="module")
def servicenow_daily() -> sk.Report:
    return sk.report(tickets=SERVICENOW, preset="servicenow", period="day")


def test_servicenow_daily_figures_equal_the_rust_tests(servicenow_daily: sk.Report) -> None:
    totals = servicenow_totals(servicenow_daily)
    assert sum(r["tickets_created"] for r in totals) == 890
    assert sum(r["tickets_resolved"] for r in totals) == 901
    assert sum(r["tickets_reopened"] for r in totals) == 11
    assert sum(r["resolution_n"] for r in totals) == 890
    assert totals[0]["backlog_end"] == 162
    assert totals[-1]["backlog_end"] == 0


def test_servicenow_yearly_mean_resolution() -> None:
    r = sk.report(tickets=SERVICENOW, preset="servicenow", period="year")
    totals = servicenow_totals(r)
    n = sum(row["resolution_n"] for row in totals)
    total_s = sum(row["resolution_mean_s"] * row["resolution_n"] for row in totals)
    assert n == 890
    assert total_s == pytest.approx(972_456_300, rel=1e-12)
    assert total_s / n == pytest.approx(1_092_647.528_089_887_7, rel=1e-12)


@pytest.mark.parametrize("kind", ["pyarrow", "polars", "pandas"])
def test_servicenow_tables_give_the_csv_report(kind: str, servicenow_daily: sk.Report) -> None:
    table = load(kind, SERVICENOW)
    assert sk.report(tickets=table, preset="servicenow", period="day") == servicenow_daily
    assert sk.report(events=table, preset="servicenow", period="day") == servicenow_daily
    records = sk.read_tickets(table, preset="servicenow")
    assert (len(records), records.read, records.kind) == (890, records.read, "tickets")
    assert sk.report(tickets=records, period="day") == servicenow_daily


def test_servicenow_arrow_timestamps_are_written_in_the_preset_format(servicenow_daily: sk.Report) -> None:
    # A user who parsed the dates: naive datetimes at minute precision, read in the zone.
    df = pl.read_csv(SERVICENOW).with_columns(
        pl.col(c).str.strptime(pl.Datetime, "%d-%m-%Y %H:%M", strict=False)
        for c in ("opened_at", "sys_updated_at")
    )
    assert df.schema["opened_at"] == pl.Datetime
    assert sk.report(tickets=df, preset="servicenow", period="day") == servicenow_daily


# ---- the worked checks of docs/definitions.md, through the report ---------------------------


def surveys_table(kind: str, scores: List[int]) -> pa.Table:
    return pa.table(
        {
            "id": [f"S-{i}" for i in range(len(scores))],
            "responded_at": [datetime(2021, 6, 1, 8, tzinfo=UTC)] * len(scores),
            "kind": [kind] * len(scores),
            "score": scores,
        }
    )


def test_nps_worked_checks() -> None:
    r = sk.report(surveys=surveys_table("nps", list(range(1, 11))))
    assert r.rows[0]["nps"] == sk.nps(range(1, 11)).score == -40.0
    ten = [10, 10, 10] + [7] * 5 + [3, 3]
    r = sk.report(surveys=surveys_table("nps", ten))
    assert r.rows[0]["nps"] == pytest.approx(10.0)
    assert r.rows[0]["nps_n"] == 10


def test_csat_equals_the_survey_kpi() -> None:
    scores = [5, 4, 3, 2, 1, 5, 5]
    r = sk.report(surveys=surveys_table("csat", scores))
    assert r.rows[0]["csat_pct"] == sk.csat(scores).score
    assert r.rows[0]["csat_n"] == 7


def test_business_time_columns_use_the_calendar() -> None:
    # docs/definitions.md's reference case: Mon 06:00 -> Thu 20:00 on Mon-Fri 10-18 is 115,200 s.
    t = pa.table(
        {
            "id": ["A"],
            "created_at": [datetime(2021, 6, 28, 6, tzinfo=UTC)],
            "resolved_at": [datetime(2021, 7, 1, 20, tzinfo=UTC)],
        }
    )
    cal = sk.BusinessCalendar(timezone="UTC", hours="Mon-Fri 10:00-18:00")
    r = sk.report(tickets=t, calendar=cal, period="year")
    assert r.rows[0]["resolution_mean_bh_s"] == 115_200.0
    assert r.rows[0]["resolution_mean_s"] == (3 * 86400 + 14 * 3600)


def test_sla_and_as_of() -> None:
    t = pa.table(
        {
            "id": ["A", "B"],
            "created_at": [datetime(2021, 6, 28, 9, tzinfo=UTC)] * 2,
            "first_response_at": [datetime(2021, 6, 28, 9, 30, tzinfo=UTC), datetime(2021, 6, 28, 12, tzinfo=UTC)],
            "priority": ["P1", "P1"],
        }
    )
    r = sk.report(tickets=t, sla={"first_response": {"P1": 3600}}, as_of=datetime(2021, 7, 1, tzinfo=UTC))
    assert r.rows[0]["sla_first_response_pct"] == 50.0
    with pytest.raises(sk.InvalidTimestampError, match="tzinfo"):
        sk.report(tickets=t, as_of=datetime(2021, 7, 1))


def test_sla_by_target_and_pause() -> None:
    t = pa.table(
        {
            "id": ["A", "B"],
            "created_at": [datetime(2021, 6, 28, 9, tzinfo=UTC)] * 2,
            "first_response_at": [datetime(2021, 6, 28, 9, 30, tzinfo=UTC), datetime(2021, 6, 28, 12, tzinfo=UTC)],
            "priority": ["P1", "P1"],
        }
    )
    sla = {"first_response": {"P1": 3600}, "next_reply": {"default": 7200}, "pause": ["pending"]}
    row = sk.report(tickets=t, sla=sla).rows[0]
    assert (row["sla_first_response_pct"], row["sla_first_response_n"]) == (50.0, 2)
    # Summary rows have no next-reply waits: no target decided, never 0 %.
    assert (row["sla_next_reply_pct"], row["sla_next_reply_n"]) == (None, 0)
    with pytest.raises(TypeError, match="pause"):
        sk.report(tickets=t, sla={"pause": "pending"})


# ---- Arrow timestamps ---------------------------------------------------------------------


def test_naive_arrow_timestamps_are_read_in_the_timezone() -> None:
    naive = pa.table({"id": ["A"], "created_at": pa.array([datetime(2021, 6, 1, 10)], pa.timestamp("us"))})
    aware = pa.table({"id": ["A"], "created_at": pa.array([datetime(2021, 6, 1, 8, tzinfo=UTC)], pa.timestamp("ns", tz="Europe/Berlin"))})
    a = sk.read_tickets(naive, timezone="Europe/Berlin")[0]
    b = sk.read_tickets(aware)[0]
    assert a["created_at"] == b["created_at"] == datetime(2021, 6, 1, 8, tzinfo=UTC)
    assert a["created_at"].tzinfo is not None


def test_an_inexact_pattern_for_arrow_timestamps_is_an_error() -> None:
    t = pa.table({"id": ["A"], "created_at": [datetime(2021, 6, 1, 8, 0, 30, tzinfo=UTC)]})
    with pytest.raises(sk.InvalidTimestampError) as e:
        sk.read_tickets(t, timestamp_format="%Y-%m-%d %H:%M")
    assert e.value.field == "created_at"


def test_int_float_and_categorical_columns() -> None:
    df = pd.DataFrame(
        {
            "id": ["S-1", "S-2", "S-3"],
            "responded_at": ["2021-06-01T08:00:00Z"] * 3,
            "kind": pd.Categorical(["nps", "nps", "csat"]),
            "score": [9.0, 3.0, float("nan")],
        }
    )
    out = sk.read_surveys(df, errors="lenient")
    assert [r["score"] for r in out] == [9, 3]
    (rej,) = out.rejected
    assert (rej.line, type(rej.error), rej.error.field) == (3, sk.MissingFieldError, "score")


# ---- errors and lenient reads --------------------------------------------------------------


BAD_TICKETS = (
    "id,created_at,resolved_at\n"
    "T-1,2021-06-01T08:00:00Z,2021-06-01T09:00:00Z\n"
    "T-2,2021-06-01T08:00:00Z,2021-06-01T07:00:00Z\n"
    "T-3,yesterday,\n"
    "T-1,2021-06-02T08:00:00Z,\n"
)


def test_a_bad_timestamp_in_a_csv(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("id,created_at\nT-1,2021-06-01T08:00:00Z\nT-2,yesterday\n")
    with pytest.raises(sk.InvalidTimestampError) as e:
        sk.read_tickets(p)
    err = e.value
    assert (err.line, err.field, err.value, err.record, err.record_id) == (3, "created_at", "yesterday", "ticket", "T-2")
    assert str(p) in str(err)
    with pytest.raises(sk.InvalidTimestampError):
        sk.report(tickets=p)


def test_bad_table_rows_name_their_row() -> None:
    t = pa.table({"id": ["T-1", "T-2"], "created_at": ["2021-06-01T08:00:00Z", "yesterday"]})
    with pytest.raises(sk.InvalidTimestampError) as e:
        sk.read_tickets(t)
    assert (e.value.line, e.value.field, e.value.value) == (2, "created_at", "yesterday")
    assert "table:2" in str(e.value)


@pytest.mark.parametrize("kind", ["path", "pyarrow", "pandas"])
def test_lenient_reads_return_every_reject(kind: str, tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text(BAD_TICKETS)
    out = sk.read_tickets(load(kind, p), errors="lenient")
    assert len(out) + len(out.rejected) == out.read == 4
    kinds = [type(r.error) for r in out.rejected]
    assert kinds == [sk.NegativeDurationError, sk.InvalidTimestampError, sk.DuplicateIdError]
    assert [r.line for r in out.rejected] == ([3, 4, 5] if kind == "path" else [2, 3, 4])
    with pytest.raises(sk.NegativeDurationError) as e:
        sk.read_tickets(load(kind, p))
    assert e.value.field == "resolved_at"
    r = sk.report(tickets=load(kind, p), errors="lenient")
    assert len(r.rejected) == 3 and r.read == {"tickets": 4}
    assert r.rows[0]["tickets_created"] == 1


# T-2 is never created and T-3's row has no instant: the reader rejects T-3's row (line 5 of
# the file), and T-2's history cannot be derived, so each of its two events is set aside.
BAD_EVENTS = (
    "ticket_id,at,kind,author,public,to,into\n"
    "T-1,2021-06-01T08:00:00Z,created,,,,\n"
    "T-2,2021-06-01T08:00:00Z,reply,agent,true,,\n"
    "T-2,2021-06-01T09:00:00Z,status_change,,,solved,\n"
    "T-3,yesterday,created,,,,\n"
    "T-1,2021-06-01T09:00:00Z,reply,agent,true,,\n"
)


@pytest.mark.parametrize("kind", ["path", "records", "pyarrow", "polars", "pandas"])
def test_event_logs_set_aside_each_event_of_a_ticket_they_cannot_derive(kind: str, tmp_path: Path) -> None:
    p = tmp_path / "events.csv"
    p.write_text(BAD_EVENTS)
    events = sk.read_events(p, errors="lenient") if kind == "records" else load(kind, p)
    r = sk.report(events=events, errors="lenient", period="day")
    # A file's lines count its header; a table's rows do not.
    first = 2 if kind in ("path", "records") else 1
    assert [x.line for x in r.rejected] == [first + 1, first + 2, first + 3]
    assert [type(x.error) for x in r.rejected] == [sk.MissingFieldError, sk.MissingFieldError, sk.InvalidTimestampError]
    assert r.read == {"events": 5}
    assert sum(row["tickets_created"] for row in r.rows) == 1
    with pytest.raises(sk.InvalidTimestampError if kind != "records" else sk.MissingFieldError) as e:
        sk.report(events=sk.read_events(p, errors="lenient") if kind == "records" else load(kind, p), period="day")
    assert e.value.line == first + (1 if kind == "records" else 3)


def test_other_error_kinds(tmp_path: Path) -> None:
    with pytest.raises(sk.ScoreOutOfScaleError) as e:
        sk.report(surveys=surveys_table("nps", [11]))
    assert e.value.value == "11"
    with pytest.raises(sk.MissingFieldError) as m:
        sk.read_tickets(pa.table({"id": ["A"]}))
    assert m.value.field == "created_at"
    with pytest.raises(sk.IoError):
        sk.read_tickets(tmp_path / "missing.csv")
    with pytest.raises(sk.UnknownTimeZoneError):
        sk.report(tickets=DATA / "tickets.csv", timezone="Mars/Olympus")
    with pytest.raises(sk.InvalidOptionError):
        sk.report(tickets=DATA / "tickets.csv", period="fortnight")
    with pytest.raises(sk.InvalidOptionError):
        sk.read_tickets(DATA / "tickets.csv", preset="nosuchdesk")
    with pytest.raises(sk.InvalidOptionError):
        sk.report(tickets=sk.read_surveys(DATA / "surveys.csv"))
    with pytest.raises(sk.InvalidOptionError):
        sk.report(tickets=DATA / "tickets.csv", options={"no_such_option": 1})
    with pytest.raises(TypeError):
        sk.report(tickets=42)


def test_mapping_and_extra_columns() -> None:
    t = pa.table({"Ticket ID": ["A", "B"], "Opened": ["2021-06-01T08:00:00Z"] * 2, "Plan": ["pro", None], "x": ["1", "2"]})
    out = sk.read_tickets(t, mapping={"Ticket ID": "id", "Opened": "created_at", "Plan": "dimension:plan", "x": None})
    assert [r["dimensions"] for r in out] == [{"plan": "pro"}, {}]
    r = sk.report(tickets=t, by="plan", mapping={"Ticket ID": "id", "Opened": "created_at", "Plan": "dimension:plan"})
    assert [row["dimension"] for row in r.rows] == [None, "pro", "(none)"]


# ---- partial / merge -----------------------------------------------------------------------


def test_three_partitions_merge_to_the_one_shot_report() -> None:
    tickets = pacsv.read_csv(DATA / "tickets.csv")
    surveys = pacsv.read_csv(DATA / "surveys.csv")
    ids = tickets.column("id").to_pylist()
    parts = []
    for k in range(3):
        mine = set(ids[k::3])
        t = tickets.filter(pa.array([i in mine for i in ids]))
        s = surveys.filter(pa.array([i in mine for i in surveys.column("ticket_id").to_pylist()]))
        parts.append(sk.partial(tickets=t, surveys=s, by="channel", costs=DATA / "costs.csv" if k == 0 else None))
    whole = sk.report(tickets=tickets, surveys=surveys, by="channel", costs=DATA / "costs.csv")
    assert sk.merge(parts) == whole
    assert sk.merge(reversed(parts)) == whole
    assert sk.merge([sk.combine(parts[:2]), parts[2]]) == whole
    assert parts[0][:4] == b"SKRS"


def test_a_field_one_partition_lacks_is_checked_once_merged() -> None:
    """A ``plan`` column only the second partition's frame has: the first partition's state and
    the customers' state (no tickets) are made; the merge takes the filter, as the one-shot
    report, and refuses a name no partition carried."""
    tickets = pacsv.read_csv(DATA / "tickets.csv")
    first, second = tickets.slice(0, 60), tickets.slice(60)
    plans = ["pro" if i % 4 == 0 else "free" for i in range(second.num_rows)]
    second = second.append_column("plan", pa.array(plans))
    opts: Dict[str, Any] = dict(keep_extra_columns=True, where={"plan": "pro"}, by=["plan", "channel"])
    parts = [
        sk.partial(tickets=first, **opts),
        sk.partial(tickets=second, **opts),
        sk.partial(customers=DATA / "customers.csv", **opts),
    ]
    whole = pa.concat_tables([first.append_column("plan", pa.nulls(60, pa.string())), second])
    merged = sk.merge(parts)
    assert merged == sk.report(tickets=whole, customers=DATA / "customers.csv", **opts)
    # Every fourth ticket of the second partition, by hand: 15 of its 60.
    totals = [r for r in merged.to_dicts() if r["dimension"] is None]
    assert sum(r["tickets_created"] for r in totals) == 15
    assert {r["dimension"].split(" / ")[0] for r in merged.to_dicts() if r["dimension"]} == {"pro"}
    for bad in (dict(where={"plna": "pro"}), dict(by="plna")):
        states = [sk.partial(tickets=t, keep_extra_columns=True, **bad) for t in (first, second)]
        with pytest.raises(sk.InvalidOptionError, match="plna"):
            sk.merge(states)


def test_merge_errors() -> None:
    a = sk.partial(tickets=DATA / "tickets.csv")
    b = sk.partial(tickets=DATA / "tickets.csv", period="week")
    for fn in (sk.merge, sk.combine):
        with pytest.raises(sk.IncompatibleMergeError):
            fn([a, b])
        # Truncated at every byte, another encoding version, a flipped byte.
        for n in range(len(a)):
            with pytest.raises(sk.InvalidStateError):
                fn([a[:n]])
        other_version = a[:4] + bytes([9, 0]) + a[6:]
        with pytest.raises(sk.InvalidStateError, match="version 9"):
            fn([other_version])
        flipped = bytearray(a)
        flipped[len(a) // 2] ^= 0xFF
        with pytest.raises(sk.InvalidStateError, match="parts\\[1\\]"):
            fn([a, bytes(flipped)])
        with pytest.raises(sk.InvalidOptionError):
            fn([])
        with pytest.raises(TypeError):
            fn(a)  # type: ignore[arg-type]


def test_bucketed_partitions_keep_surveys_with_their_tickets() -> None:
    """Partitions cut by bucket_of: a response meets its ticket (no "(none)" row appears), and
    customers given to every partition as lookups count once."""
    tickets = pacsv.read_csv(DATA / "tickets.csv")
    surveys = pacsv.read_csv(DATA / "surveys.csv")
    customers = pacsv.read_csv(DATA / "customers.csv")
    whole = sk.report(tickets=tickets, surveys=surveys, customers=customers, costs=DATA / "costs.csv", by="segment")
    for n in (1, 3, 8, 16):
        tb = sk.bucket_of(tickets.column("id"), n)
        sb = sk.bucket_of(surveys.column("ticket_id").to_pylist(), n)
        parts = [sk.partial(customers=customers, costs=DATA / "costs.csv", by="segment")]
        for k in range(n):
            parts.append(
                sk.partial(
                    tickets=tickets.filter(pa.array([b == k for b in tb])),
                    surveys=surveys.filter(pa.array([b == k for b in sb])),
                    customers=customers,
                    costs=DATA / "costs.csv",
                    by="segment",
                    lookup_only=True,
                )
            )
        assert sk.merge(parts) == whole, n
        assert sk.merge([sk.combine(parts[::2]), sk.combine(parts[1::2])]) == whole


def test_bucketed_event_logs_merge_to_the_report() -> None:
    """Event logs (reopens, every resolution) bucketed by ticket id, with the responses: the
    states merge to the one-process report."""
    events = pacsv.read_csv(DATA / "events.csv")
    surveys = pacsv.read_csv(DATA / "surveys.csv")
    whole = sk.report(events=events, surveys=surveys, period="week")
    assert sum(r["tickets_reopened"] for r in whole.to_dicts()) > 0
    for n in (1, 3, 8):
        eb = sk.bucket_of(events.column("ticket_id"), n)
        sb = sk.bucket_of(surveys.column("ticket_id").to_pylist(), n)
        parts = [
            sk.partial(
                events=events.filter(pa.array([b == k for b in eb])),
                surveys=surveys.filter(pa.array([b == k for b in sb])),
                period="week",
            )
            for k in range(n)
        ]
        assert sk.merge(parts) == whole, n


def test_a_duplicate_id_meets_its_twin_in_one_bucket() -> None:
    tickets = pacsv.read_csv(DATA / "tickets.csv")
    twin = tickets.slice(5, 1)
    # The same ticket in two input partitions: both copies land in the twin's bucket.
    rows = pa.concat_tables([tickets, twin])
    buckets = sk.bucket_of(rows.column("id"), 4)
    home = buckets[5]
    assert buckets[-1] == home
    mine = rows.filter(pa.array([b == home for b in buckets]))
    with pytest.raises(sk.DuplicateIdError):
        sk.partial(tickets=mine)


def test_bucket_of_is_stable() -> None:
    # Fixed values: the rule is the same on every platform and in every version.
    assert sk.bucket_of(["T-1", "T-2", "", "ticket \u00e9"], 16) == [15, 11, 14, 14]
    assert sk.bucket_of(pa.array(["T-1", "T-2"]), 16) == sk.bucket_of(["T-1", "T-2"], 16)
    assert sk.bucket_of(pa.array(["T-1"], pa.large_string()), 16) == sk.bucket_of(["T-1"], 16)
    assert sk.bucket_of(pa.chunked_array([["T-1"], ["T-2"]]), 16) == sk.bucket_of(["T-1", "T-2"], 16)
    assert sk.bucket_of(["T-1"], 1) == [0]
    with pytest.raises(sk.MissingFieldError):
        sk.bucket_of(["T-1", None], 4)
    with pytest.raises(ValueError):
        sk.bucket_of(["T-1"], 0)
    with pytest.raises(TypeError):
        sk.bucket_of("T-1", 4)


# ---- outputs -------------------------------------------------------------------------------


def test_rows_and_undefined(sample_report: sk.Report) -> None:
    rows = sample_report.to_dicts()
    assert list(rows[0]) == list(sk.Report.columns)
    first = rows[0]
    assert isinstance(first["period_start"], date) and first["dimension"] is None
    assert first["frt_mean_bh_s"] is None
    assert sample_report.undefined_reasons(0)["frt_mean_bh_s"]
    assert sample_report.undefined[0] == sample_report.undefined_reasons(0)
    costs = [r["cost_per_ticket"] for r in rows if r["cost_per_ticket"] is not None]
    assert costs and all(isinstance(c, Decimal) for c in costs)
    core = json.loads(sample_report.to_json())
    assert [r["tickets_created"] for r in core["rows"]] == [r["tickets_created"] for r in rows]
    assert sample_report.to_csv().splitlines()[0] == ",".join(sk.Report.columns)


def test_to_pandas(sample_report: sk.Report) -> None:
    df = sample_report.to_pandas()
    assert list(df.columns) == list(sk.Report.columns)
    assert len(df) == len(sample_report)
    assert str(df["period_start"].dtype).startswith("datetime64")
    assert df["tickets_created"].dtype == "int64"
    assert str(df["frt_mean_s"].dtype) == "Float64"
    assert str(df["cost_per_ticket"].dtype) == "Float64"
    numeric = [c for c in df.columns if c not in ("dimension", "cost_currency")]
    assert not any(df[c].dtype == object for c in numeric)
    assert df["frt_mean_bh_s"].isna().all()


def test_to_arrow(sample_report: sk.Report) -> None:
    table = pa.table(sample_report.to_arrow())
    assert table.column_names == list(sk.Report.columns)
    assert table.schema.field("period_start").type == pa.date32()
    assert table.schema.field("cost_per_ticket").type == pa.decimal128(38, 2)
    assert table.to_pylist() == sample_report.to_dicts()
    # polars reads a stream as a DataFrame through its constructor (from_arrow makes a Series).
    frame = pl.DataFrame(sample_report.to_arrow())
    assert frame["tickets_created"].to_list() == [r["tickets_created"] for r in sample_report.rows]


def test_repr_html_pickle(sample_report: sk.Report, servicenow_daily: sk.Report) -> None:
    assert repr(sample_report) == "Report(month, 15 rows, 2021-05-01..2021-07-01, by='channel')"
    html = servicenow_daily._repr_html_()
    assert html.count("<tr>") == 51 and "more rows" in html
    assert "more rows" not in sample_report._repr_html_()
    again = pickle.loads(pickle.dumps(sample_report))
    assert again == sample_report and again.to_json() == sample_report.to_json()
    assert sample_report != servicenow_daily
    r = sk.read_tickets(DATA / "tickets.csv")
    assert repr(r) == "Records(tickets: 120 accepted, 0 rejected)"


def test_plot(sample_report: sk.Report) -> None:
    from matplotlib.figure import Figure

    fig = sample_report.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 4


def test_plot_without_matplotlib(sample_report: sk.Report, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match="pip install matplotlib"):
        sample_report.plot()


def test_records_iterate_as_dicts() -> None:
    events = sk.read_events(DATA / "events.csv")
    e = next(iter(events))
    assert set(e) == {"ticket_id", "at", "kind", "author", "public", "to", "into", "agent"}
    assert e["at"].tzinfo is not None
    c = sk.read_costs(DATA / "costs.csv")[0]
    assert c["amount"] == Decimal("41200.00") and c["start"] == date(2021, 5, 1)
    cust = sk.read_customers(DATA / "customers.csv")[-1]
    assert cust["acquired_at"].tzinfo is not None
    with pytest.raises(IndexError):
        events[len(events)]
