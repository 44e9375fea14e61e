"""sk.prepare: inputs read once, reported on many times; each report equals sk.report's."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
import pyarrow.csv as pacsv  # type: ignore[import-untyped,unused-ignore]
import pytest

import supportkpi as sk

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
SERVICENOW = ROOT / "tests" / "data" / "servicenow_incident_events.csv"
UTC = timezone.utc
SLOTS = ("tickets", "surveys", "customers", "costs")

READERS: Dict[str, Callable[..., sk.Records]] = {
    "tickets": sk.read_tickets,
    "events": sk.read_events,
    "surveys": sk.read_surveys,
    "customers": sk.read_customers,
    "costs": sk.read_costs,
}

# Polars tickets beside a path, a pyarrow table and records.
MIXED: Dict[str, Callable[[Path], Any]] = {
    "tickets": pl.read_csv,
    "surveys": str,
    "customers": pacsv.read_csv,
    "costs": READERS["costs"],
}

# Each input kind sk.report takes, and one mixing them.
LOADERS: Dict[str, Callable[[str, Path], Any]] = {
    "path": lambda slot, p: p,
    "pyarrow": lambda slot, p: pacsv.read_csv(p),
    "polars": lambda slot, p: pl.read_csv(p),
    "records": lambda slot, p: READERS[slot](p),
    "mixed": lambda slot, p: MIXED[slot](p),
}


def sample(kind: str) -> Dict[str, Any]:
    return {slot: LOADERS[kind](slot, DATA / f"{slot}.csv") for slot in SLOTS}


CALENDAR = sk.BusinessCalendar("America/New_York", "Mon-Fri 09:00-17:00", holidays=["2021-07-05"])

# Report options only (no reading option): sk.report(**reads, **opts) reads as prepare did.
OPTION_SETS: Dict[str, Dict[str, Any]] = {
    "defaults": {},
    "by channel": {"by": "channel"},
    "by channel and priority": {"by": ["channel", "priority"]},
    "where": {"where": {"channel": ["email", "web"]}, "by": "priority"},
    "week": {"period": "week", "by": "segment"},
    "quarter": {"period": "quarter", "by": "customer_id"},
    "sections": {"sections": ["intervals", "backlog_ages", "drill_down"], "by": "channel"},
    "sla business": {
        "sla": {"first_response": {"high": 3600, "default": 4 * 3600}, "resolution": {"default": 86400},
                "clock": "business"},
        "calendar": CALENDAR,
        "as_of": datetime(2021, 7, 1, tzinfo=UTC),
        "by": "priority",
    },
    # The sample's times are all UTC instants, so reading them in another zone changes nothing:
    # the equality holds with sk.report reading in New York too.
    "zone and range": {"timezone": "America/New_York", "range": (date(2021, 5, 1), "2021-08-31")},
    "options": {"options": {"csat": {"scale": {"min": 1, "max": 5}, "positive_from": 5, "confidence": 0.9},
                                     "quantiles": {"sketch": {"relative_accuracy": 0.01}}},
                "period": "day"},
}


@pytest.mark.parametrize("kind", list(LOADERS))
def test_each_report_equals_sk_report(kind: str) -> None:
    prepared = sk.prepare(**sample(kind))
    assert prepared.read == {"tickets": 120, "surveys": 77, "customers": 24, "costs": 6}
    for name, opts in OPTION_SETS.items():
        want = sk.report(**sample(kind), **opts)
        got = prepared.report(**opts)
        assert got == want, name
        assert got.to_json() == want.to_json(), name
        assert (got.read, got.rejected) == (want.read, []), name


def test_the_option_sets_give_different_reports() -> None:
    # Else the equality above would prove little.
    prepared = sk.prepare(**sample("path"))
    reports = [prepared.report(**opts) for opts in OPTION_SETS.values()]
    assert len({r.to_json() for r in reports}) == len(reports)
    where = prepared.report(**OPTION_SETS["where"])
    june = [r for r in where.rows if r["period_start"] == date(2021, 6, 1) and r["dimension"] is None]
    assert june[0]["tickets_created"] < 120


def test_reporting_twice_gives_equal_reports() -> None:
    prepared = sk.prepare(**sample("polars"))
    first = prepared.report(by="channel")
    # A report by customer interns the held customers column: later reports are unchanged.
    by_customer = prepared.report(by="customer_id")
    assert prepared.report(by="channel") == first
    assert prepared.report(by="customer_id") == by_customer
    assert first.to_csv() == sk.report(**sample("path"), by="channel").to_csv()


def test_reports_on_threads_share_the_tables() -> None:
    prepared = sk.prepare(**sample("pyarrow"))
    want = {by: sk.report(**sample("path"), by=by) for by in ("customer_id", "channel", "segment")}
    got: List[Tuple[str, sk.Report]] = []
    lock = threading.Lock()

    def work(by: str) -> None:
        for _ in range(3):
            r = prepared.report(by=by)
            with lock:
                got.append((by, r))

    threads = [threading.Thread(target=work, args=(by,)) for by in want for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 18
    assert all(r == want[by] for by, r in got)


def test_event_logs_are_held_as_records() -> None:
    for events in (DATA / "events.csv", pl.read_csv(DATA / "events.csv"), sk.read_events(DATA / "events.csv")):
        prepared = sk.prepare(events=events, surveys=DATA / "surveys.csv", customers=DATA / "customers.csv")
        assert "held as records" in repr(prepared)
        for opts in ({"period": "week"}, {"by": "status", "sla": {"first_response": {"default": 600}}},
                     {"period": "day", "where": {"status": "solved"}}):
            want = sk.report(events=events, surveys=DATA / "surveys.csv", customers=DATA / "customers.csv", **opts)
            assert prepared.report(**opts) == want
    created = sum(r["tickets_created"] for r in prepared.report(period="week").rows if r["dimension"] is None)
    assert created == len({e["ticket_id"] for e in sk.read_events(DATA / "events.csv")}) == 5


def test_servicenow_preset() -> None:
    prepared = sk.prepare(tickets=SERVICENOW, preset="servicenow")
    daily = prepared.report(period="day")
    assert daily == sk.report(tickets=SERVICENOW, preset="servicenow", period="day")
    table = pl.read_csv(SERVICENOW)
    from_table = sk.prepare(events=table, preset="servicenow")
    assert from_table.report(period="day") == daily
    by_priority = from_table.report(period="month", by="priority")
    assert by_priority == sk.report(tickets=SERVICENOW, preset="servicenow", by="priority")
    totals = [r for r in daily.rows if r["dimension"] is None]
    # 5998 event rows, 890 incidents (as the Rust tests count them).
    assert prepared.read == {"tickets": 5998}
    assert sum(r["tickets_created"] for r in totals) == 890
    assert "held as records: tickets 890" in repr(prepared)


BAD_TICKETS = (
    "id,created_at,first_response_at,channel\n"
    "T-1,2021-06-01T08:00:00Z,2021-06-01T09:00:00Z,email\n"
    "T-2,not a time,,web\n"
    "T-3,2021-06-02T08:00:00Z,2021-06-01T08:00:00Z,web\n"
    "T-4,2021-06-03T08:00:00Z,,email\n"
)
BAD_SURVEYS = (
    "id,ticket_id,responded_at,kind,score\n"
    "S-1,T-1,2021-06-01T10:00:00Z,csat,5\n"
    "S-2,T-4,2021-06-03T10:00:00Z,csat,9\n"
    "S-3,T-4,2021-06-03T10:00:00Z,nps,11\n"
)


def bad_inputs(tmp_path: Path, kind: str) -> Dict[str, Any]:
    (tmp_path / "tickets.csv").write_text(BAD_TICKETS)
    (tmp_path / "surveys.csv").write_text(BAD_SURVEYS)
    return {slot: LOADERS[kind](slot, tmp_path / f"{slot}.csv") for slot in ("tickets", "surveys")}


def rejects(rejected: List[sk.Rejected]) -> List[Tuple[Any, ...]]:
    return [(r.source, r.line, type(r.error), r.error.field, r.error.value, str(r.error)) for r in rejected]


@pytest.mark.parametrize("kind", ["path", "pyarrow", "polars"])
def test_lenient_rejects_and_counts_equal_sk_report(kind: str, tmp_path: Path) -> None:
    prepared = sk.prepare(**bad_inputs(tmp_path, kind), errors="lenient")
    want = sk.report(**bad_inputs(tmp_path, kind), errors="lenient", period="day")
    assert prepared.read == want.read == {"tickets": 4, "surveys": 3}
    assert rejects(prepared.rejected) == rejects(want.rejected)
    # The bad time, the response before creation, the CSAT 9 off 1-5 and the NPS 11.
    assert [(r.source, type(r.error)) for r in prepared.rejected] == [
        ("tickets", sk.InvalidTimestampError),
        ("tickets", sk.NegativeDurationError),
        ("surveys", sk.ScoreOutOfScaleError),
        ("surveys", sk.ScoreOutOfScaleError),
    ]
    got = prepared.report(period="day")
    assert got == want
    assert (got.read, rejects(got.rejected)) == (want.read, rejects(want.rejected))
    assert [r["tickets_created"] for r in got.rows] == [1, 0, 1]
    assert repr(prepared).startswith("Prepared(read: tickets 4, surveys 3; rejected: 4; held as ")


def test_records_keep_the_rejects_of_their_read(tmp_path: Path) -> None:
    bad_inputs(tmp_path, "path")
    tickets = sk.read_tickets(tmp_path / "tickets.csv", errors="lenient")
    # read_surveys knows no report's CSAT scale: the 9 is a record, refused by the report.
    surveys = sk.read_surveys(tmp_path / "surveys.csv", errors="lenient")
    prepared = sk.prepare(tickets=tickets, surveys=surveys)
    assert prepared.read == {"tickets": 4, "surveys": 3}
    assert [(r.source, r.line, type(r.error)) for r in prepared.rejected] == [
        ("tickets", 3, sk.InvalidTimestampError),
        ("tickets", 4, sk.NegativeDurationError),
        ("surveys", 4, sk.ScoreOutOfScaleError),
    ]
    with pytest.raises(sk.ScoreOutOfScaleError) as want:
        sk.report(tickets=tickets, surveys=surveys)
    with pytest.raises(sk.ScoreOutOfScaleError) as got:
        prepared.report()
    assert str(got.value) == str(want.value) and got.value.value == "9"
    without = sk.prepare(tickets=tickets)
    assert without.report(period="day") == sk.report(tickets=tickets, period="day")
    assert rejects(without.report().rejected) == rejects(sk.report(tickets=tickets).rejected)


@pytest.mark.parametrize("kind", ["path", "pyarrow", "polars"])
def test_strict_raises_at_prepare_as_sk_report_raises(kind: str, tmp_path: Path) -> None:
    with pytest.raises(sk.Error) as want:
        sk.report(**bad_inputs(tmp_path, kind))
    with pytest.raises(sk.Error) as got:
        sk.prepare(**bad_inputs(tmp_path, kind))
    assert type(got.value) is type(want.value) is sk.InvalidTimestampError
    for attr in ("record", "record_id", "line", "field", "value", "rule"):
        assert getattr(got.value, attr) == getattr(want.value, attr), attr
    assert str(got.value) == str(want.value)
    assert got.value.field == "created_at" and got.value.value == "not a time"


def test_option_errors_raise_as_sk_report_raises() -> None:
    prepared = sk.prepare(**sample("path"))
    for opts in ({"by": "no_such_field"}, {"where": {"no_such_field": "x"}}, {"period": "fortnight"},
                 {"options": {"no_such_option": 1}}, {"timezone": "Mars/Olympus"}, {"sections": ["nope"]}):
        with pytest.raises(sk.Error) as want:
            sk.report(**sample("path"), **opts)
        with pytest.raises(sk.Error) as got:
            prepared.report(**opts)
        assert type(got.value) is type(want.value), opts
        assert str(got.value) == str(want.value), opts
    with pytest.raises(TypeError):
        prepared.report(period=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"\.report\(\.\.\.\)"):
        sk.report(tickets=prepared)


def test_kept_dimensions_are_the_reads() -> None:
    t = pa.table({"id": ["A", "B"], "created_at": ["2021-06-01T08:00:00Z"] * 2, "plan": ["pro", None]})
    kept = sk.prepare(tickets=t, keep_extra_columns=True)
    assert [r["dimension"] for r in kept.report(by="plan").rows] == [None, "pro", "(none)"]
    assert kept.report(where={"plan": "pro"}).rows[0]["tickets_created"] == 1
    with pytest.raises(sk.InvalidOptionError) as e:
        sk.prepare(tickets=t).report(by="plan")
    assert e.value.value == "plan"


# ---- what reading takes from the report options ----------------------------------------------

TEN = {"scale": {"min": 0, "max": 10}, "confidence": 0.95}


def csat_surveys() -> pa.Table:
    return pa.table({
        "id": ["S-1", "S-2", "S-3", "S-4"],
        "responded_at": [datetime(2021, 6, 1, 8, tzinfo=UTC)] * 4,
        "kind": ["csat"] * 4,
        "score": [10, 8, 7, 2],
    })


def test_survey_scales_are_fixed_at_prepare() -> None:
    prepared = sk.prepare(surveys=csat_surveys(), options={"csat": TEN})
    assert prepared.options == {"csat": TEN}
    want = sk.report(surveys=csat_surveys(), options={"csat": TEN})
    assert prepared.report() == want
    # 0-10 scores are positive from 9 by default: 10 of the 4.
    assert want.rows[0]["csat_pct"] == 25.0
    # The threshold is no part of reading: a report may change it.
    laxer = prepared.report(options={"csat": {**TEN, "positive_from": 8}})
    assert laxer == sk.report(surveys=csat_surveys(), options={"csat": {**TEN, "positive_from": 8}})
    assert laxer.rows[0]["csat_pct"] == 50.0
    # The scale is: scores were checked against 0-10, and 1-5 would have refused them.
    with pytest.raises(sk.InvalidOptionError) as e:
        prepared.report(options={"csat": {**TEN, "scale": {"min": 1, "max": 5}}})
    assert e.value.field == "csat"
    assert e.value.value == "1-5"
    assert "prepare()" in str(e.value) and "0-10" in str(e.value)
    with pytest.raises(sk.InvalidOptionError) as e:
        prepared.report(options={"csat": {"scale": {"min": 1, "max": 10}, "confidence": 0.95}})
    assert (e.value.field, e.value.value) == ("csat", "1-10")
    with pytest.raises(sk.InvalidOptionError) as e:
        prepared.report(options={"ces": {"scale": "ease_1_to_7"}})
    assert e.value.field == "ces" and e.value.value == "1-7"
    # A CES scale of the same range reads the same scores.
    custom = {"scale": {"custom": {"min": 1, "max": 5, "better": "higher_is_better", "easy_threshold": 4}}}
    assert prepared.report(options={"ces": custom}) == sk.report(
        surveys=csat_surveys(), options={"csat": TEN, "ces": custom})


def test_default_scales_reject_at_prepare_when_lenient() -> None:
    prepared = sk.prepare(surveys=csat_surveys(), errors="lenient")
    assert [(r.line, r.error.value) for r in prepared.rejected] == [(1, "10"), (2, "8"), (3, "7")]
    assert prepared.report().rows[0]["csat_n"] == 1
    with pytest.raises(sk.ScoreOutOfScaleError):
        sk.prepare(surveys=csat_surveys())


def test_prepare_takes_only_reading_options() -> None:
    with pytest.raises(sk.InvalidOptionError) as e:
        sk.prepare(tickets=DATA / "tickets.csv", options={"csat": TEN, "quantiles": "exact"})
    assert e.value.field == "options" and e.value.value == "quantiles"
    assert "Prepared.report" in str(e.value)
    with pytest.raises(sk.InvalidOptionError):
        sk.prepare(tickets=DATA / "tickets.csv", options={"csat": {**TEN, "scale": {"min": 5, "max": 1}}})
    with pytest.raises(TypeError):
        sk.prepare(tickets=DATA / "tickets.csv", options={"csat": object()})


def naive_tickets() -> pa.Table:
    # Arrow timestamps without a zone: wall-clock times in the reading zone.
    return pa.table({
        "id": ["T-1"],
        "created_at": pa.array([datetime(2021, 6, 30, 23, 30)], pa.timestamp("us")),
    })


def created_on(r: sk.Report) -> List[Tuple[date, int]]:
    return [(row["period_start"], row["tickets_created"]) for row in r.rows if row["tickets_created"]]


def test_naive_times_are_read_in_prepares_zone() -> None:
    prepared = sk.prepare(tickets=naive_tickets(), timezone="Europe/Berlin")
    assert prepared.timezone == "Europe/Berlin"
    # 23:30 in Berlin (summer time, UTC+2) is 21:30 UTC on June 30.
    berlin = prepared.report(period="day")
    assert created_on(berlin) == [(date(2021, 6, 30), 1)]
    assert berlin == sk.report(tickets=naive_tickets(), timezone="Europe/Berlin", period="day")
    assert berlin.options["zone"] == "Europe/Berlin"
    # Reported in Tokyo (UTC+9), 21:30 UTC is 06:30 on July 1: the same instant, another day.
    tokyo = prepared.report(period="day", timezone="Asia/Tokyo")
    assert created_on(tokyo) == [(date(2021, 7, 1), 1)]
    assert tokyo.options["zone"] == "Asia/Tokyo"
    # sk.report in Tokyo reads the naive time in Tokyo too: 23:30 on June 30 there.
    assert created_on(sk.report(tickets=naive_tickets(), timezone="Asia/Tokyo", period="day")) == [
        (date(2021, 6, 30), 1)
    ]
    # By month: July in Tokyo, June in Berlin.
    assert created_on(prepared.report(timezone="Asia/Tokyo")) == [(date(2021, 7, 1), 1)]
    assert created_on(prepared.report()) == [(date(2021, 6, 1), 1)]


def test_naive_text_times_too(tmp_path: Path) -> None:
    p = tmp_path / "tickets.csv"
    p.write_text("id,created_at\nT-1,2021-07-01 00:30:00\n")
    prepared = sk.prepare(tickets=p, timezone="Europe/Berlin")
    # 00:30 on July 1 in Berlin is 22:30 UTC on June 30.
    assert created_on(prepared.report()) == [(date(2021, 7, 1), 1)]
    assert created_on(prepared.report(timezone="UTC")) == [(date(2021, 6, 1), 1)]
    assert created_on(sk.report(tickets=p, timezone="UTC")) == [(date(2021, 7, 1), 1)]


def test_repr_and_properties() -> None:
    prepared = sk.prepare(**sample("records"))
    assert repr(prepared) == (
        "Prepared(read: tickets 120, surveys 77, customers 24, costs 6; rejected: 0; "
        "held as columns: tickets 120, surveys 77, customers 24, costs 6; timezone: UTC)"
    )
    assert prepared.rejected == [] and prepared.options == {}
    assert repr(sk.prepare()) == "Prepared(read: nothing; rejected: 0; held as columns: nothing; timezone: UTC)"


@pytest.mark.parametrize("kind", ["path", "polars", "records"])
def test_each_ticket_table_equals_sk_ticket_metrics(kind: str) -> None:
    prepared = sk.prepare(**sample(kind))
    tables = {}
    for name, opts in OPTION_SETS.items():
        opts = {k: v for k, v in opts.items() if k != "sections"}
        want = sk.ticket_metrics(**sample(kind), **opts)
        got = prepared.ticket_metrics(**opts)
        assert got.to_dicts() == want.to_dicts(), name
        assert got.to_csv() == want.to_csv(), name
        tables[name] = got.to_csv()
    # The held tables are not consumed, and the option sets tell tables apart.
    assert prepared.ticket_metrics().to_csv() == tables["defaults"]
    assert len(prepared.ticket_metrics()) == 120
    assert len(prepared.ticket_metrics(where={"channel": ["email", "web"]})) < 120
    assert tables["sla business"] != tables["defaults"]


def test_ticket_tables_of_event_logs_and_their_errors() -> None:
    events = DATA / "events.csv"
    prepared = sk.prepare(events=events, surveys=DATA / "surveys.csv")
    want = sk.ticket_metrics(events=events, surveys=DATA / "surveys.csv", as_of=datetime(2021, 7, 1, tzinfo=UTC))
    got = prepared.ticket_metrics(as_of=datetime(2021, 7, 1, tzinfo=UTC))
    assert got.to_dicts() == want.to_dicts()
    assert any(r["reopens"] for r in got.to_dicts())
    with pytest.raises(sk.InvalidOptionError) as info:
        prepared.ticket_metrics(where={"chanel": "email"})
    assert (info.value.field, info.value.value) == ("where", "chanel")
