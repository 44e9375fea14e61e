"""Hostile inputs from Python (issue #19): a clear exception, never a dead interpreter."""

import time
from datetime import date, timedelta
from pathlib import Path

import pytest

import supportkpi as sk

SPAN = (
    "id,customer_id,created_at,first_response_at,resolved_at,status\n"
    "T-1,C-1,0001-01-01T00:00:00Z,,9999-12-31T00:00:00Z,solved\n"
)


def test_a_ticket_spanning_the_calendar_by_day_is_an_error(tmp_path: Path) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text(SPAN)
    start = time.monotonic()
    with pytest.raises(sk.InvalidOptionError, match="max_periods = 10000") as info:
        sk.report(tickets=str(tickets), period="day")
    assert info.value.field == "resolved_at"
    assert time.monotonic() - start < 10
    # A range bounds it; a bound of one's own too.
    report = sk.report(tickets=str(tickets), period="day", range=("2021-01-01", "2021-01-03"))
    assert [r["backlog_end"] for r in report.to_dicts()] == [1, 1, 1]
    with pytest.raises(sk.InvalidOptionError, match="max_periods = 9998"):
        sk.report(tickets=str(tickets), period="year", options={"max_periods": 9998})


def test_a_grouping_past_max_rows_is_an_error_on_every_path(tmp_path: Path) -> None:
    # 2,000 tickets of 2,000 customers over 300 days: by day 300 × 2,001 = 600,300 rows,
    # past the default bound of 500,000; by month 10 × 2,001 = 20,010.
    lines = ["id,customer_id,created_at,first_response_at,resolved_at,status"]
    for i in range(2000):
        day = date(2024, 1, 1) + timedelta(days=i % 300)
        lines.append(f"T-{i},C-{i},{day}T09:00:00Z,,,open")
    tickets = tmp_path / "t.csv"
    tickets.write_text("\n".join(lines) + "\n")
    with pytest.raises(sk.InvalidOptionError, match="max_rows = 500000") as info:
        sk.report(tickets=str(tickets), period="day", by="customer_id")
    assert (info.value.field, info.value.value) == ("by", "customer_id")
    assert "make at least 600300" in str(info.value)
    assert len(sk.report(tickets=str(tickets), by="customer_id").to_dicts()) == 20_010
    # The option, from a file, from a frame, and for partitions merged.
    low = {"max_rows": 20_009}
    with pytest.raises(sk.InvalidOptionError, match="make at least 20010"):
        sk.report(tickets=str(tickets), by="customer_id", options=low)
    pa = pytest.importorskip("pyarrow.csv")
    table = pa.read_csv(str(tickets))
    with pytest.raises(sk.InvalidOptionError, match="max_rows = 20009"):
        sk.report(tickets=table, by="customer_id", options=low)
    halves = [table.slice(0, 1000), table.slice(1000)]
    states = [sk.partial(tickets=h, by="customer_id", options=low) for h in halves]
    with pytest.raises(sk.InvalidOptionError, match="10 month periods × \\(2000 values"):
        sk.merge(states)


def test_an_input_without_line_ends_is_an_error() -> None:
    with pytest.raises(sk.IoError, match="a line is at most 16 MiB"):
        sk.report(tickets="/dev/zero")
