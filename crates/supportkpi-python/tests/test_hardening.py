"""Hostile inputs from Python (issue #19): a clear exception, never a dead interpreter."""

import time
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


def test_an_input_without_line_ends_is_an_error() -> None:
    with pytest.raises(sk.IoError, match="a line is at most 16 MiB"):
        sk.report(tickets="/dev/zero")
